"""The typed 乡镇 filter of a city user on a phone (390 px): typing offers the matching townships
of the area, choosing one shows its name and sends its code (the ledger) or id (the case list),
and the list opened again with the filter in its address still shows the name."""

import pytest

from tests.browser.conftest import shot
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.rectification import CampaignFactory, CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)

HIDDEN_VALUE_IS = "([selector, value]) => document.querySelector(selector).value === value"


def choose_township(page, typed, label, value):
    """Type part of a name, wait for the offered option, then choose it (as picking it from the
    datalist does: the field takes the option's text and fires input)."""
    page.fill("#id_township", typed)
    page.wait_for_selector(f'#id_township_options option[data-value="{value}"]', state="attached")
    page.fill("#id_township", label)
    page.wait_for_function(HIDDEN_VALUE_IS, arg=["#id_township_value", value])


def test_city_user_chooses_a_township_by_name_on_the_ledger_and_the_case_list(
    area, page, log_in, live_server
):
    inside = EnterpriseFactory(township=area["township_a1"], name="甲一镇宏达铸造厂")
    outside = EnterpriseFactory(township=area["township_b1"], name="乙一镇塑料加工点")
    campaign = CampaignFactory()
    CaseFactory(enterprise=inside, campaign=campaign)
    CaseFactory(enterprise=outside, campaign=campaign)
    township = area["township_a1"]
    log_in("city", TEST_PASSWORD)

    page.goto(f"{live_server.url}/enterprises/")
    page.click("#toggle-filters")
    choose_township(page, "甲一", "甲县 甲一镇", township.code)
    # The ledger's villages follow the chosen township (htmx, from the hidden code).
    page.wait_for_selector('#id_village option[value="110101100201"]', state="attached")
    page.click("#ledger-filter button[type=submit]")
    page.wait_for_url(f"**township={township.code}**")
    assert page.input_value("#id_township") == "甲县 甲一镇"
    assert page.input_value("#id_township_value") == township.code
    cards = page.inner_text("#ledger-cards")
    assert inside.name in cards and outside.name not in cards
    page.screenshot(path=shot("place-filter-ledger-390.png"), full_page=True)

    page.goto(f"{live_server.url}/cases/?township={township.pk}")
    assert page.input_value("#id_township") == "甲县 甲一镇"
    body = page.inner_text("main")
    assert inside.name in body and outside.name not in body
    choose_township(page, "乙一", "乙县 乙一镇", str(area["township_b1"].pk))
    page.click("#filter-form button[type=submit]")
    page.wait_for_url(f"**township={area['township_b1'].pk}**")
    assert page.input_value("#id_township") == "乙县 乙一镇"
    body = page.inner_text("main")
    assert outside.name in body and inside.name not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
