"""The field pages on a phone, as the server writes them: the ledger, case list and inspection
list carry a card per row (name, township, state, deadline) beside their desktop table; the
case page orders its blocks by the user's work; the enterprise form offers 定位 and today's
上报时间. (Widths, overflow and tap sizes are the browser tests'.)"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import InspectionFactory, TeamFactory
from tests.factories.rectification import awaiting_case, in_progress_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def cards(html, list_id):
    block = re.search(rf'<ul class="list-cards d-md-none" id="{list_id}">(.*?)</ul>', html, re.S)
    return block.group(1)


def test_the_case_list_has_a_card_per_case_and_keeps_its_table(area, client_for):
    case = in_progress_case(area)
    html = client_for(area["users"]["clerk"]).get("/cases/").content.decode()
    card = cards(html, "case-cards")
    assert case.enterprise.name in card and "甲一镇" in card
    assert "整治中" in card and case.deadline.isoformat() in card
    assert 'class="table-responsive d-none d-md-block"' in html and 'id="case-table"' in html


def test_the_county_can_tick_cases_to_close_on_the_cards(area, client_for):
    case = awaiting_case(area)
    html = client_for(area["users"]["county"]).get("/cases/").content.decode()
    assert f'id="card-select-case-{case.pk}"' in cards(html, "case-cards")


def test_the_ledger_has_a_card_per_enterprise(area, client_for):
    enterprise = EnterpriseFactory(township=area["township_a1"], name="甲一镇红星塑料加工点")
    html = client_for(area["users"]["clerk"]).get("/enterprises/").content.decode()
    card = cards(html, "ledger-cards")
    assert enterprise.name in card and "甲一镇" in card
    assert reverse("enterprises:detail", args=[enterprise.pk]) in card


def test_the_inspection_list_has_a_card_per_inspection(area, client_for):
    team = TeamFactory(organisation=area["orgs"]["county_office"], name="第一执法组")
    enterprise = EnterpriseFactory(township=area["township_a1"], name="甲一镇某铸造点")
    InspectionFactory(team=team, enterprise=enterprise)
    html = client_for(area["users"]["county"]).get("/inspections/").content.decode()
    card = cards(html, "inspection-cards")
    assert enterprise.name in card and "甲一镇" in card


@pytest.mark.parametrize(
    ("user", "layout"),
    [
        ("clerk", "steps-first"),
        ("head", "steps-first"),
        ("power_officer", "steps-first"),
        ("county", "actions-first"),
        ("city", "facts-first"),
    ],
)
def test_the_case_page_puts_first_what_the_user_does(area, client_for, user, layout):
    case = in_progress_case(area)
    html = client_for(area["users"][user]).get(reverse("rectification:case_detail", args=[case.pk]))
    assert f'data-layout="{layout}"' in html.content.decode()


def test_the_enterprise_form_offers_locate_and_today_as_reported_on(area, client_for):
    html = client_for(area["users"]["clerk"]).get("/enterprises/new/").content.decode()
    assert 'id="locate"' in html and "定位" in html
    assert "/static/js/locate.js" in html
    tag = re.search(r'<input[^>]*name="reported_on"[^>]*>', html).group(0)
    assert f'value="{TODAY.isoformat()}"' in tag


def test_the_inspection_form_takes_several_photos_from_the_camera(area, client_for):
    html = client_for(area["users"]["clerk"]).get("/inspections/new/").content.decode()
    tag = re.search(r'<input[^>]*type="file"[^>]*>', html).group(0)
    assert 'accept="image/*"' in tag and 'capture="environment"' in tag and "multiple" in tag
    assert "/static/js/locate.js" in html
