"""A city or province user's list pages offer the 乡镇 filter typed, not as a select of every
township of their area: the matching townships come from accounts:place_options, limited to the
area, and the value sent is what the select sent, so page and API filter alike."""

import re

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_city_ledger_types_its_township_instead_of_listing_every_one(area, client_for):
    body = client_for(area["users"]["city"]).get(reverse("enterprises:list")).content.decode()
    township_input = re.search(r'<input[^>]*name="township"[^>]*>', body).group(0)
    assert 'list="id_township_options"' in township_input
    assert area["township_a1"].name not in body


def test_county_ledger_keeps_the_township_select(area, client_for):
    body = client_for(area["users"]["county"]).get(reverse("enterprises:list")).content.decode()
    assert re.search(r'<select[^>]*name="township"', body)
    assert area["township_a1"].name in body


def test_place_options_offer_matching_townships_of_the_area_only(area, client_for):
    url = reverse("accounts:place_options")
    county = client_for(area["users"]["county"])
    mine = county.get(url, {"township": area["township_a1"].name[:2]}).content.decode()
    assert f'value="{area["township_a1"].code}"' in mine
    other = county.get(url, {"township": area["township_b1"].name}).content.decode()
    assert area["township_b1"].code not in other
    by_id = county.get(url, {"township": area["township_a1"].name, "value": "pk"})
    assert f'value="{area["township_a1"].pk}"' in by_id.content.decode()


def test_a_typed_township_filters_the_city_ledger(area, client_for):
    inside = EnterpriseFactory(township=area["township_a1"])
    EnterpriseFactory(township=area["township_a2"])
    city = client_for(area["users"]["city"])
    response = city.get(reverse("enterprises:list"), {"township": area["township_a1"].code})
    assert inside.name in response.content.decode()
    assert Enterprise.objects.count() == 2
    api = city.get("/api/enterprises/", {"township": area["township_a1"].code}).json()
    assert [row["id"] for row in api["results"]] == [inside.pk]
