"""The case list's fourteen filters on a phone (390 px) fold away behind 筛选, like the ledger's
and the map's; tapping it opens them, and a list opened with a filter in use shows them open.
On a laptop (1366 px) they are always shown and the 筛选 toggle is not."""

import pytest

from tests.browser.conftest import new_page, shot, sign_in
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.rectification import CampaignFactory, CaseFactory, new_enterprise

pytestmark = pytest.mark.django_db(transaction=True)


def test_case_filters_fold_behind_a_button_on_a_phone(area, page, log_in, live_server):
    campaign = CampaignFactory()
    CaseFactory(
        enterprise=new_enterprise(area, "township_a1", name="甲一镇宏达铸造厂"), campaign=campaign
    )
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/")
    assert not page.is_visible("#id_state")
    page.click("#toggle-case-filters")
    page.wait_for_selector("#case-filters.show:not(.collapsing)")
    assert page.is_visible("#id_state")
    page.screenshot(path=shot("case-filters-open-390.png"), full_page=True)
    page.select_option("#id_state", "found")
    page.click("#filter-form button[type=submit]")
    page.wait_for_url("**state=found**")
    # A filter in use: the filters stay open, so the user sees what narrows the list.
    assert page.is_visible("#id_state")
    assert page.input_value("#id_state") == "found"
    assert page.get_attribute("#toggle-case-filters", "aria-expanded") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_case_filters_are_always_shown_on_a_laptop(area, browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    try:
        page = sign_in(new_page(context), live_server, "county_a", TEST_PASSWORD)
        page.goto(f"{live_server.url}/cases/")
        assert page.is_visible("#id_state")
        assert not page.is_visible("#toggle-case-filters")
    finally:
        context.close()
