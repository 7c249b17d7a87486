"""/api/inspections/: the same FilterSet and area scoping as the page, creation through the
service (refusals as 400 with the Chinese message), a fixed number of queries per list."""

import pytest
from django.utils import timezone

from inspections.models import Inspection, InspectionType
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import (
    InspectionFactory,
    TeamFactory,
    fake_image_upload,
    image_upload,
)
from tests.factories.rectification import in_progress_case

pytestmark = pytest.mark.django_db


def inspections_in(area, township_key, count, **kwargs):
    team = TeamFactory(organisation=area["orgs"]["county_office"])
    return [
        InspectionFactory(
            team=team, enterprise=EnterpriseFactory(township=area[township_key]), **kwargs
        )
        for _ in range(count)
    ]


def patrol(**fields):
    """The body of a patrol today that found no problem, by a new 第一执法组 of 张三, with the
    test's own fields on top."""
    return {
        "inspection_type": "patrol",
        "inspected_on": timezone.localdate().isoformat(),
        "result": "no_problem",
        "team_name": "第一执法组",
        "member_names": ["张三"],
    } | fields


def test_list_is_scoped_to_the_users_area(area, client_for):
    own = inspections_in(area, "township_a1", 2)
    inspections_in(area, "township_a2", 1)
    inspections_in(area, "township_b1", 1)
    data = client_for(area["users"]["clerk"]).get("/api/inspections/").json()
    assert {row["id"] for row in data["results"]} == {i.pk for i in own}
    county = client_for(area["users"]["county"]).get("/api/inspections/").json()
    assert county["count"] == 3


def test_list_uses_the_same_filters_as_the_page(area, client_for):
    inspections_in(area, "township_a1", 2, inspection_type=InspectionType.PATROL)
    look_back = inspections_in(area, "township_a2", 1, inspection_type=InspectionType.LOOK_BACK)
    client = client_for(area["users"]["county"])
    data = client.get("/api/inspections/?inspection_type=look_back").json()
    assert [row["id"] for row in data["results"]] == [look_back[0].pk]
    data = client.get(f"/api/inspections/?township={area['township_a1'].code}").json()
    assert data["count"] == 2
    row = data["results"][0]
    assert row["team"]["members"] == ["张执法", "李执法"]
    assert row["inspection_type_display"] == "日常巡查"


@pytest.mark.parametrize("size", [2, 15])
def test_list_runs_a_fixed_number_of_queries(area, client_for, django_assert_num_queries, size):
    inspections_in(area, "township_a1", size)
    client = client_for(area["users"]["county"])
    with django_assert_num_queries(8):
        response = client.get("/api/inspections/")
    assert response.json()["count"] == size


def test_detail_outside_the_area_answers_404(area, client_for):
    other = inspections_in(area, "township_a2", 1)[0]
    assert (
        client_for(area["users"]["clerk"]).get(f"/api/inspections/{other.pk}/").status_code == 404
    )


def test_create_records_an_inspection_with_a_new_team_and_photo(area, client_for):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    response = client_for(area["users"]["clerk"]).post(
        "/api/inspections/",
        patrol(
            member_names=["张三", "李四"],
            enterprise=enterprise.pk,
            latitude="46.5",
            longitude="130.1",
            photos=[image_upload()],
        ),
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["team"]["members"] == ["张三", "李四"]
    assert len(body["photos"]) == 1


def test_create_refusal_is_a_400_with_the_chinese_message_and_saves_nothing(area, client_for):
    case = in_progress_case(area)
    response = client_for(area["users"]["clerk"]).post(
        "/api/inspections/",
        patrol(inspection_type="look_back", result="relapse", enterprise=case.enterprise.pk),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "没有已销号的整治案件" in response.json()["result"][0]
    assert not Inspection.objects.exists()


def test_create_with_a_fake_photo_is_refused(area, client_for):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    response = client_for(area["users"]["clerk"]).post(
        "/api/inspections/", patrol(enterprise=enterprise.pk, photos=[fake_image_upload()])
    )
    assert response.status_code == 400
    assert not Inspection.objects.exists()


def test_create_for_an_enterprise_outside_the_area_is_refused(area, client_for):
    enterprise = EnterpriseFactory(township=area["township_b1"])
    response = client_for(area["users"]["county"]).post(
        "/api/inspections/", patrol(enterprise=enterprise.pk), content_type="application/json"
    )
    assert response.status_code == 400
    assert "enterprise" in response.json()
    assert not Inspection.objects.exists()


def test_bureau_leader_cannot_create_through_the_api(area, client_for):
    response = client_for(area["users"]["leader"]).post(
        "/api/inspections/",
        patrol(
            team_name="组",
            member_names=["孙涛"],
            township=area["township_a1"].code,
            place="仓库",
        ),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "只能查看" in response.json()["detail"]
