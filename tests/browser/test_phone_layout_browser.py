"""The field pages at 390 px (a phone) and 1366 px (a laptop): no page wider than the screen,
every tap target at least 44 px, lists as cards on the phone and tables on the laptop, the
case page's steps first for the township; screenshots under /work/notes/shots/i15flow/."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import new_page, open_phone_menu, shot, sign_in
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import InspectionFactory, TeamFactory
from tests.factories.rectification import awaiting_case, in_progress_case

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [390, 1366]
MIN_TAP = 44

# Everything a finger presses; a checkbox or radio counts with its label (which toggles it).
TAP_TARGETS_JS = """
(minTap) => {
  const selector = "a.btn, button, .btn, input, select, textarea, summary, .page-link, "
    + ".nav-link, .navbar-toggler, .dropdown-item, .list-card";
  const small = [];
  for (const element of document.querySelectorAll(selector)) {
    if (element.type === "hidden") continue;
    let box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown (folded menu, closed details)
    if (element.type === "checkbox" || element.type === "radio") {
      const around = element.labels[0] || element.closest(".form-check, .tap-check");
      if (around) box = around.getBoundingClientRect();
    }
    if (box.height < minTap || box.width < minTap) {
      small.push(`${element.tagName.toLowerCase()}#${element.id}.${element.className} `
        + `"${(element.innerText || element.value || "").trim().slice(0, 20)}" `
        + `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}
"""


# What sticks out past the right edge, to name in a failure.
WIDE_JS = """
(width) => [...document.querySelectorAll("body *")]
  .filter(element => element.getBoundingClientRect().right > width)
  .slice(0, 8)
  .map(element => `${element.tagName.toLowerCase()}#${element.id}.${element.className}`
    + ` ${Math.round(element.getBoundingClientRect().right)}`)
"""


@pytest.fixture
def field_data(area):
    team = TeamFactory(organisation=area["orgs"]["county_office"], name="第一执法组")
    for index in range(52):  # more than a page: the pager is on the page
        EnterpriseFactory(township=area["township_a1"], name=f"甲一镇第{index + 1}号小作坊")
    in_progress = in_progress_case(area)
    awaiting = awaiting_case(area)
    for enterprise in (in_progress.enterprise, awaiting.enterprise):
        InspectionFactory(team=team, enterprise=enterprise)
    return {"case": in_progress, "awaiting": awaiting}


def pages(live_server, case):
    base = live_server.url
    return {
        "ledger": f"{base}/enterprises/",
        "case-list": f"{base}/cases/",
        "inspection-list": f"{base}/inspections/",
        "case-page": f"{base}{reverse('rectification:case_detail', args=[case.pk])}",
        "enterprise-form": f"{base}/enterprises/new/",
        "inspection-form": f"{base}/inspections/new/",
        "tip-list": f"{base}/inspections/tips/",
    }


def signed_in(browser, live_server, username, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = sign_in(new_page(context), live_server, username, TEST_PASSWORD)
    return context, page


def check_page(page, url, name, width, then=None):
    page.goto(url)
    page.wait_for_load_state("load")
    if then is not None:
        then(page)
    page.screenshot(path=str(shot(f"{name}-{width}.png")), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{name} at {width} px is {scroll_width} px wide: {page.evaluate(WIDE_JS, width)}"
    )
    assert page.evaluate(TAP_TARGETS_JS, MIN_TAP) == [], f"{name} at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_field_pages_fit_the_screen_with_big_tap_targets(
    area, field_data, browser, live_server, width
):
    context, page = signed_in(browser, live_server, "clerk_a1", width)
    try:
        for name, url in pages(live_server, field_data["case"]).items():
            check_page(page, url, name, width)
        # The phone menu, opened: its links are tap targets too.
        page.goto(f"{live_server.url}/cases/")
        if width < 992:
            open_phone_menu(page)
            check_page_menu(page, width)
    finally:
        context.close()


def check_page_menu(page, width):
    page.screenshot(path=str(shot(f"menu-{width}.png")), full_page=False)
    assert page.evaluate(TAP_TARGETS_JS, MIN_TAP) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_county_case_page_fits_with_its_verification_actions(
    area, field_data, browser, live_server, width
):
    context, page = signed_in(browser, live_server, "county_a", width)
    try:
        url = f"{live_server.url}{reverse('rectification:case_detail', args=[field_data['awaiting'].pk])}"
        # With the 验收不通过 form open: its step checkboxes are tap targets too.
        check_page(
            page,
            url,
            "case-page-county",
            width,
            then=lambda page: page.click("#summary-fail_verification"),
        )
        assert page.locator("#form-fail_verification [name=failed_steps]").count() == 6
        check_page(page, f"{live_server.url}/cases/", "case-list-county", width)
        # The power company's pages the county office also uses: the alert list and upload.
        check_page(page, f"{live_server.url}/power/alerts/", "power-alerts-county", width)
        check_page(page, f"{live_server.url}/power/upload/", "power-upload-county", width)
    finally:
        context.close()


def test_on_a_phone_lists_are_cards_and_on_a_laptop_tables(area, field_data, browser, live_server):
    for width, cards_shown in ((390, True), (1366, False)):
        context, page = signed_in(browser, live_server, "clerk_a1", width)
        try:
            for path, cards, table in (
                ("/enterprises/", "#ledger-cards", "#ledger-table"),
                ("/cases/", "#case-cards", "#case-table"),
                ("/inspections/", "#inspection-cards", "#inspection-table"),
            ):
                page.goto(f"{live_server.url}{path}")
                assert page.locator(cards).is_visible() is cards_shown
                assert page.locator(table).is_visible() is not cards_shown
        finally:
            context.close()


def block_tops(page):
    return page.evaluate(
        """() => Object.fromEntries(["facts", "actions", "steps"].map(name => [name,
            document.querySelector(".case-block-" + name).getBoundingClientRect().top]))"""
    )


def test_on_a_phone_the_case_page_puts_steps_first_for_the_township_and_actions_for_the_county(
    area, field_data, browser, live_server
):
    case = field_data["case"]
    url = f"{live_server.url}{reverse('rectification:case_detail', args=[case.pk])}"
    context, page = signed_in(browser, live_server, "clerk_a1", 390)
    try:
        page.goto(url)
        tops = block_tops(page)
        assert tops["steps"] < tops["actions"] < tops["facts"]
    finally:
        context.close()
    context, page = signed_in(browser, live_server, "county_a", 390)
    try:
        page.goto(url)
        tops = block_tops(page)
        assert tops["actions"] < tops["steps"] < tops["facts"]
    finally:
        context.close()


def test_the_enterprise_form_locates_the_phone(area, browser, live_server):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 34.7466, "longitude": 113.6253},
        permissions=["geolocation"],
    )
    try:
        page = sign_in(new_page(context), live_server, "clerk_a1", TEST_PASSWORD)
        page.goto(f"{live_server.url}/enterprises/new/")
        assert page.input_value("#id_reported_on") == timezone.localdate().isoformat()
        page.click("#locate")
        page.wait_for_selector("#locate-status:has-text('已获取位置')")
        assert page.input_value("#id_latitude") == "34.746600"
        assert page.input_value("#id_longitude") == "113.625300"
    finally:
        context.close()
