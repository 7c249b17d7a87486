"""The ledger's 整治要求 / 整治期限 / 完成情况(完成日期) columns and the enterprise page links come
from the case, through the hooks enterprises.ledger offers."""

import datetime

import pytest
from django.utils import timezone

from enterprises import ledger
from enterprises.models import Enterprise
from rectification.hooks import CaseColumnsProvider, case_detail_links
from rectification.models import Case, CaseState, Disposal, Requirement, completion_text
from tests.factories.rectification import CampaignFactory, CaseFactory, new_enterprise

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_rectification_registered_its_provider_and_links():
    assert isinstance(ledger.case_columns_provider(), CaseColumnsProvider)
    assert case_detail_links in ledger._detail_link_functions


@pytest.mark.parametrize(
    ("state", "disposal", "requirement", "expected"),
    [
        (CaseState.FOUND, "", "", "待认定"),
        (CaseState.IN_PROGRESS, Disposal.UPGRADE, Requirement.OBTAIN_PERMITS, "补办手续中"),
        (CaseState.IN_PROGRESS, Disposal.UPGRADE, Requirement.IMPROVE, "正在整治"),
        (CaseState.DETERMINED, Disposal.SHUTDOWN, Requirement.DEMOLISH, "正在拆除"),
        (CaseState.IN_PROGRESS, Disposal.RELOCATION, "", "正在搬迁"),
        (
            CaseState.AWAITING_VERIFICATION,
            Disposal.SHUTDOWN,
            Requirement.DEMOLISH,
            "正在拆除（待验收）",
        ),
        (CaseState.CLOSED, Disposal.SHUTDOWN, Requirement.DEMOLISH, "拆除到位（2024-05-20）"),
        (
            CaseState.CLOSED,
            Disposal.UPGRADE,
            Requirement.OBTAIN_PERMITS,
            "手续补办到位（2024-05-20）",
        ),
    ],
)
def test_completion_text_follows_state_and_requirement(state, disposal, requirement, expected):
    case = Case(
        state=state,
        disposal=disposal,
        requirement=requirement,
        closed_on=datetime.date(2024, 5, 20),
    )
    assert completion_text(case) == expected


def test_provider_gives_the_latest_case_values(area):
    enterprise = new_enterprise(area)
    CaseFactory(
        enterprise=enterprise,
        campaign=CampaignFactory(year=2023),
        state=CaseState.CLOSED,
        closed_on=datetime.date(2023, 6, 1),
        disposal=Disposal.SHUTDOWN,
        requirement=Requirement.DEMOLISH,
    )
    CaseFactory(
        enterprise=enterprise,
        campaign=CampaignFactory(year=2024),
        state=CaseState.IN_PROGRESS,
        disposal=Disposal.UPGRADE,
        requirement=Requirement.IMPROVE,
        deadline=datetime.date(2024, 9, 30),
    )
    bare = new_enterprise(area)
    provider = CaseColumnsProvider()
    rows = {e.pk: provider.values(e) for e in provider.prepare(Enterprise.objects.all())}
    assert rows[enterprise.pk] == {
        "requirement": "整改完善",
        "deadline": datetime.date(2024, 9, 30),
        "completion": "正在整治",
    }
    assert rows[bare.pk] == {"requirement": "", "deadline": None, "completion": ""}


@pytest.mark.parametrize("count", [2, 20])
def test_provider_costs_one_query_per_page(area, django_assert_num_queries, count):
    campaign = CampaignFactory()
    for _ in range(count):
        CaseFactory(
            enterprise=new_enterprise(area),
            campaign=campaign,
            state=CaseState.IN_PROGRESS,
            requirement=Requirement.DEMOLISH,
            disposal=Disposal.SHUTDOWN,
        )
    provider = CaseColumnsProvider()
    with django_assert_num_queries(2):  # enterprises, their cases
        values = [provider.values(e) for e in provider.prepare(Enterprise.objects.all())]
    assert [v["completion"] for v in values] == ["正在拆除"] * count


def test_detail_links_point_to_visible_cases(area):
    enterprise = new_enterprise(area)
    case = CaseFactory(enterprise=enterprise, region_path=enterprise.region_path)
    links = ledger.detail_links(enterprise, area["users"]["clerk"])
    assert (f"整治案件 {case.number}", f"/cases/{case.pk}/") in links
    assert case_detail_links(enterprise, area["users"]["clerk_b1"]) == []


def test_imported_row_with_case_columns_proposes_the_townships_values(area):
    # Replaces the old behaviour (values only quoted on the timeline, the ledger showing
    # 待认定): the proposal records them and the ledger shows them as reported.
    from rectification.hooks import open_case_for_imported_row

    enterprise = new_enterprise(area)
    campaign = CampaignFactory(year=2024)
    columns = {"requirement": "限期拆除", "deadline": "2024-05-31", "completion": "正在拆除"}
    case = open_case_for_imported_row(enterprise, columns, area["users"]["clerk"])
    assert case.campaign == campaign and case.state == CaseState.FOUND
    assert (
        "整治要求：限期拆除；整治期限：2024-05-31；完成情况：正在拆除" in case.events.get().comment
    )
    assert ledger.case_columns_provider().values(enterprise) == {
        "requirement": "限期拆除",
        "deadline": datetime.date(2024, 5, 31),
        "completion": "正在拆除",
    }


def test_imported_row_without_case_columns_opens_nothing(area):
    from rectification.hooks import open_case_for_imported_row

    CampaignFactory()
    empty = {"requirement": "", "deadline": "", "completion": ""}
    assert open_case_for_imported_row(new_enterprise(area), empty, area["users"]["clerk"]) is None
    assert not Case.objects.exists()


def test_case_follows_its_enterprise_to_another_township(area):
    enterprise = new_enterprise(area)
    case = CaseFactory(enterprise=enterprise)
    enterprise.township = area["township_a2"]
    enterprise.save()
    case.refresh_from_db()
    assert case.region_path == area["township_a2"].path
    assert Case.objects.visible_to(area["users"]["clerk_a2"]).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(area["users"]["clerk"]).filter(pk=case.pk).exists()


def test_enterprise_without_case_offers_proposing_one_to_a_clerk_only(area):
    enterprise = new_enterprise(area)
    assert case_detail_links(enterprise, area["users"]["clerk"]) == [
        ("上报整治案件", f"/cases/new/?enterprise={enterprise.pk}")
    ]
    assert case_detail_links(enterprise, area["users"]["leader"]) == []
