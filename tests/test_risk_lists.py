"""风险画像 where people look: the ledger page's extra column, sorted and filtered by band
through the FilterSet the API shares (fixed query counts), the API's score and deductions,
the enterprise page, the 附件1 export left at 14 columns, and the dashboard's 风险最高的 20 家
scoped to the user's area."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises import risk
from enterprises.ledger import LEDGER_COLUMNS, ledger_rows
from enterprises.models import Enterprise, RiskBand
from rectification.models import CaseState
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import TipFactory
from tests.factories.rectification import CaseFactory

LIST = reverse("enterprises:list")
API = "/api/enterprises/"


def ledger_with_bands(area, township="township_a1", low=2):
    """One 高 (relapse 30 + quasi 10 + overdue 5 → 55), one 中 (relapse → 70) and `low` 低."""
    high = EnterpriseFactory(township=area[township], name=f"{township}高风险厂")
    CaseFactory(
        enterprise=high,
        state=CaseState.IN_PROGRESS,
        is_relapse=True,
        is_quasi=True,
        deadline=timezone.localdate() - datetime.timedelta(days=3),
    )
    middle = EnterpriseFactory(township=area[township], name=f"{township}中风险厂")
    CaseFactory(enterprise=middle, state=CaseState.IN_PROGRESS, is_relapse=True)
    lows = EnterpriseFactory.create_batch(low, township=area[township])
    risk.recompute_all()
    return high, middle, lows


def names_on(response):
    return [enterprise.name for enterprise, _ in response.context["rows"]]


def test_the_ledger_shows_score_and_band_after_the_14_columns(area, client_for):
    ledger_with_bands(area)
    response = client_for(area["users"]["clerk"]).get(LIST)
    html = response.content.decode()
    assert len(response.context["headers"]) == 14
    assert response.context["risk_header"][0] == "风险"
    assert '<span class="badge text-bg-danger" title="风险评分">高 55</span>' in html


def test_sorting_by_risk_puts_the_lowest_score_first(area, client_for):
    high, middle, _ = ledger_with_bands(area)
    response = client_for(area["users"]["clerk"]).get(LIST, {"ordering": "risk_score"})
    assert names_on(response)[:2] == [high.name, middle.name]
    reverse_order = client_for(area["users"]["clerk"]).get(LIST, {"ordering": "-risk_score"})
    assert names_on(reverse_order)[-2:] == [middle.name, high.name]


def test_filtering_by_band_keeps_only_that_band(area, client_for):
    high, middle, _ = ledger_with_bands(area)
    client = client_for(area["users"]["clerk"])
    assert names_on(client.get(LIST, {"risk_band": "high"})) == [high.name]
    assert names_on(client.get(LIST, {"risk_band": "middle"})) == [middle.name]
    assert len(names_on(client.get(LIST, {"risk_band": "low"}))) == 2


def test_the_band_filter_and_sort_run_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries
):
    ledger_with_bands(area, low=3)
    client = client_for(area["users"]["county"])
    query = {"risk_band": "low", "ordering": "risk_score"}
    client.get(LIST, query)
    with CaptureQueriesContext(connection) as few:
        response = client.get(LIST, query)
    assert len(response.context["rows"]) == 3
    EnterpriseFactory.create_batch(30, township=area["township_a2"])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST, query)
    assert len(response.context["rows"]) == 33


def test_the_api_filters_sorts_and_shows_the_score(area, api_for, django_assert_num_queries):
    high, middle, _ = ledger_with_bands(area)
    client = api_for(area["users"]["county"])
    response = client.get(API, {"risk_band": "high"})
    (item,) = response.data["results"]
    assert (item["id"], item["risk_score"], item["risk_band"]) == (high.pk, 55, "high")
    assert item["risk_band_display"] == "高"
    assert "risk_deductions" not in item
    ordered = client.get(API, {"ordering": "risk_score"}).data["results"]
    assert [row["id"] for row in ordered[:2]] == [high.pk, middle.pk]
    with CaptureQueriesContext(connection) as few:
        client.get(API, {"risk_band": "low"})
    EnterpriseFactory.create_batch(20, township=area["township_a1"])
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(API, {"risk_band": "low"}).data["results"]) == 22


def test_the_api_detail_lists_each_deduction_with_source_and_date(area, api_for):
    high, _, _ = ledger_with_bands(area)
    data = api_for(area["users"]["county"]).get(f"{API}{high.pk}/").data
    kinds = {row["kind"]: row for row in data["risk_deductions"]}
    assert set(kinds) == {"relapse", "quasi", "overdue"}
    assert kinds["relapse"]["points"] == 30
    assert kinds["relapse"]["kind_label"] == "反弹（死灰复燃）"
    assert kinds["overdue"]["source"].startswith("整治案件 ")
    assert kinds["overdue"]["date"] is not None


def test_the_api_refuses_a_band_that_does_not_exist(area, api_for):
    response = api_for(area["users"]["county"]).get(API, {"risk_band": "extreme"})
    assert response.status_code == 400
    assert Enterprise.objects.count() == 0


def test_the_enterprise_page_shows_score_band_and_deductions(area, client_for):
    high, _, _ = ledger_with_bands(area)
    TipFactory(county=area["county_a"], enterprise=high)
    risk.recompute([high.pk])
    html = client_for(area["users"]["clerk"]).get(reverse("enterprises:detail", args=[high.pk]))
    html = html.content.decode()
    assert '<span class="badge text-bg-danger" id="risk-band">高风险</span>' in html
    assert "评分 <strong>50</strong> / 100" in html
    assert "反弹（死灰复燃）" in html and "被举报" in html and "-30" in html


def test_the_export_keeps_the_14_columns_of_annex_1(area):
    ledger_with_bands(area)
    rows = list(ledger_rows(Enterprise.objects.all()))
    assert {len(row) for row in rows} == {len(LEDGER_COLUMNS)} == {14}


def test_the_dashboard_lists_the_riskiest_of_the_users_area_only(area, client_for):
    high, middle, _ = ledger_with_bands(area)
    other_high, _, _ = ledger_with_bands(area, township="township_b1")
    response = client_for(area["users"]["county"]).get(reverse("reporting:dashboard"))
    riskiest = list(response.context["dash"].riskiest)
    assert riskiest == [high, middle]  # 乙县's are outside 甲县; 低 with 100 are left out
    assert "风险最高的 20 家" in response.content.decode()
    city = client_for(area["users"]["city"]).get(reverse("reporting:dashboard"))
    assert set(city.context["dash"].riskiest) >= {high, other_high}


def test_the_dashboard_top_20_stops_at_20_in_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries
):
    client = client_for(area["users"]["county"])
    ledger_with_bands(area)
    client.get(reverse("reporting:dashboard"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reporting:dashboard"))
    for enterprise in EnterpriseFactory.create_batch(25, township=area["township_a2"]):
        CaseFactory(enterprise=enterprise, state=CaseState.IN_PROGRESS, is_quasi=True)
    risk.recompute_all()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reporting:dashboard"))
    riskiest = response.context["dash"].riskiest
    assert len(riskiest) == 20
    assert [e.risk_score for e in riskiest] == sorted(e.risk_score for e in riskiest)
    assert riskiest[0].risk_band == RiskBand.HIGH
