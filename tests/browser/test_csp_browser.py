"""In Chromium under the Content-Security-Policy: the login page, the ledger and its htmx village
picker, a case page and the dashboard's ECharts canvases work, and the browser refuses nothing."""

import pytest

from tests.browser.conftest import new_page
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.rectification import found_case, shutdown_case_due

pytestmark = pytest.mark.django_db(transaction=True)

# Every document reports its policy violations to the test, before any of the page's own scripts.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Watched:
    """A page whose console errors/warnings, uncaught errors and CSP violations are collected."""

    def __init__(self, browser, width, height):
        self.context = browser.new_context(
            locale="zh-CN", viewport={"width": width, "height": height}
        )
        self.violations, self.console = [], []
        self.context.expose_function("reportViolation", lambda text: self.violations.append(text))
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.page = new_page(self.context)
        self.page.on(
            "console",
            lambda message: (
                message.type in {"error", "warning"} and self.console.append(message.text)
            ),
        )
        self.page.on("pageerror", lambda error: self.console.append(str(error)))

    def goto(self, url):
        response = self.page.goto(url)
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in response.headers["content-security-policy"].split(";")
        )
        # Scripts only from here, or inline with this response's nonce; never 'unsafe-inline'.
        assert policy["default-src"] == "'self'"
        assert all(
            source == "'self'" or source.startswith("'nonce-")
            for source in policy["script-src"].split()
        )
        return response

    def sign_in(self, live_server, username):
        self.goto(f"{live_server.url}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", TEST_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("#current-user", state="attached")

    def assert_nothing_refused(self):
        # Reports arrive asynchronously; a round trip to the page lets pending ones land.
        self.page.evaluate("() => new Promise((done) => setTimeout(done, 100))")
        assert self.violations == []
        assert self.console == []


@pytest.fixture
def watched(browser):
    pages = []

    def open_at(width=1366, height=900):
        pages.append(Watched(browser, width, height))
        return pages[-1]

    yield open_at
    for page in pages:
        page.context.close()


def test_the_watcher_catches_an_inline_script(watched, live_server):
    watcher = watched()
    watcher.goto(f"{live_server.url}/accounts/login/")

    watcher.page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
                   document.body.appendChild(s); }"""
    )
    watcher.page.evaluate("() => new Promise((done) => setTimeout(done, 100))")

    assert watcher.page.evaluate("() => window.ran") is None
    assert any(violation.startswith("script-src") for violation in watcher.violations)


def test_login_ledger_and_htmx_village_picker_work_under_the_policy(area, watched, live_server):
    watcher = watched()
    watcher.sign_in(live_server, "county_a")
    watcher.goto(f"{live_server.url}/enterprises/")
    watcher.page.wait_for_selector("#ledger-table", state="attached")
    watcher.goto(f"{live_server.url}/enterprises/new/")
    watcher.page.select_option("#id_township", label="甲二乡")
    watcher.page.wait_for_selector("#id_village option:text('甲二村')", state="attached")

    watcher.assert_nothing_refused()


def test_case_page_works_under_the_policy_on_a_phone(area, watched, live_server):
    case = found_case(area)
    watcher = watched(390, 844)
    watcher.sign_in(live_server, "county_a")
    watcher.goto(f"{live_server.url}/cases/{case.pk}/")
    watcher.page.wait_for_selector("#case-state")

    watcher.assert_nothing_refused()


def test_dashboard_draws_its_charts_under_the_policy(area, watched, live_server):
    for days_left in (-5, 5):
        shutdown_case_due(area, days_left)
    watcher = watched()
    watcher.sign_in(live_server, "leader_a")
    watcher.goto(f"{live_server.url}/reports/dashboard/")
    watcher.page.wait_for_selector("#chart-bars canvas")
    watcher.page.wait_for_selector("#chart-trend canvas")
    watcher.page.hover("#chart-bars canvas")

    watcher.assert_nothing_refused()


def test_api_docs_start_swagger_ui_without_an_inline_script(area, watched, live_server):
    watcher = watched()
    watcher.sign_in(live_server, "county_a")
    watcher.goto(f"{live_server.url}/api/docs/")
    watcher.page.wait_for_selector("#swagger-ui .opblock", state="attached")

    assert watcher.violations == []
