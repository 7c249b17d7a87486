"""Campaigns (专项行动) of the seeds as data: checklist variants, phases, scope — read through
/api/campaigns/ by the users of the region they apply to."""

import pytest

from rectification.checklists import CHECKLISTS, ensure_campaigns, ensure_checklist
from rectification.models import Campaign, ChecklistStep, ClosureChecklist
from tests.factories.rectification import SHUTDOWN_STEPS, CampaignFactory

pytestmark = pytest.mark.django_db


def xinzhou_is(area):
    """The test city stands for 忻州市, so seed 000's campaign is loaded there."""
    return {"140900000000": area["city"]}


def test_the_three_seed_checklists_are_loaded_as_data():
    ensure_campaigns()
    steps = {
        checklist.name: list(checklist.steps.values_list("name", flat=True))
        for checklist in ClosureChecklist.objects.all()
    }
    assert steps == {
        "两断三清一恢复": SHUTDOWN_STEPS,
        "两断三清": ["断水", "断电", "清除原料", "清除产品", "清除设备"],
        "断电断水停气停产": ["断电", "断水", "停气", "停产"],
    }
    assert set(CHECKLISTS) == set(steps)


def test_loading_campaigns_twice_duplicates_nothing(area):
    ensure_campaigns(xinzhou_is(area))
    ensure_campaigns(xinzhou_is(area))
    assert Campaign.objects.count() == 1
    assert ChecklistStep.objects.count() == 15


def test_a_seed_campaign_is_loaded_only_where_its_region_exists_and_bound_to_it(area):
    from accounts.models import Region

    assert ensure_campaigns() == {}
    assert Campaign.objects.count() == 0
    linxia = Region.objects.create(
        code="622901000000", name="临夏市", level=Region.Level.COUNTY, parent=area["city"]
    )
    campaigns = ensure_campaigns()
    assert list(campaigns) == ["003"]
    assert campaigns["003"].region == linxia
    assert not Campaign.objects.filter(region__isnull=True).exists()


def test_another_citys_seed_campaign_is_not_offered_outside_it(area, client_for):
    ensure_campaigns({"140900000000": area["county_b"]})  # 乙县 stands for 忻州市
    data = client_for(area["users"]["clerk"]).get("/api/campaigns/").json()
    assert data["count"] == 0


def test_an_edited_checklist_is_what_new_cases_use(area):
    from rectification import workflow
    from tests.factories.rectification import found_case

    checklist = ensure_checklist("两断三清")
    ChecklistStep.objects.create(checklist=checklist, order=9, name="拆除烟囱")
    case = found_case(area, campaign=CampaignFactory(closure_checklist=checklist))
    workflow.determine_case(
        case,
        by=area["users"]["county"],
        disposal="shutdown",
        requirement="demolish",
        measures="关停",
        responsible_unit=area["orgs"]["township_a1"],
        responsible_person="王",
        deadline=case.found_on.replace(year=case.found_on.year + 1),
    )
    assert case.steps.last().name == "拆除烟囱"


def test_api_shows_phases_checklist_and_only_applicable_campaigns(area, client_for):
    ensure_campaigns(xinzhou_is(area))
    CampaignFactory(name="乙县专项行动", region=area["county_b"])
    CampaignFactory(name="甲县专项行动", region=area["county_a"])
    data = client_for(area["users"]["clerk"]).get("/api/campaigns/").json()
    names = [row["name"] for row in data["results"]]
    assert "甲县专项行动" in names and "乙县专项行动" not in names
    xinzhou = next(row for row in data["results"] if row["name"].startswith("忻州市"))
    assert xinzhou["closure_checklist"] == "两断三清一恢复"
    assert [p["name"] for p in xinzhou["phases"]] == ["摸排排查", "关停取缔", "核查验收"]
    assert xinzhou["phases"][0]["starts_on"] == "2024-03-15"
    assert "foundry" in xinzhou["scope"]


def test_anonymous_gets_no_campaigns(client):
    assert client.get("/api/campaigns/").status_code in (401, 403)


@pytest.mark.parametrize("extra", [0, 12])
def test_campaign_api_runs_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries, extra
):
    ensure_campaigns(xinzhou_is(area))
    for _ in range(extra):
        CampaignFactory()
    client = client_for(area["users"]["county"])
    # session, user, organisation, region, count, page, phases, checklist steps
    with django_assert_num_queries(8):
        response = client.get("/api/campaigns/")
    assert response.json()["count"] == 1 + extra


def test_a_campaign_is_seen_in_its_area_and_above_it_never_by_a_sibling(area, client_for):
    from accounts.models import Region

    province = area["township_a1"].parent.parent.parent
    other_city = Region.objects.create(
        code="110200000000", name="他市", level=Region.Level.CITY, parent=province
    )
    campaigns = {
        "everywhere": CampaignFactory(region=None),
        "province": CampaignFactory(region=province),
        "city": CampaignFactory(region=area["township_a1"].parent.parent),
        "own_county": CampaignFactory(region=area["township_a1"].parent),
        "sibling_county": CampaignFactory(region=area["township_b1"].parent),
        "other_city": CampaignFactory(region=other_city),
    }

    def seen_by(user):
        ids = {item["id"] for item in client_for(user).get("/api/campaigns/").json()["results"]}
        return {name for name, campaign in campaigns.items() if campaign.pk in ids}

    assert seen_by(area["users"]["clerk"]) == {"everywhere", "province", "city", "own_county"}
    assert seen_by(area["users"]["county_b"]) == {
        "everywhere",
        "province",
        "city",
        "sibling_county",
    }
    assert seen_by(area["users"]["city"]) == set(campaigns) - {"other_city"}
