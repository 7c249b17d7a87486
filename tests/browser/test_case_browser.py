"""In headless Chromium on a phone-sized screen: the county takes a case from 排查发现 through
every "两断三清一恢复" step with a photo to 已销号, sees a failed verification send it back with a
new deadline, reopens it as 反弹 on look-back; closes two ticked cases at once from the list;
and a reminder reaches the bell exactly once."""

import datetime

import pytest
from django.utils import timezone

from notices.models import Notification
from rectification.models import Case, CaseState
from rectification.reminders import send_due_reminders
from tests.browser.case_page import determine_shutdown
from tests.browser.conftest import open_phone_menu, shot
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.rectification import (
    SHUTDOWN_STEPS,
    CampaignFactory,
    CaseFactory,
    awaiting_case,
    found_case,
    image_bytes,
    new_enterprise,
)

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "断水现场.jpg"
    path.write_bytes(image_bytes("JPEG", size=(40, 30)))
    return str(path)


def state_of(page):
    return page.inner_text("#case-state")


def run_action(page, name, summary=None, **fields):
    if summary:
        page.click(summary)
    for selector, value in fields.items():
        page.fill(f"#form-{name} [name={selector}]", value)
    page.click(f"#action-{name}")
    page.wait_for_load_state()


def test_county_closes_a_case_step_by_step_then_fails_and_reopens_it(
    area, page, log_in, live_server, photo_file
):
    case = found_case(area)
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/")
    page.click(f"text={case.number}")
    assert "排查发现" in state_of(page)

    # 认定: 关停取缔 / 限期拆除, with plan, unit, person and deadline
    deadline = (TODAY + datetime.timedelta(days=30)).isoformat()
    determine_shutdown(page, area, "依法关停，按两断三清一恢复实施", deadline=deadline)
    assert "已认定" in state_of(page)

    run_action(page, "start")
    page.wait_for_selector("text=已开始整治")
    assert "整治中" in state_of(page)

    steps = list(Case.objects.get(pk=case.pk).steps.order_by("order"))
    assert [step.name for step in steps] == SHUTDOWN_STEPS
    # Submitting too early is refused with the missing steps named.
    run_action(page, "submit")
    page.wait_for_selector("text=以下步骤尚未完成或缺少佐证照片")
    for step in steps:
        box = f"#step-{step.pk}"
        page.click(f"{box} summary:has-text('确认完成')")
        page.fill(f"{box} .confirm-form [name=done_on]", TODAY.isoformat())
        page.fill(f"{box} .confirm-form [name=confirming_person]", "周丽")
        page.set_input_files(f"{box} .confirm-form input[type=file]", photo_file)
        page.click(f"{box} .confirm-form button[type=submit]")
        page.wait_for_selector(f"text=“{step.name}”已确认完成")
        assert "完成" in page.inner_text(f"{box} .step-status")
        assert page.locator(f"{box} img.evidence-thumb").count() == 1

    run_action(page, "submit")
    page.wait_for_selector("text=已提请验收")
    assert "待验收" in state_of(page)

    # 验收不通过: back to 整治中 with a new deadline, kept in the list of changes
    new_deadline = (TODAY + datetime.timedelta(days=50)).isoformat()
    # ... naming the step that failed: it goes back to 未完成, its photo kept as 上次提交
    restore = steps[-1]
    page.click("#summary-fail_verification")
    page.check(f"#form-fail_verification [name=failed_steps][value='{restore.pk}']")
    run_action(page, "fail_verification", note="场地未恢复原貌", new_deadline=new_deadline)
    page.wait_for_selector("text=验收不通过，案件已退回整治")
    assert "整治中" in state_of(page)
    assert new_deadline in page.inner_text("#case-deadline")
    assert new_deadline in page.inner_text("#extensions")
    box = f"#step-{restore.pk}"
    assert "验收未通过，待重做" in page.inner_text(f"{box} .step-status")
    assert "上次提交" in page.inner_text(f"{box} .step-previous")
    assert "未通过步骤：恢复原状原貌" in page.inner_text("#timeline")
    page.locator(box).screenshot(path=str(shot("case-step-returned-390.png")))

    # Resubmitting unchanged is refused, naming the step; redone with a new photo it goes.
    run_action(page, "submit")
    page.wait_for_selector("text=以下步骤验收未通过")
    assert "恢复原状原貌（缺完成日期、新照片）" in page.inner_text("main")
    page.click(f"{box} summary:has-text('确认完成')")
    # 完成日期 and 确认人 come filled in: today and the signed-in user.
    assert page.input_value(f"{box} .confirm-form [name=done_on]") == TODAY.isoformat()
    assert page.input_value(f"{box} .confirm-form [name=confirming_person]")
    page.set_input_files(f"{box} .confirm-form input[type=file]", photo_file)
    page.click(f"{box} .confirm-form button[type=submit]")
    page.wait_for_selector(f"text=“{restore.name}”已确认完成")
    run_action(page, "submit")
    page.wait_for_selector("text=已提请验收")
    run_action(page, "close")
    page.wait_for_selector("text=案件已验收销号")
    assert "已销号" in state_of(page)
    assert f"拆除到位（{TODAY.isoformat()}）" in page.inner_text("#case-completion")

    # 回头看: relapse reopens it flagged 反弹
    run_action(page, "reopen", summary="#summary-reopen", note="回头看发现恢复生产")
    page.wait_for_selector("text=已认定反弹")
    assert "整治中" in state_of(page) and "反弹" in state_of(page)
    timeline = page.inner_text("#timeline")
    for label in [
        "排查上报",
        "认定",
        "开始整治",
        "确认步骤",
        "提请验收",
        "验收不通过",
        "验收销号",
        "回头看反弹",
    ]:
        assert label in timeline

    stored = Case.objects.get(pk=case.pk)
    assert stored.state == CaseState.IN_PROGRESS and stored.is_relapse
    assert stored.extensions.count() == 2
    # The redone step has its new photo and, kept as history, the one submitted before.
    assert [step.photos.count() for step in stored.steps.all()] == [1, 1, 1, 1, 1, 2]
    assert stored.steps.get(pk=restore.pk).photos.filter(superseded=True).count() == 1


def test_county_ticks_two_awaiting_cases_and_closes_them_with_one_note(
    area, page, log_in, live_server
):
    first, second, third = (awaiting_case(area) for _ in range(3))
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/?state=awaiting_verification")
    # On the phone the list is cards, each 待验收 one with its tick box.
    page.check(f"#card-select-case-{first.pk}")
    page.check(f"#card-select-case-{second.pk}")
    page.fill("#bulk-close-note", "集中验收合格")
    page.click("#bulk-close-submit")
    page.wait_for_selector("text=已验收销号 2 件案件")
    # Back on the same filtered list: the two closed cases have left it, the third stays.
    assert "state=awaiting_verification" in page.url
    table = page.inner_text("#case-cards")
    assert third.number in table
    assert first.number not in table and second.number not in table
    for case in (first, second):
        stored = Case.objects.get(pk=case.pk)
        assert stored.state == CaseState.CLOSED
        assert stored.events.get(action="close").comment == "集中验收合格"
    assert Case.objects.get(pk=third.pk).state == CaseState.AWAITING_VERIFICATION


def test_leader_sees_the_case_without_buttons(area, page, log_in, live_server):
    case = found_case(area)
    log_in("leader_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert case.number in page.inner_text("#case-number")
    assert page.locator("#case-actions").count() == 0


def test_reminder_reaches_the_bell_once_and_is_marked_read(area, page, log_in, live_server):
    CaseFactory(
        enterprise=new_enterprise(area),
        campaign=CampaignFactory(),
        state=CaseState.IN_PROGRESS,
        deadline=TODAY + datetime.timedelta(days=3),
        responsible_unit=area["orgs"]["township_a1"],
    )
    send_due_reminders(TODAY)
    send_due_reminders(TODAY)
    log_in("clerk_a1", TEST_PASSWORD)
    open_phone_menu(page)
    assert page.inner_text("#unread-count") == "1"
    page.click("#notification-bell")
    page.wait_for_url("**/notices/")
    page.wait_for_selector("#notifications")
    assert page.locator("#notifications .list-group-item").count() == 1
    assert "距整治期限还有 3 天" in page.inner_text("#notifications")
    page.click("#mark-all-read")
    page.wait_for_selector("text=已将 1 条通知标为已读")
    assert page.locator("#unread-count").count() == 0
    assert not Notification.objects.filter(recipient=area["users"]["clerk"], unread=True).exists()
    assert Notification.objects.filter(recipient=area["users"]["head"], unread=True).count() == 1
