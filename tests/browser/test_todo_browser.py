"""Each role's 待办 home in a real browser at phone (390 px) and desktop (1366 px) width:
the lists are there with their counts, nothing is wider than the screen, every item is a
tap target of at least 44 px, and the county office chases a late unit with one tap.
Screenshots go to /work/notes/shots/i15todo/ (QINGLING_SHOTS overrides) for the README."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import new_page, sign_in
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.worklists import case_in, workload

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("QINGLING_SHOTS", "/work/notes/shots/i15todo"))
ROLES = {
    "clerk_a1": "cases_to_carry_out",
    "head_a1": "reports_to_sign",
    "power_a": "steps_to_confirm",
    "county_a": "cases_to_verify",
    "city": "submissions_to_review",
    "leader_a": "accountability_top",
}
WIDTHS = (390, 1366)


def shot(page, name):
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_role_finds_its_work_on_the_home_page(area, browser, live_server, width):
    workload(area, 2)
    case_in(area, due=-8)
    for username, key in ROLES.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = sign_in(new_page(context), live_server, username, TEST_PASSWORD)
        page.goto(f"{live_server.url}/")
        section = page.locator(f"#todo-{key}")
        section.wait_for(state="visible")
        assert int(section.get_attribute("data-count")) > 0
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{username} 的首页在 {width}px 宽时横向溢出 {overflow}px"
        heights = page.eval_on_selector_all(
            ".todo-link, .todo-more, .todo-action button",
            "els => els.map(e => e.getBoundingClientRect().height)",
        )
        assert heights and min(heights) >= 44, f"{username}: 点击区域小于44px（{min(heights)}）"
        shot(page, f"home-{username}-{width}")
        context.close()


def test_county_office_urges_a_late_unit_from_the_phone(area, browser, live_server):
    case_in(area, due=-5)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = sign_in(new_page(context), live_server, "county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/")
    units = page.locator("#todo-overdue_units")
    with page.expect_navigation():
        units.locator("button", has_text="催办").first.click()
    assert "已向甲一镇政府催办逾期案件 1 件" in page.inner_text(".alert-success")
    assert "今日已催办" in page.inner_text("#todo-overdue_units")
    page.goto(f"{live_server.url}/accounts/done/")
    assert "催办" in page.inner_text("#done-items")
    shot(page, "done-county_a-390")
    context.close()
