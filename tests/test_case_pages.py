"""The browser pages of cases: the filtered list (scoped, constant queries), the case page with
the buttons a role allows, and the POST actions that go through the services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rectification.models import Case, CaseState, Disposal
from tests.factories.rectification import (
    CampaignFactory,
    CaseFactory,
    awaiting_case,
    determine_form,
    determined_case,
    found_case,
    in_progress_case,
    new_enterprise,
    photo,
    post_case_action,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_cases(area, count, township="township_a1", **kwargs):
    campaign = CampaignFactory()
    return [
        CaseFactory(enterprise=new_enterprise(area, township), campaign=campaign, **kwargs)
        for _ in range(count)
    ]


def test_clerk_sees_only_cases_of_own_township(area, client_for):
    mine = make_cases(area, 2)
    other = make_cases(area, 1, township="township_a2")
    response = client_for(area["users"]["clerk"]).get(reverse("rectification:case_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert all(case.number in body for case in mine)
    assert other[0].number not in body


def test_county_filters_by_state_township_and_overdue(area, client_for):
    late = make_cases(
        area, 1, state=CaseState.IN_PROGRESS, deadline=TODAY - datetime.timedelta(days=2)
    )[0]
    on_time = make_cases(
        area, 1, state=CaseState.IN_PROGRESS, deadline=TODAY + datetime.timedelta(days=2)
    )[0]
    elsewhere = make_cases(area, 1, township="township_a2", state=CaseState.FOUND)[0]
    client = client_for(area["users"]["county"])
    url = reverse("rectification:case_list")
    body = client.get(url, {"overdue": "true"}).content.decode()
    assert late.number in body and on_time.number not in body and elsewhere.number not in body
    body = client.get(url, {"township": area["township_a2"].pk}).content.decode()
    assert elsewhere.number in body and late.number not in body
    body = client.get(url, {"state": "in_progress", "overdue": "false"}).content.decode()
    assert on_time.number in body and late.number not in body


def test_filter_by_disposal_campaign_and_responsible_unit(area, client_for):
    shutdown = make_cases(
        area, 1, disposal=Disposal.SHUTDOWN, responsible_unit=area["orgs"]["environment"]
    )[0]
    upgrade = make_cases(area, 1, disposal=Disposal.UPGRADE)[0]
    client = client_for(area["users"]["county"])
    url = reverse("rectification:case_list")
    body = client.get(url, {"disposal": "shutdown"}).content.decode()
    assert shutdown.number in body and upgrade.number not in body
    body = client.get(url, {"campaign": upgrade.campaign_id}).content.decode()
    assert upgrade.number in body and shutdown.number not in body
    body = client.get(url, {"responsible_unit": area["orgs"]["environment"].pk}).content.decode()
    assert shutdown.number in body and upgrade.number not in body


def test_township_of_another_county_is_not_a_valid_filter(area, client_for):
    make_cases(area, 1)
    response = client_for(area["users"]["county"]).get(
        reverse("rectification:case_list"), {"township": area["township_b1"].pk}
    )
    assert "筛选条件有误" in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_case_list_runs_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries, count
):
    make_cases(
        area,
        count,
        state=CaseState.IN_PROGRESS,
        responsible_unit=area["orgs"]["township_a1"],
        deadline=TODAY,
    )
    client = client_for(area["users"]["county"])
    # session, user, the user's organisation and region (area), count, page,
    # 3 filter choice lists (township, unit, campaign), the bell's unread count
    with django_assert_num_queries(10):
        response = client.get(reverse("rectification:case_list"))
    assert response.content.decode().count("/cases/") >= count


def test_case_outside_area_answers_404(area, client_for):
    case = make_cases(area, 1, township="township_b1")[0]
    response = client_for(area["users"]["county"]).get(
        reverse("rectification:case_detail", args=[case.pk])
    )
    assert response.status_code == 404


def test_case_page_shows_buttons_of_the_role(area, client_for):
    case = awaiting_case(area)
    url = reverse("rectification:case_detail", args=[case.pk])
    county_page = client_for(area["users"]["county"]).get(url).content.decode()
    assert 'id="action-close"' in county_page and 'id="action-fail_verification"' in county_page
    clerk_page = client_for(area["users"]["clerk"]).get(url).content.decode()
    assert 'id="action-close"' not in clerk_page
    leader_page = client_for(area["users"]["leader"]).get(url).content.decode()
    assert 'id="case-actions"' not in leader_page
    assert "恢复原状原貌" in leader_page  # read-only still sees the checklist


def test_county_determines_from_the_page(area, client_for):
    case = found_case(area)
    client = client_for(area["users"]["county"])
    response = post_case_action(
        client,
        case,
        "determine",
        determine_form(case, area, deadline=(TODAY + datetime.timedelta(days=20)).isoformat()),
    )
    assert "案件已认定" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.DETERMINED and case.steps.count() == 6


def test_refused_action_shows_chinese_message_and_changes_nothing(area, client_for):
    case = in_progress_case(area)
    response = post_case_action(client_for(area["users"]["clerk"]), case, "submit")
    assert "以下步骤尚未完成或缺少佐证照片" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_PROGRESS


def test_stale_page_is_refused(area, client_for):
    case = determined_case(area)
    response = post_case_action(
        client_for(area["users"]["clerk"]), case, "start", {"version": case.version - 1}
    )
    assert "已被他人更新" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.DETERMINED


def test_leader_post_is_refused(area, client_for):
    case = determined_case(area)
    response = post_case_action(client_for(area["users"]["leader"]), case, "start")
    assert "只读" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.DETERMINED


def test_step_confirmation_with_photo_from_the_page(area, client_for):
    case = in_progress_case(area)
    step = case.steps.get(name="断电")
    response = client_for(area["users"]["power_officer"]).post(
        reverse("rectification:step_confirm", args=[case.pk, step.pk]),
        {"done_on": TODAY.isoformat(), "confirming_person": "王电工", "photos": [photo()]},
        follow=True,
    )
    assert "“断电”已确认完成" in response.content.decode()
    step.refresh_from_db()
    assert step.done_on == TODAY and step.confirming_person == "王电工"
    assert step.photos.count() == 1


def test_non_image_upload_is_refused_on_the_page(area, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = in_progress_case(area)
    step = case.steps.first()
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client_for(area["users"]["clerk"]).post(
        reverse("rectification:step_photos", args=[case.pk, step.pk]),
        {"photos": [fake]},
        follow=True,
    )
    assert "不是有效的图片" in response.content.decode()
    assert step.photos.count() == 0


def test_unknown_action_answers_404(area, client_for):
    case = found_case(area)
    response = client_for(area["users"]["county"]).post(
        reverse("rectification:case_action", args=[case.pk, "teleport"]), {"version": case.version}
    )
    assert response.status_code == 404


def test_clerk_proposes_from_the_page(area, client_for):
    enterprise = new_enterprise(area)
    campaign = CampaignFactory()
    client = client_for(area["users"]["clerk"])
    assert (
        client.get(reverse("rectification:case_propose"), {"enterprise": enterprise.pk}).status_code
        == 200
    )
    response = client.post(
        reverse("rectification:case_propose"),
        {"enterprise": enterprise.pk, "campaign": campaign.pk},
        follow=True,
    )
    assert "已上报整治案件" in response.content.decode()
    assert Case.objects.filter(enterprise=enterprise, state=CaseState.FOUND).exists()


def test_campaign_page_lists_phases_and_checklist(area, client_for):
    from rectification.checklists import ensure_campaigns

    ensure_campaigns({"140900000000": area["city"]})  # the test city stands for 忻州市
    CampaignFactory(name="乙县专项行动", region=area["county_b"])
    body = (
        client_for(area["users"]["county"])
        .get(reverse("rectification:campaign_list"))
        .content.decode()
    )
    assert "忻州市取缔“散乱污”企业专项行动" in body
    assert "摸排排查：2024-03-15—2024-04-15" in body
    assert "断水、断电、清原料、清设备、清场地、恢复原状原貌" in body
    assert "乙县专项行动" not in body  # another county's campaign


def test_leader_is_not_offered_the_propose_form(area, client_for):
    response = client_for(area["users"]["leader"]).get(
        reverse("rectification:case_propose"), follow=True
    )
    assert "只有乡镇填报员、乡镇负责人和县整治办可以上报整治案件" in response.content.decode()
    assert 'name="enterprise"' not in response.content.decode()
