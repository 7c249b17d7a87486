"""Spot-check coverage per township against seed 004's 20% line, planning a round (a random
sample of at least 20% per township), and the pages and API that show it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.refusals import Refused
from inspections.models import InspectionType, SpotCheckRound
from inspections.stats import spot_check_coverage
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import InspectionFactory, TeamFactory
from tests.factories.spot_checks import END, START, ledger, plan

pytestmark = pytest.mark.django_db


def spot_check(area, enterprises, on=datetime.date(2024, 5, 10), **kwargs):
    team = TeamFactory(organisation=area["orgs"]["county_office"], out_on=on)
    for enterprise in enterprises:
        InspectionFactory(
            team=team,
            enterprise=enterprise,
            inspection_type=kwargs.get("inspection_type", InspectionType.SPOT_CHECK),
        )


def by_code(rows):
    return {row.township.code: row for row in rows}


def test_coverage_counts_spot_checked_enterprises_against_the_ledger(area):
    a1 = ledger(area, "township_a1", 10)
    a2 = ledger(area, "township_a2", 10)
    spot_check(area, a1[:2])  # 20%: meets the line
    spot_check(area, a1[:1])  # the same enterprise twice counts once
    spot_check(area, a2[:1])  # 10%: below
    spot_check(area, a2[1:4], inspection_type=InspectionType.PATROL)  # not a spot check
    spot_check(area, a2[4:6], on=datetime.date(2024, 6, 2))  # outside the period
    rows = by_code(spot_check_coverage(area["county_a"], START, END))
    a1_row, a2_row = rows[area["township_a1"].code], rows[area["township_a2"].code]
    assert (a1_row.ledger_count, a1_row.spot_checked_count, a1_row.share) == (10, 2, Decimal("0.2"))
    assert a1_row.meets_20_percent
    assert (a2_row.ledger_count, a2_row.spot_checked_count) == (10, 1)
    assert not a2_row.meets_20_percent
    assert a2_row.required_count == 2
    assert area["township_b1"].code not in rows


def test_enterprises_reported_after_the_period_are_not_on_its_ledger(area):
    ledger(area, "township_a1", 4)
    EnterpriseFactory(township=area["township_a1"], reported_on=datetime.date(2024, 7, 1))
    row = by_code(spot_check_coverage(area["county_a"], START, END))[area["township_a1"].code]
    assert row.ledger_count == 4


def test_a_township_with_an_empty_ledger_meets_the_line_with_no_share(area):
    row = by_code(spot_check_coverage(area["county_a"], START, END))[area["township_a2"].code]
    assert row.ledger_count == 0 and row.share is None and row.meets_20_percent


@pytest.mark.parametrize("size", [3, 15])
def test_coverage_runs_a_fixed_number_of_queries(area, django_assert_num_queries, size):
    spot_check(area, ledger(area, "township_a1", size))
    with django_assert_num_queries(3):
        rows = spot_check_coverage(area["city"], START, END)
    assert sum(row.spot_checked_count for row in rows) == size


def test_planning_a_round_draws_at_least_20_percent_of_each_township(area):
    ledger(area, "township_a1", 10)
    ledger(area, "township_a2", 3)
    ledger(area, "township_b1", 5)  # another county
    spot_check_round = plan(area)
    townships = [target.enterprise.township.code for target in spot_check_round.targets.all()]
    assert townships.count(area["township_a1"].code) == 2
    assert townships.count(area["township_a2"].code) == 1  # ceil(0.6)
    assert area["township_b1"].code not in townships


def test_a_round_below_20_percent_or_by_a_clerk_is_refused(area):
    with pytest.raises(Refused) as refusal:
        plan(area, share=Decimal("0.1"))
    assert "20%" in refusal.value.message
    with pytest.raises(PermissionDenied):
        plan(area, by="clerk")
    assert not SpotCheckRound.objects.exists()


def test_county_plans_a_round_and_sees_coverage_in_the_browser_pages(area, client_for):
    ledger(area, "township_a1", 5)
    client = client_for(area["users"]["county"])
    response = client.post(
        "/inspections/spot-checks/new/",
        {
            "name": "五月督导抽查",
            "county": area["county_a"].pk,
            "period_start": START.isoformat(),
            "period_end": END.isoformat(),
            "target_share_percent": 20,
        },
    )
    spot_check_round = SpotCheckRound.objects.get()
    assert response.status_code == 302
    detail = client.get(f"/inspections/spot-checks/{spot_check_round.pk}/").content.decode()
    assert "待抽查" in detail and "录入抽查" in detail
    page = client.get(
        f"/inspections/spot-checks/coverage/?county={area['county_a'].code}"
        f"&period_start={START}&period_end={END}"
    ).content.decode()
    assert "甲一镇" in page and "未达标" in page


def test_a_round_of_19_percent_is_refused_on_the_form(area, client_for):
    response = client_for(area["users"]["county"]).post(
        "/inspections/spot-checks/new/",
        {
            "name": "x",
            "county": area["county_a"].pk,
            "period_start": START.isoformat(),
            "period_end": END.isoformat(),
            "target_share_percent": 19,
        },
    )
    assert response.status_code == 200
    assert not SpotCheckRound.objects.exists()


def test_coverage_api_answers_for_the_users_area_and_404_outside(area, client_for):
    a1 = ledger(area, "township_a1", 5)
    spot_check(area, a1[:1])
    client = client_for(area["users"]["county"])
    data = client.get(f"/api/spot-check-coverage/?period_start={START}&period_end={END}").json()
    rows = {row["township_code"]: row for row in data["rows"]}
    assert rows[area["township_a1"].code]["spot_checked_count"] == 1
    assert rows[area["township_a1"].code]["meets_20_percent"] is True
    assert (
        client.get(f"/api/spot-check-coverage/?region={area['county_b'].code}").status_code == 404
    )


def test_the_clerk_sees_only_own_township_in_coverage(area, client_for):
    ledger(area, "township_a1", 2)
    ledger(area, "township_a2", 2)
    page = client_for(area["users"]["clerk"]).get(
        f"/inspections/spot-checks/coverage/?county={area['county_a'].code}"
        f"&period_start={START}&period_end={timezone.localdate()}"
    )
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [row.township.code for row in rows] == [area["township_a1"].code]


def test_rounds_api_plans_a_round_through_the_service_and_refuses_a_clerk(area, client_for):
    ledger(area, "township_a1", 10)
    body = {
        "name": "API 抽查",
        "county": area["county_a"].code,
        "period_start": START.isoformat(),
        "period_end": END.isoformat(),
        "target_share": "0.30",
    }
    response = client_for(area["users"]["county"]).post(
        "/api/spot-check-rounds/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()["targets"]) == 3
    response = client_for(area["users"]["county"]).post(
        "/api/spot-check-rounds/", {**body, "target_share": "0.10"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "0.20" in response.json()["target_share"][0]
    clerk = client_for(area["users"]["clerk"])
    assert clerk.post(
        "/api/spot-check-rounds/", body, content_type="application/json"
    ).status_code in (400, 403)
    assert clerk.get("/api/spot-check-rounds/").json()["count"] == 0
    assert SpotCheckRound.objects.count() == 1
