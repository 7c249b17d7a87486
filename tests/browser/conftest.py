"""Headless Chromium through Playwright's Python client, using Debian's /usr/bin/chromium.

Without Chromium the browser tests are skipped with the reason; CI sets
QINGLING_REQUIRE_BROWSER=1 so a missing browser fails the run instead.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.factories.accounts import TEST_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made
# by the test itself (creating users) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class SerialWSGIServer(WSGIServer):
    """The live server answering one request at a time. On SQLite the live server shares the
    test's single in-memory connection with every request thread, and a page's photos (now
    served by checked views, each reading the session and the user) would use it at once."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def serial_live_server_on_sqlite(django_db_setup):
    from django.db import connection

    if connection.vendor == "sqlite":
        LiveServerThread.server_class = SerialWSGIServer


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("QINGLING_REQUIRE_BROWSER"):
            pytest.fail(f"找不到 Chromium（{CHROMIUM}），CI 要求运行浏览器测试。")
        pytest.skip(
            f"本机没有 Chromium（{CHROMIUM}）：跳过浏览器测试。安装 Debian 的 chromium 包即可运行。"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Screenshots for the notes (the reviewer opens them); QINGLING_SHOTS moves them.
SHOTS = Path(os.environ.get("QINGLING_SHOTS", "/work/notes/shots/i15flow"))


def shot(name):
    """The path to save the screenshot `name` under SHOTS (created on first use)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name


def phone_context(browser):
    """A fresh browser session on a phone-sized screen in Chinese."""
    return browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})


def open_phone_menu(page):
    """Open the collapsed navigation of a phone-width page and wait for Bootstrap's transition
    to end (.show without .collapsing): a click inside the menu while it slides open may land
    on nothing, and the 44 px entries make the slide long enough to lose such a click."""
    page.click(".navbar-toggler")
    page.wait_for_selector("#mainNav.show:not(.collapsing)")


def new_page(context):
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#current-user", state="attached")
    return page


@pytest.fixture
def page(browser):
    context = phone_context(browser)
    yield new_page(context)
    context.close()


@pytest.fixture
def log_in(page, live_server):
    return lambda username, password: sign_in(page, live_server, username, password)


@pytest.fixture
def staff_page(browser, live_server):
    """A separate signed-in browser per staff member, closed after the test."""
    contexts = []

    def open_for(username):
        context = phone_context(browser)
        contexts.append(context)
        return sign_in(new_page(context), live_server, username, TEST_PASSWORD)

    yield open_for
    for context in contexts:
        context.close()
