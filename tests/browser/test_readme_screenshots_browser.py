"""The README's pictures, taken by the browser so they stay current: each role's 待办 home at a
390 px phone and a 1366 px desk, the case page, the ledger on a phone, the dashboard and the map.

Every run checks that these pages render (their main element drawn, nothing wider than the
screen). With QINGLING_UPDATE_SCREENSHOTS=1 the pictures are also written to static/screenshots/
(commit them): the visible screen, or the whole page where it is short, reduced to a 256-colour
PNG so each stays well under 150 KB. Without the variable nothing is written into the repository.
"""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from rectification import workflow
from tests.browser.conftest import new_page, sign_in
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.maps import located_case, with_boundaries
from tests.factories.rectification import CampaignFactory, new_enterprise, photo
from tests.factories.worklists import case_in, workload

pytestmark = pytest.mark.django_db(transaction=True)

UPDATE = os.environ.get("QINGLING_UPDATE_SCREENSHOTS") == "1"
FOLDER = Path(settings.BASE_DIR) / "static" / "screenshots"
TODAY = timezone.localdate()
HEIGHTS = {390: 844, 1366: 900}
HOMES = {
    "clerk_a1": "todo-cases_to_carry_out",
    "head_a1": "todo-reports_to_sign",
    "power_a": "todo-steps_to_confirm",
    "county_a": "todo-cases_to_verify",
    "city": "todo-submissions_to_review",
    "leader_a": "todo-accountability_top",
}
README_NAMES = {
    "clerk_a1": "clerk",
    "head_a1": "head",
    "power_a": "department",
    "county_a": "county",
    "city": "city",
    "leader_a": "leader",
}

NAMES = {
    "clerk": "周丽",
    "head": "陈建国",
    "power_officer": "刘电",
    "county": "赵敏",
    "city": "孙海",
    "leader": "钱局长",
}


def failed_case(area):
    """A 关停取缔 case of 甲一镇 the county office sent back, 断电 to redo: the case page's picture."""
    users = area["users"]
    campaign = CampaignFactory(name="甲县散乱污整治专项行动", year=TODAY.year)
    enterprise = new_enterprise(area, name="甲一镇红星铸造厂")
    case = workflow.propose_case(enterprise, campaign=campaign, by=users["clerk"])
    case = workflow.determine_case(
        case,
        by=users["county"],
        disposal="shutdown",
        requirement="demolish",
        measures="依法关停，按两断三清一恢复实施",
        responsible_unit=area["orgs"]["township_a1"],
        responsible_person="王分包",
        deadline=TODAY + datetime.timedelta(days=30),
    )
    case = workflow.start_remediation(case, by=users["clerk"])
    for step in case.steps.all():
        workflow.confirm_step(step, by=users["county"], done_on=TODAY, photos=[photo()])
    case.refresh_from_db()
    case = workflow.submit_for_verification(case, by=users["clerk"])
    return workflow.fail_verification(
        case,
        by=users["county"],
        note="现场仍有供电线路接入",
        failed_steps=list(case.steps.filter(name="断电")),
        working_days=5,
    )


@pytest.fixture
def demo(area):
    """Work of every kind in county 甲, boundaries and located cases for the map; people named
    as in an office rather than 测试用户N."""
    for key, full_name in NAMES.items():
        user = area["users"][key]
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    workload(area, 2)
    case_in(area, due=-8)
    with_boundaries(area)
    for township, offset in (("township_a1", 0.5), ("township_a1", 0.2), ("township_a2", 0.4)):
        located_case(area, township, offset=offset)
    return failed_case(area)


def save(page, name):
    """Write the picture `name`.png (only with QINGLING_UPDATE_SCREENSHOTS=1)."""
    if not UPDATE:
        return
    if page.locator("canvas").count():
        page.wait_for_timeout(1500)  # let ECharts finish its opening animation
    viewport = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    png = page.screenshot(full_page=height <= viewport["height"] * 1.5)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    FOLDER.mkdir(parents=True, exist_ok=True)
    small.save(FOLDER / f"{name}.png", optimize=True)


def rendered(page, selector):
    """The page's main element is drawn and nothing is wider than the screen."""
    page.wait_for_selector(selector, state="visible")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} 横向溢出 {overflow}px"


def open_as(browser, live_server, username, width):
    viewport = {"width": width, "height": HEIGHTS[width]}
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    return context, sign_in(new_page(context), live_server, username, TEST_PASSWORD)


def test_each_role_home_case_ledger_dashboard_and_map_render_for_the_readme(
    area, browser, live_server, demo
):
    url = live_server.url
    for width in HEIGHTS:
        for username, section in HOMES.items():
            context, page = open_as(browser, live_server, username, width)
            page.goto(f"{url}/")
            rendered(page, f"#{section}")
            save(page, f"home-{README_NAMES[username]}-{width}")
            context.close()

    context, page = open_as(browser, live_server, "clerk_a1", 390)
    page.goto(f"{url}/cases/{demo.pk}/")
    rendered(page, "#case-steps .step-returned")
    save(page, "case-390")
    page.goto(f"{url}/enterprises/")
    rendered(page, "#ledger-cards")
    save(page, "ledger-390")
    context.close()

    context, page = open_as(browser, live_server, "county_a", 1366)
    page.goto(f"{url}/cases/{demo.pk}/")
    rendered(page, "#case-actions")
    save(page, "case-1366")
    page.goto(f"{url}/map/")
    page.wait_for_selector("#map-canvas canvas")
    page.wait_for_function("document.querySelectorAll('#map-regions tbody tr').length > 0")
    rendered(page, "#map-canvas")
    save(page, "map-1366")
    context.close()

    context, page = open_as(browser, live_server, "leader_a", 1366)
    page.goto(f"{url}/reports/dashboard/")
    page.wait_for_selector("#chart-bars canvas")
    page.wait_for_selector("#chart-trend canvas")
    rendered(page, "#figure-completion")
    save(page, "dashboard-1366")
    context.close()
