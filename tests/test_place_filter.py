"""A city or province user's list pages offer the 乡镇 filter typed, not as a select of every
township of their area: the matching townships come from accounts:place_options, limited to the
area, and the value sent is what the select sent, so page and API filter alike; the field shows
the township's name, also when the page is opened with the filter in its address."""

import re

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_city_ledger_types_its_township_instead_of_listing_every_one(area, client_for):
    body = client_for(area["users"]["city"]).get(reverse("enterprises:list")).content.decode()
    shown = re.search(r'<input[^>]*id="id_township"[^>]*>', body).group(0)
    assert 'list="id_township_options"' in shown
    assert "name=" not in shown
    assert re.search(r'<input type="hidden" name="township" id="id_township_value" value=""', body)
    assert area["township_a1"].name not in body


def test_county_ledger_keeps_the_township_select(area, client_for):
    body = client_for(area["users"]["county"]).get(reverse("enterprises:list")).content.decode()
    assert re.search(r'<select[^>]*name="township"', body)
    assert area["township_a1"].name in body


def test_place_options_offer_matching_townships_of_the_area_only(area, client_for):
    url = reverse("accounts:place_options")
    county = client_for(area["users"]["county"])
    mine = county.get(url, {"township": area["township_a1"].name[:2]}).content.decode()
    assert f'value="甲县 甲一镇" data-value="{area["township_a1"].code}"' in mine
    other = county.get(url, {"township": area["township_b1"].name}).content.decode()
    assert area["township_b1"].code not in other
    by_id = county.get(url, {"township": area["township_a1"].name, "value": "pk"})
    assert f'data-value="{area["township_a1"].pk}"' in by_id.content.decode()


def test_editing_a_chosen_place_searches_by_its_township_part(area, client_for):
    county = client_for(area["users"]["county"])
    options = county.get(reverse("accounts:place_options"), {"township": "甲县 甲一"})
    assert f'data-value="{area["township_a1"].code}"' in options.content.decode()


def shown_and_sent(body):
    """The township filter's shown text and the value it sends."""
    shown = re.search(r'<input[^>]*id="id_township"[^>]*>', body).group(0)
    sent = re.search(r'<input type="hidden" name="township"[^>]*>', body).group(0)
    return tuple(re.search(r'\svalue="([^"]*)"', tag).group(1) for tag in (shown, sent))


def test_a_page_opened_with_the_place_in_its_address_shows_the_townships_name(area, client_for):
    city = client_for(area["users"]["city"])
    township = area["township_a1"]
    # The ledger's filter names a township by its code, the case list's by its id.
    for url, sent in (
        (reverse("enterprises:list"), township.code),
        (reverse("rectification:case_list"), str(township.pk)),
    ):
        body = city.get(url, {"township": sent}).content.decode()
        assert shown_and_sent(body) == ("甲县 甲一镇", sent), url


def test_a_typed_name_that_is_no_place_of_the_area_is_shown_back_with_an_error(area, client_for):
    body = (
        client_for(area["users"]["city"])
        .get(reverse("rectification:case_list"), {"township": "不存在镇"})
        .content.decode()
    )
    assert shown_and_sent(body) == ("不存在镇", "不存在镇")
    assert "invalid-feedback" in body


def test_a_typed_township_filters_the_city_ledger(area, client_for):
    inside = EnterpriseFactory(township=area["township_a1"])
    EnterpriseFactory(township=area["township_a2"])
    city = client_for(area["users"]["city"])
    response = city.get(reverse("enterprises:list"), {"township": area["township_a1"].code})
    assert inside.name in response.content.decode()
    assert Enterprise.objects.count() == 2
    api = city.get("/api/enterprises/", {"township": area["township_a1"].code}).json()
    assert [row["id"] for row in api["results"]] == [inside.pk]
