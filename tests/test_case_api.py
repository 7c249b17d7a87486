"""/api/cases/: the same list and filters as the page, and every transition as a POST action
with the same rules — refusals answer 400 with the Chinese message and change nothing."""

import datetime

import pytest
from django.utils import timezone

from rectification.models import Case, CaseState
from tests.factories.rectification import (
    CampaignFactory,
    CaseFactory,
    awaiting_case,
    closed_case,
    determine_form,
    determined_case,
    found_case,
    in_progress_case,
    new_enterprise,
    photo,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_list_is_scoped_and_filtered(area, client_for):
    campaign = CampaignFactory()
    mine = CaseFactory(
        enterprise=new_enterprise(area),
        campaign=campaign,
        state=CaseState.IN_PROGRESS,
        deadline=TODAY - datetime.timedelta(days=1),
    )
    CaseFactory(enterprise=new_enterprise(area, "township_a2"), campaign=campaign)
    client = client_for(area["users"]["clerk"])
    data = client.get("/api/cases/").json()
    assert [row["number"] for row in data["results"]] == [mine.number]
    assert data["results"][0]["is_overdue"] is True
    assert data["results"][0]["state_display"] == "整治中"
    county = client_for(area["users"]["county"])
    assert county.get("/api/cases/", {"overdue": "true"}).json()["count"] == 1
    assert county.get("/api/cases/", {"township": area["township_a2"].pk}).json()["count"] == 1
    assert county.get("/api/cases/", {"state": "found"}).json()["count"] == 1


@pytest.mark.parametrize("count", [2, 25])
def test_list_api_runs_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries, count
):
    campaign = CampaignFactory()
    for _ in range(count):
        CaseFactory(
            enterprise=new_enterprise(area),
            campaign=campaign,
            responsible_unit=area["orgs"]["township_a1"],
        )
    client = client_for(area["users"]["county"])
    # session, user, organisation, region, count, page
    with django_assert_num_queries(6):
        response = client.get("/api/cases/")
    assert response.json()["count"] == count


def test_detail_outside_area_is_404(area, client_for):
    case = CaseFactory(enterprise=new_enterprise(area, "township_b1"))
    assert client_for(area["users"]["county"]).get(f"/api/cases/{case.pk}/").status_code == 404


def test_propose_through_the_api(area, client_for):
    enterprise = new_enterprise(area)
    campaign = CampaignFactory()
    client = client_for(area["users"]["clerk"])
    response = client.post(
        "/api/cases/",
        {"enterprise": enterprise.pk, "campaign": campaign.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["state"] == "found"
    again = client.post(
        "/api/cases/",
        {"enterprise": enterprise.pk, "campaign": campaign.pk},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "已有整治案件" in again.json()["detail"]
    assert Case.objects.count() == 1


def test_propose_for_invisible_enterprise_is_refused(area, client_for):
    enterprise = new_enterprise(area, "township_b1")
    response = client_for(area["users"]["county"]).post(
        "/api/cases/",
        {"enterprise": enterprise.pk, "campaign": CampaignFactory().pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.json()["detail"]


def test_determine_start_and_refusal_through_the_api(area, client_for):
    case = found_case(area)
    client = client_for(area["users"]["officer"])
    payload = determine_form(
        case,
        area,
        responsible_unit=area["orgs"]["environment"].pk,
        responsible_person="张三",
        deadline=(TODAY + datetime.timedelta(days=10)).isoformat(),
    )
    response = client.post(
        f"/api/cases/{case.pk}/determine/", payload, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "determined"
    assert [step["name"] for step in body["steps"]][:2] == ["断水", "断电"]
    clerk = client_for(area["users"]["clerk"])
    refused = clerk.post(f"/api/cases/{case.pk}/close/", {}, content_type="application/json")
    assert refused.status_code == 400
    assert "不能验收销号" in refused.json()["detail"]
    started = clerk.post(
        f"/api/cases/{case.pk}/start/",
        {"version": body["version"]},
        content_type="application/json",
    )
    assert started.json()["state"] == "in_progress"


def test_invalid_determination_input_is_refused_in_chinese(area, client_for):
    case = found_case(area)
    response = client_for(area["users"]["county"]).post(
        f"/api/cases/{case.pk}/determine/",
        {"disposal": "shutdown", "deadline": "明天"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "整治期限" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).state == CaseState.FOUND


def test_stale_version_is_refused_through_the_api(area, client_for):
    case = determined_case(area)
    response = client_for(area["users"]["clerk"]).post(
        f"/api/cases/{case.pk}/start/",
        {"version": case.version - 1},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "已被他人更新" in response.json()["detail"]


def test_step_confirm_and_photos_through_the_api(area, client_for):
    case = in_progress_case(area)
    step = case.steps.get(name="断电")
    client = client_for(area["users"]["power_officer"])
    response = client.post(
        f"/api/cases/{case.pk}/steps/{step.pk}/confirm/",
        {"done_on": TODAY.isoformat(), "photos": [photo()]},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["done_on"] == TODAY.isoformat()
    assert len(response.json()["photos"]) == 1
    more = client.post(
        f"/api/cases/{case.pk}/steps/{step.pk}/photos/", {"photos": [photo("b.jpg", "JPEG")]}
    )
    assert more.status_code == 201
    assert len(more.json()["photos"]) == 2
    water = case.steps.get(name="断水")
    refused = client.post(
        f"/api/cases/{case.pk}/steps/{water.pk}/confirm/", {"done_on": TODAY.isoformat()}
    )
    assert refused.status_code == 400
    assert "应由水务" in refused.json()["detail"]


def test_fail_verification_close_and_reopen_through_the_api(area, client_for):
    case = awaiting_case(area)
    client = client_for(area["users"]["county"])
    new_deadline = (TODAY + datetime.timedelta(days=15)).isoformat()
    failed = client.post(
        f"/api/cases/{case.pk}/fail-verification/",
        {
            "note": "场地未清",
            "new_deadline": new_deadline,
            "failed_steps": [case.steps.order_by("order")[0].pk],
        },
        content_type="application/json",
    )
    assert failed.json()["state"] == "in_progress"
    assert failed.json()["deadline"] == new_deadline
    assert failed.json()["extensions"][0]["new_deadline"] == new_deadline
    closed = closed_case(area)
    reopened = client.post(
        f"/api/cases/{closed.pk}/reopen/", {"note": "死灰复燃"}, content_type="application/json"
    )
    assert reopened.json()["is_relapse"] is True
    quasi = client.post(
        f"/api/cases/{closed.pk}/flag-quasi/", {"note": "原址换名"}, content_type="application/json"
    )
    assert quasi.json()["is_quasi"] is True
    shortfall = client.post(
        f"/api/cases/{closed.pk}/shortfall/", {"note": ""}, content_type="application/json"
    )
    assert shortfall.status_code == 400
    assert "整改未到位" in shortfall.json()["detail"]


def test_extend_through_the_api(area, client_for):
    case = in_progress_case(area)
    new_deadline = (case.deadline + datetime.timedelta(days=7)).isoformat()
    response = client_for(area["users"]["clerk"]).post(
        f"/api/cases/{case.pk}/extend/",
        {"new_deadline": new_deadline, "reason": "雨季", "approver": area["users"]["county"].pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["deadline"] == new_deadline


def test_leader_reads_but_cannot_act(area, client_for):
    case = determined_case(area)
    client = client_for(area["users"]["leader"])
    assert client.get(f"/api/cases/{case.pk}/").status_code == 200
    response = client.post(f"/api/cases/{case.pk}/start/", {}, content_type="application/json")
    assert response.status_code == 400
    assert "只读" in response.json()["detail"]
