"""The reporter's name and contact are visible only to the office handling the tip — the
organisation it is assigned to and the county office of its county. Not in lists, exports,
the API for any other role, or the public page."""

import io

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from inspections.models import TipState
from tests.factories.inspections import TipFactory

pytestmark = pytest.mark.django_db

NAME = "保密的举报人"
CONTACT = "13912345678"

SEES_CONTACT = {"county", "clerk", "head"}
SEES_TIP_NOT_CONTACT = {"officer", "power_officer", "leader", "city", "admin"}


@pytest.fixture
def tip(area):
    return TipFactory(
        county=area["county_a"],
        township=area["township_a1"],
        reporter_name=NAME,
        reporter_contact=CONTACT,
        state=TipState.ASSIGNED,
        assigned_organisation=area["orgs"]["township_a1"],
    )


def leaks(text):
    return NAME in text or CONTACT in text


@pytest.mark.parametrize("role", sorted(SEES_CONTACT | SEES_TIP_NOT_CONTACT))
def test_detail_page_shows_the_contact_only_to_the_handling_office(area, client_for, tip, role):
    response = client_for(area["users"][role]).get(f"/inspections/tips/{tip.pk}/")
    assert response.status_code == 200
    assert leaks(response.content.decode()) == (role in SEES_CONTACT)


@pytest.mark.parametrize("role", sorted(SEES_CONTACT | SEES_TIP_NOT_CONTACT))
def test_api_detail_gives_the_contact_only_to_the_handling_office(area, client_for, tip, role):
    data = client_for(area["users"][role]).get(f"/api/tips/{tip.pk}/").json()
    assert ("reporter_contact" in data) == (role in SEES_CONTACT)
    assert leaks(str(data)) == (role in SEES_CONTACT)


def test_a_department_assigned_the_tip_sees_the_contact(area, client_for, tip):
    tip.assigned_organisation = area["orgs"]["environment"]
    tip.save()
    assert leaks(
        client_for(area["users"]["officer"]).get(f"/inspections/tips/{tip.pk}/").content.decode()
    )
    assert not leaks(
        client_for(area["users"]["clerk"]).get(f"/inspections/tips/{tip.pk}/").content.decode()
    )


def test_the_county_office_of_another_county_and_other_townships_get_404(area, client_for, tip):
    for role in ("county_b", "clerk_a2", "clerk_b1"):
        assert (
            client_for(area["users"][role]).get(f"/inspections/tips/{tip.pk}/").status_code == 404
        )
        assert client_for(area["users"][role]).get(f"/api/tips/{tip.pk}/").status_code == 404


@pytest.mark.parametrize("role", sorted(SEES_CONTACT | SEES_TIP_NOT_CONTACT))
def test_list_page_list_api_and_export_never_carry_the_contact(area, client_for, tip, role):
    client = client_for(area["users"][role])
    page = client.get("/inspections/tips/").content.decode()
    assert tip.receipt_number in page and not leaks(page)
    data = client.get("/api/tips/").json()
    assert data["count"] == 1 and not leaks(str(data))
    response = client.get("/inspections/tips/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row]
    assert tip.receipt_number in cells
    assert not leaks(" ".join(cells))
    assert "举报人" not in " ".join(str(cell.value) for cell in sheet[1])


def test_the_public_lookup_never_shows_the_contact(client, tip):
    cache.clear()
    tip.state = TipState.PUBLISHED
    tip.outcome = "已处理"
    tip.save()
    page = client.get(f"/tips/lookup/?receipt_number={tip.receipt_number}").content.decode()
    assert "已处理" in page and not leaks(page)


@pytest.mark.parametrize("size", [2, 14])
def test_tip_list_page_and_api_run_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries, size
):
    for _ in range(size):
        TipFactory(county=area["county_a"], township=area["township_a1"])
    client = client_for(area["users"]["county"])
    with django_assert_num_queries(8):
        assert client.get("/inspections/tips/").status_code == 200
    with django_assert_num_queries(6):
        assert client.get("/api/tips/").json()["count"] == size


def test_the_django_admin_does_not_show_the_contact_either(area, client_for, tip):
    client = client_for(area["users"]["admin"])
    change_page = client.get(f"/admin/inspections/tip/{tip.pk}/change/")
    assert change_page.status_code == 200
    assert not leaks(change_page.content.decode())
    assert not leaks(client.get("/admin/inspections/tip/").content.decode())
