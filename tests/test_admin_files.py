"""The admin shows a stored file (an organisation's seal) linked through the app's checked
file view, never a /media/ URL, which nothing serves, nor a storage URL that skips the check."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories.rectification import image_bytes

pytestmark = pytest.mark.django_db


def test_the_seal_in_the_admin_links_to_the_checked_seal_view(area, client_for):
    organisation = area["orgs"]["township_a1"]
    organisation.seal.save("我的公章.png", ContentFile(image_bytes()), save=True)
    client = client_for(area["users"]["admin"])
    page = client.get(reverse("admin:accounts_organisation_change", args=[organisation.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    seal_view = reverse("accounts:organisation_seal", args=[organisation.pk])
    links = re.findall(r'<p class="file-upload">[^<]*<a href="([^"]*)">([^<]*)</a>', html)
    assert links == [(seal_view, organisation.seal.name.rsplit("/", 1)[-1])]
    assert "/media/" not in html
    seal = client.get(seal_view)
    assert seal.status_code == 200 and seal["X-Content-Type-Options"] == "nosniff"
    assert b"".join(seal.streaming_content) == image_bytes()


def test_an_organisation_without_a_seal_shows_no_link(area, client_for):
    organisation = area["orgs"]["township_a2"]
    page = client_for(area["users"]["admin"]).get(
        reverse("admin:accounts_organisation_change", args=[organisation.pk])
    )
    assert page.status_code == 200
    assert 'class="file-upload"' not in page.content.decode()
