"""The inspection pages: the list (area-scoped, filtered, fixed query count), the field form on
a phone-sized page including a new find and the 反弹 refusal, and the detail page."""

import datetime

import pytest
from django.utils import timezone

from inspections.models import Inspection, InspectionResult, InspectionType, Team
from rectification.models import CaseState
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import (
    InspectionFactory,
    TeamFactory,
    fake_image_upload,
    image_upload,
)
from tests.factories.rectification import closed_case, in_progress_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def make_inspections(area, township_key, count, **kwargs):
    organisation = area["orgs"]["county_office"]
    team = TeamFactory(organisation=organisation, name=kwargs.pop("team_name", "第一执法组"))
    enterprises = [EnterpriseFactory(township=area[township_key]) for _ in range(count)]
    return [InspectionFactory(team=team, enterprise=e, **kwargs) for e in enterprises]


def test_clerk_sees_only_inspections_of_own_township(area, client_for):
    own = make_inspections(area, "township_a1", 2)
    other = make_inspections(area, "township_a2", 1)
    page = client_for(area["users"]["clerk"]).get("/inspections/").content.decode()
    for inspection in own:
        assert inspection.enterprise.name in page
    assert other[0].enterprise.name not in page


def test_list_filters_by_type_result_township_team_and_date(area, client_for):
    patrol = make_inspections(area, "township_a1", 1, inspection_type=InspectionType.PATROL)[0]
    look_back = make_inspections(
        area, "township_a2", 1, inspection_type=InspectionType.LOOK_BACK, team_name="第二执法组"
    )[0]
    client = client_for(area["users"]["county"])

    def names(query):
        content = client.get(f"/inspections/?{query}").content.decode()
        return {i.enterprise.name for i in (patrol, look_back) if i.enterprise.name in content}

    assert names("inspection_type=look_back") == {look_back.enterprise.name}
    assert names(f"township={area['township_a1'].code}") == {patrol.enterprise.name}
    assert names("team=第二") == {look_back.enterprise.name}
    assert names("result=relapse") == set()
    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    assert names(f"date_from={yesterday}&date_to={yesterday}") == {
        patrol.enterprise.name,
        look_back.enterprise.name,
    }
    assert names(f"date_from={TODAY().isoformat()}") == set()


def test_list_shows_effort_totals_for_the_filtered_inspections(area, client_for):
    make_inspections(area, "township_a1", 3, result=InspectionResult.NEW_FIND)
    response = client_for(area["users"]["county"]).get("/inspections/")
    assert response.context["effort"] == {
        "teams": 1,
        "person_times": 2,
        "enterprises_checked": 3,
        "new_finds": 3,
    }


@pytest.mark.parametrize("size", [2, 12])
def test_list_page_runs_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries, size
):
    make_inspections(area, "township_a1", size)
    client = client_for(area["users"]["county"])
    with django_assert_num_queries(11):
        response = client.get(f"/inspections/?township={area['township_a1'].code}")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == size


def test_detail_outside_the_area_answers_404(area, client_for):
    inspection = make_inspections(area, "township_a2", 1)[0]
    assert (
        client_for(area["users"]["clerk"]).get(f"/inspections/{inspection.pk}/").status_code == 404
    )
    assert (
        client_for(area["users"]["county"]).get(f"/inspections/{inspection.pk}/").status_code == 200
    )


def form_data(**overrides):
    data = {
        "inspection_type": InspectionType.PATROL,
        "inspected_on": TODAY().isoformat(),
        "team": "",
        "team_name": "第一执法组",
        "member_names": "李警官、王电工",
        "result": InspectionResult.NO_PROBLEM,
        "findings": "已停产。",
    }
    data.update(overrides)
    return data


def look_back_relapse(case, **overrides):
    """The form of a 回头看 that finds the case's enterprise has relapsed (反弹)."""
    return form_data(
        inspection_type=InspectionType.LOOK_BACK,
        enterprise=case.enterprise.pk,
        result=InspectionResult.RELAPSE,
        **overrides,
    )


def test_clerk_records_an_inspection_with_photos_and_gps_in_the_form(area, client_for):
    clerk = area["users"]["clerk"]
    enterprise = EnterpriseFactory(township=area["township_a1"])
    client = client_for(clerk)
    assert client.get("/inspections/new/").status_code == 200
    response = client.post(
        "/inspections/new/",
        form_data(
            enterprise=enterprise.pk,
            member_users=[clerk.pk],
            latitude="46.123456",
            longitude="130.654321",
            photos=[image_upload(), image_upload("b.png", "PNG")],
        ),
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    assert str(inspection.latitude) == "46.123456"
    assert inspection.photos.count() == 2
    assert inspection.team.members.count() == 3


def test_form_creates_the_new_find_enterprise_in_the_same_step(area, client_for):
    client = client_for(area["users"]["clerk"])
    response = client.post(
        "/inspections/new/",
        form_data(
            inspection_type=InspectionType.SWEEP,
            result=InspectionResult.NEW_FIND,
            new_find="on",
            **{
                "new-name": "厂中厂塑料颗粒加工点",
                "new-enterprise_type": "small_scattered",
                "new-sector": "industry",
                "new-industry": "waste_plastic",
                "new-reported_on": TODAY().isoformat(),
                "new-address": "甲一村旧砖厂院内",
            },
        ),
    )
    assert response.status_code == 302, response.context["enterprise_form"].errors
    inspection = Inspection.objects.get()
    assert inspection.enterprise.name == "厂中厂塑料颗粒加工点"
    assert inspection.enterprise.township == area["township_a1"]


def test_form_shows_the_relapse_refusal_in_chinese_and_saves_nothing(area, client_for):
    case = in_progress_case(area)
    response = client_for(area["users"]["clerk"]).post(
        "/inspections/new/",
        look_back_relapse(case),
    )
    assert response.status_code == 200
    assert "没有已销号的整治案件" in response.content.decode()
    assert not Inspection.objects.exists() and not Team.objects.exists()


def test_form_look_back_relapse_reopens_the_case(area, client_for):
    case = closed_case(area)
    response = client_for(area["users"]["clerk"]).post(
        "/inspections/new/",
        look_back_relapse(case, findings="恢复生产"),
        follow=True,
    )
    assert "重新打开整治案件" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS and case.is_relapse


def test_form_refuses_a_fake_photo_with_a_chinese_message(area, client_for):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    response = client_for(area["users"]["clerk"]).post(
        "/inspections/new/", form_data(enterprise=enterprise.pk, photos=[fake_image_upload()])
    )
    assert response.status_code == 200
    assert "不是有效的图片" in response.content.decode()
    assert not Inspection.objects.exists()


def test_form_refuses_an_enterprise_outside_the_area(area, client_for):
    enterprise = EnterpriseFactory(township=area["township_b1"])
    response = client_for(area["users"]["county"]).post(
        "/inspections/new/", form_data(enterprise=enterprise.pk)
    )
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Inspection.objects.exists()


def test_bureau_leader_cannot_open_the_form(area, client_for):
    assert client_for(area["users"]["leader"]).get("/inspections/new/").status_code == 403


def test_enterprise_search_returns_only_visible_enterprises(area, client_for):
    EnterpriseFactory(township=area["township_a1"], name="甲一铸造厂")
    EnterpriseFactory(township=area["township_a2"], name="甲二铸造厂")
    content = (
        client_for(area["users"]["clerk"])
        .get("/inspections/enterprise-options/?q=铸造")
        .content.decode()
    )
    assert "甲一铸造厂" in content and "甲二铸造厂" not in content


def test_enterprise_detail_page_links_to_its_inspections_and_the_form(area, client_for):
    inspection = make_inspections(area, "township_a1", 1)[0]
    make_inspections(area, "township_a1", 1)  # another enterprise's inspection
    client = client_for(area["users"]["county"])
    page = client.get(f"/enterprises/{inspection.enterprise_id}/").content.decode()
    assert "检查记录（1）" in page
    assert f"/inspections/new/?enterprise={inspection.enterprise_id}" in page
    listing = client.get(f"/inspections/?enterprise={inspection.enterprise_id}")
    assert [i.pk for i in listing.context["page"].object_list] == [inspection.pk]
    leader_page = client_for(area["users"]["leader"]).get(
        f"/enterprises/{inspection.enterprise_id}/"
    )
    assert "/inspections/new/" not in leader_page.content.decode()


def test_navigation_offers_the_field_work_pages(area, client_for):
    clerk_page = client_for(area["users"]["clerk"]).get("/").content.decode()
    for label in ("检查记录", "督查跟踪台账", "举报受理"):
        assert label in clerk_page
    assert "督导抽查" not in clerk_page
    assert "督导抽查" in client_for(area["users"]["county"]).get("/").content.decode()


def test_the_form_prefills_a_spot_check_from_a_round_link(area, client_for):
    from inspections.services import plan_spot_check_round

    enterprise = EnterpriseFactory(township=area["township_a1"], reported_on=TODAY())
    spot_check_round = plan_spot_check_round(
        by=area["users"]["county"],
        county=area["county_a"],
        name="本月抽查",
        period_start=TODAY(),
        period_end=TODAY(),
    )
    response = client_for(area["users"]["county"]).get(
        f"/inspections/new/?round={spot_check_round.pk}&enterprise={enterprise.pk}"
    )
    form = response.context["form"]
    assert form["inspection_type"].value() == InspectionType.SPOT_CHECK
    assert form["spot_check_round"].value() == spot_check_round.pk
    assert enterprise.name in response.content.decode()
