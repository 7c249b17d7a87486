"""The bell in the browser: on a 390 px phone the unread count is in the top bar without opening
the menu (a 44 px tap target inside the screen), a hand-over notice links to its case, and 全部标为
已读 empties the count; on a 1366 px desktop the bell is in the bar too. Screenshots go to
/work/notes/shots/i15notices/ for the note."""

import pathlib

import pytest

from notices.models import Notification
from rectification import workflow
from tests.browser.conftest import new_page
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.rectification import awaiting_case

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = pathlib.Path("/work/notes/shots/i15notices")


def shot(page, name):
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=False)


def failed_verification(area):
    """A case the county office sent back: the clerk has the notice, unread, among others."""
    case = awaiting_case(area)
    workflow.fail_verification(
        case,
        by=area["users"]["county"],
        note="断电不彻底",
        failed_steps=list(case.steps.filter(name="断电")),
        working_days=5,
    )
    return case


def test_on_a_phone_the_unread_count_is_in_the_top_bar_and_mark_all_read_clears_it(
    area, page, log_in, live_server
):
    case = failed_verification(area)
    unread = Notification.objects.filter(recipient=area["users"]["clerk"], unread=True).count()
    assert unread >= 1

    log_in("clerk_a1", TEST_PASSWORD)

    badge = page.locator("#unread-count")
    assert badge.is_visible()  # the menu is still collapsed
    assert page.locator("#mainNav.show").count() == 0
    assert badge.inner_text() == str(unread)
    bell = page.locator("#notification-bell").bounding_box()
    assert bell["height"] >= 44 and bell["x"] + bell["width"] <= 390
    shot(page, "bell-390.png")

    page.click("#notification-bell")
    page.wait_for_selector("#notifications")
    failed = page.locator("#notifications .list-group-item", has_text="【验收不通过】")
    assert "原因：断电不彻底" in failed.inner_text()
    assert failed.locator("a", has_text="查看").get_attribute("href") == f"/cases/{case.pk}/"
    shot(page, "notices-390.png")

    page.click("#mark-all-read")
    page.wait_for_selector(f"text=已将 {unread} 条通知标为已读")
    assert page.locator("#unread-count").count() == 0
    assert not Notification.objects.filter(recipient=area["users"]["clerk"], unread=True).exists()


def test_on_a_desktop_the_bell_is_in_the_bar_with_its_count(area, browser, live_server):
    failed_verification(area)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    try:
        page = new_page(context)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "head_a1")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#current-user")
        assert page.locator("#unread-count").is_visible()
        assert "通知" in page.inner_text("#notification-bell")
        shot(page, "bell-1366.png")
    finally:
        context.close()
