"""On a phone (390 px) a user opens 修改密码 from the collapsed menu, changes the password,
and signs in again with the new one; too many wrong passwords show when to retry."""

import re

import pytest

from tests.browser.conftest import open_phone_menu
from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Qingling-2026-new"


def test_clerk_changes_password_from_the_phone_menu(area, page, log_in, live_server):
    log_in("clerk_a1", TEST_PASSWORD)
    assert page.viewport_size["width"] == 390
    open_phone_menu(page)
    page.click("#password-change-link")
    page.wait_for_selector("#password-change-form")
    # The form fits the phone screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("input[name=old_password]", "wrong-one")
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.click("#password-change-form button[type=submit]")
    assert "当前密码不正确" in page.inner_text("#password-change-form")
    page.fill("input[name=old_password]", TEST_PASSWORD)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.click("#password-change-form button[type=submit]")
    page.wait_for_selector("#password-changed")
    open_phone_menu(page)
    sign_out = page.locator("button", has_text="退出登录")
    sign_out.wait_for(state="visible")
    with page.expect_navigation():
        sign_out.click()
    page.wait_for_selector("text=您已安全退出")
    log_in("clerk_a1", NEW_PASSWORD)
    assert "乡镇填报员" in page.text_content("#current-user")


def test_fifth_wrong_password_shows_when_to_retry(area, page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.fill("input[name=username]", "clerk_a1")
        page.fill("input[name=password]", "not-the-password")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    message = page.inner_text("#login-locked")
    assert re.search(r"请于 \d\d:\d\d 后", message)
    page.fill("input[name=username]", "clerk_a1")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#login-locked")
    assert page.query_selector("#current-user") is None
