"""Every select's empty choice reads one of two words: 不限 on a list's filters, 请选择 on a
form — never Django's "---------" or "- Select an option -"."""

import re

import pytest

from accounts.filters import EMPTY_CHOICE
from accounts.forms import PLEASE_CHOOSE

pytestmark = pytest.mark.django_db

DJANGO_DEFAULTS = ("---------", "- Select an option -")

FILTERED_LISTS = [
    "/enterprises/",
    "/cases/",
    "/inspections/",
    "/inspections/tips/",
    "/inspections/supervision/",
    "/reports/submissions/",
]

FORMS = ["/cases/new/", "/enterprises/new/", "/enterprises/import/", "/inspections/new/"]


@pytest.mark.parametrize("url", FILTERED_LISTS)
def test_list_filters_offer_buxian_as_their_empty_choice(area, client_for, url):
    body = client_for(area["users"]["county"]).get(url).content.decode()

    assert re.search(f'<option value=""( selected)?>{EMPTY_CHOICE}</option>', body)
    assert not [label for label in DJANGO_DEFAULTS if label in body]


@pytest.mark.parametrize("url", FORMS)
def test_form_selects_ask_qingxuanze_before_a_choice(area, client_for, url):
    body = client_for(area["users"]["clerk"]).get(url).content.decode()

    assert f">{PLEASE_CHOOSE}</option>" in body
    assert not [label for label in DJANGO_DEFAULTS if label in body]
