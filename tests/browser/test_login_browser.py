"""A person signs in in a real (headless) browser, lands on the home page and signs out."""

import pytest

from tests.browser.conftest import open_phone_menu
from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_logs_in_sees_own_area_and_logs_out(area, page, log_in, live_server):
    log_in("clerk_a1", TEST_PASSWORD)
    assert "乡镇填报员" in page.text_content("#current-user")
    assert page.inner_text("#home-area") == "甲一镇"
    page.goto(f"{live_server.url}/accounts/regions/{area['township_b1'].code}/")
    assert "不在您的管辖范围内" in page.content()
    page.goto(f"{live_server.url}/")
    # On a phone-width screen the navigation is collapsed behind the toggler.
    open_phone_menu(page)
    sign_out = page.locator("button", has_text="退出登录")
    sign_out.wait_for(state="visible")
    with page.expect_navigation():
        sign_out.click()
    page.wait_for_selector("text=您已安全退出")


def test_wrong_password_shows_chinese_error(area, page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "clerk_a1")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text(".alert-danger")
