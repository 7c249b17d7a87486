"""A failed verification names the steps that failed: they go back to 未完成 with what was
submitted kept as 上次提交, and 提请验收 is refused, naming them, until each is redone with a
new date and a photo uploaded after the failure — by the service, the page and the API."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.refusals import Refused
from rectification import workflow
from rectification.models import Case, CaseEvent, CaseState, Disposal, EvidencePhoto
from tests.factories.rectification import awaiting_case, photo

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def fail(case, area, *names, note="断电不彻底，清设备不到位"):
    return workflow.fail_verification(
        case,
        by=area["users"]["county"],
        note=note,
        working_days=5,
        failed_steps=list(case.steps.filter(name__in=names)),
    )


def redo(step, area):
    return workflow.confirm_step(
        step, by=area["users"]["county"], done_on=TODAY, photos=[photo("重做.png")]
    )


def error_messages(response):
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def test_failed_steps_return_to_undone_with_their_photos_kept_as_history(area):
    case = awaiting_case(area)
    fail(case, area, "断电", "清设备")

    power = case.steps.get(name="断电")
    assert power.done_on is None and power.returned_at is not None
    assert power.previous_done_on == TODAY
    assert power.photos.get().superseded is True
    water = case.steps.get(name="断水")
    assert water.done_on == TODAY and water.returned_at is None
    assert water.photos.get().superseded is False
    assert case.state == CaseState.IN_PROGRESS


def test_the_timeline_names_the_failed_steps_for_the_notice(area):
    case = awaiting_case(area)
    fail(case, area, "清设备", "断电")

    event = case.events.get(action=CaseEvent.Action.FAIL_VERIFICATION)
    assert event.failed_steps == ["断电", "清设备"]  # in the steps' order
    assert event.payload["failed_step_ids"] == list(
        case.steps.filter(name__in=["断电", "清设备"])
        .order_by("order")
        .values_list("pk", flat=True)
    )
    assert "未通过步骤：断电、清设备" in event.comment


def test_failing_without_naming_a_step_is_refused_and_changes_nothing(area):
    case = awaiting_case(area)
    with pytest.raises(Refused, match="请勾选验收未通过的步骤"):
        fail(case, area)
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_VERIFICATION
    assert not case.steps.filter(done_on__isnull=True).exists()


def test_an_upgrade_case_also_names_its_failed_milestone(area):
    case = awaiting_case(area, disposal=Disposal.UPGRADE, requirement="improve")
    with pytest.raises(Refused, match="请勾选验收未通过的步骤"):
        fail(case, area)
    fail(case, area, "监测达标")
    assert case.steps.get(name="监测达标").done_on is None


def test_a_step_of_another_case_cannot_be_named(area):
    case, other = awaiting_case(area), awaiting_case(area)
    with pytest.raises(Refused, match="不属于该案件"):
        workflow.fail_verification(
            case,
            by=area["users"]["county"],
            note="x",
            working_days=5,
            failed_steps=[other.steps.first()],
        )


def test_resubmitting_is_refused_naming_each_step_until_redone_with_a_new_photo(area):
    case = awaiting_case(area)
    fail(case, area, "断电", "清设备")

    with pytest.raises(Refused) as refused:
        workflow.submit_for_verification(case, by=area["users"]["clerk"])
    assert "验收未通过" in refused.value.message
    assert "断电（缺完成日期、新照片）" in refused.value.message
    assert "清设备（缺完成日期、新照片）" in refused.value.message

    # A date alone is not enough: the old photo does not count.
    workflow.confirm_step(case.steps.get(name="断电"), by=area["users"]["county"], done_on=TODAY)
    case.refresh_from_db()
    with pytest.raises(Refused, match=r"断电（缺新照片）"):
        workflow.submit_for_verification(case, by=area["users"]["clerk"])

    workflow.add_step_photos(
        case.steps.get(name="断电"), by=area["users"]["clerk"], photos=[photo("新.png")]
    )
    redo(case.steps.get(name="清设备"), area)
    case.refresh_from_db()
    workflow.submit_for_verification(case, by=area["users"]["clerk"])
    assert case.state == CaseState.AWAITING_VERIFICATION


def test_a_redone_step_cannot_be_dated_before_the_failure(area):
    case = awaiting_case(area)
    Case.objects.filter(pk=case.pk).update(found_on=TODAY - datetime.timedelta(days=20))
    fail(case, area, "断电")
    with pytest.raises(Refused, match="不能早于退回日期"):
        workflow.confirm_step(
            case.steps.get(name="断电"),
            by=area["users"]["county"],
            done_on=TODAY - datetime.timedelta(days=1),
        )


def test_the_fail_form_on_the_page_lists_the_steps_and_names_them(area, client_for):
    case = awaiting_case(area)
    client = client_for(area["users"]["county"])
    page = client.get(reverse("rectification:case_detail", args=[case.pk])).content.decode()
    assert 'name="failed_steps"' in page and "断电" in page

    power = case.steps.get(name="断电")
    response = client.post(
        reverse("rectification:case_action", args=[case.pk, "fail_verification"]),
        {
            "version": case.version,
            "note": "断电不彻底",
            "working_days": 5,
            "failed_steps": power.pk,
        },
        follow=True,
    )

    body = response.content.decode()
    assert "验收未通过，待重做" in body
    assert "上次提交" in body
    assert "未通过步骤：断电" in body
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_PROGRESS


def test_the_page_refuses_a_failure_naming_no_step(area, client_for):
    case = awaiting_case(area)
    response = client_for(area["users"]["county"]).post(
        reverse("rectification:case_action", args=[case.pk, "fail_verification"]),
        {"version": case.version, "note": "不合格", "working_days": 5},
        follow=True,
    )
    assert error_messages(response) == ["请勾选验收未通过的步骤（至少一项）。"]
    assert Case.objects.get(pk=case.pk).state == CaseState.AWAITING_VERIFICATION


def test_the_api_names_the_failed_steps_and_refuses_the_resubmission(area, client_for):
    case = awaiting_case(area)
    client = client_for(area["users"]["county"])
    power = case.steps.get(name="断电")

    failed = client.post(
        f"/api/cases/{case.pk}/fail-verification/",
        {"note": "断电不彻底", "working_days": 5, "failed_steps": [power.pk]},
        content_type="application/json",
    )

    assert failed.status_code == 200, failed.json()
    event = failed.json()["events"][-1]
    assert event["payload"]["failed_steps"] == ["断电"]
    step = next(item for item in failed.json()["steps"] if item["id"] == power.pk)
    assert step["done_on"] is None and step["returned_at"]
    assert step["previous_done_on"] == TODAY.isoformat()
    assert [item["superseded"] for item in step["photos"]] == [True]

    refused = client.post(
        f"/api/cases/{case.pk}/submit/", {"note": ""}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "断电（缺完成日期、新照片）" in refused.json()["detail"]


def test_the_api_refuses_a_step_id_of_another_case(area, client_for):
    case, other = awaiting_case(area), awaiting_case(area)
    response = client_for(area["users"]["county"]).post(
        f"/api/cases/{case.pk}/fail-verification/",
        {"note": "x", "working_days": 5, "failed_steps": [other.steps.first().pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "不属于该案件" in response.json()["detail"]
    assert EvidencePhoto.objects.filter(superseded=True).count() == 0
