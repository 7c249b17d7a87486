"""Every stored file kind is served only to those who may see the object it belongs to.

The matrix: each kind × the owner's place (the township of the township staff, a sibling
township of the same county, a township of the other county) × the seven roles and an
anonymous visitor. Allowed users get the bytes, inline for images and as an attachment for
documents, never sniffed; everyone else gets 404, as for the object itself. Anonymous visitors
are sent to the login page (every file view requires a login), so nothing about the file leaks.
"""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from inspections.models import InspectionPhoto, TipPhoto
from rectification.models import CaseStep, EvidencePhoto
from reporting.models import AccountabilityAction, ExportJob
from tests.factories.inspections import InspectionFactory, TeamFactory, TipFactory
from tests.factories.rectification import CaseFactory, image_bytes, new_enterprise

pytestmark = pytest.mark.django_db

PLACES = {"own": "township_a1", "sibling": "township_a2", "other_county": "township_b1"}
ORGANISATION_OF = {
    "township_a1": "township_a1",
    "township_a2": "township_a2",
    "township_b1": "township_b1",
}
OWNER_OF = {"township_a1": "clerk", "township_a2": "clerk_a2", "township_b1": "clerk_b1"}
# One user of each role, as tests/factories/accounts.py places them (township staff in 甲一镇,
# county staff in 甲县, the city office in the city, the administrator everywhere).
ROLES = {
    "township_clerk": "clerk",
    "township_head": "head",
    "department_officer": "officer",
    "county_office": "county",
    "bureau_leader": "leader",
    "city_office": "city",
    "administrator": "admin",
}
EVERYONE = set(ROLES)
COUNTY_AND_ABOVE = {"department_officer", "county_office", "bureau_leader", "city_office"}
CITY_AND_ADMIN = {"city_office", "administrator"}

# Who may open the owning object, by the owner's place.
BY_AREA = {
    "own": EVERYONE,
    "sibling": COUNTY_AND_ABOVE | {"administrator"},
    "other_county": CITY_AND_ADMIN,
}
# The accountability ledger is the dashboard roles' only.
DASHBOARD = {"county_office", "bureau_leader", "city_office", "administrator"}
ALLOWED = {
    "evidence_photo": BY_AREA,
    "inspection_photo": BY_AREA,
    "tip_photo": BY_AREA,
    "seal": BY_AREA,
    "accountability_notice": {place: BY_AREA[place] & DASHBOARD for place in PLACES},
    # An export job's file is its requester's only: the own township's clerk here.
    "export_file": {"own": {"township_clerk"}, "sibling": set(), "other_county": set()},
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XLSX = b"PK\x03\x04 a stored workbook"


def evidence_photo(area, township):
    case = CaseFactory(enterprise=new_enterprise(area, township))
    step = CaseStep.objects.create(case=case, kind="shutdown", name="断电")
    photo = EvidencePhoto(step=step)
    photo.image.save("现场.png", ContentFile(image_bytes()), save=True)
    return reverse("rectification:evidence_photo", args=[case.pk, photo.pk]), photo.image


def inspection_photo(area, township):
    team = TeamFactory(organisation=area["orgs"][ORGANISATION_OF[township]])
    inspection = InspectionFactory(team=team, township=area[township], place="村东头")
    photo = InspectionPhoto(inspection=inspection)
    photo.image.save("现场.png", ContentFile(image_bytes()), save=True)
    return (
        reverse("inspections:inspection_photo", args=[inspection.pk, photo.pk]),
        photo.image,
    )


def tip_photo(area, township):
    region = area[township]
    tip = TipFactory(county=region.parent, township=region)
    photo = TipPhoto(tip=tip)
    photo.image.save("举报.png", ContentFile(image_bytes()), save=True)
    return reverse("inspections:tip_photo", args=[tip.pk, photo.pk]), photo.image


def seal(area, township):
    organisation = area["orgs"][ORGANISATION_OF[township]]
    organisation.seal.save("我的公章.png", ContentFile(image_bytes()), save=True)
    return reverse("accounts:organisation_seal", args=[organisation.pk]), organisation.seal


def accountability_notice(area, township):
    action = AccountabilityAction(
        organisation=area["orgs"][ORGANISATION_OF[township]],
        kind="interview",
        taken_on=timezone.localdate(),
        reason="案件逾期未销号",
        recorded_by=area["users"]["city"],
    )
    action.notice.save("约谈通知.pdf", ContentFile(PDF), save=True)
    return reverse("reporting:accountability_notice", args=[action.pk]), action.notice


def export_file(area, township):
    job = ExportJob(
        kind="ledger",
        title="台账导出",
        region=area[township],
        requested_by=area["users"][OWNER_OF[township]],
        state=ExportJob.State.DONE,
        filename="台账.xlsx",
    )
    job.file.save("job.xlsx", ContentFile(XLSX), save=True)
    return reverse("reporting:export_download", args=[job.pk]), job.file


KINDS = {
    "evidence_photo": evidence_photo,
    "inspection_photo": inspection_photo,
    "tip_photo": tip_photo,
    "seal": seal,
    "accountability_notice": accountability_notice,
    "export_file": export_file,
}
DISPOSITION = {
    "evidence_photo": "inline",
    "inspection_photo": "inline",
    "tip_photo": "inline",
    "seal": "inline",
    "accountability_notice": "attachment",
    "export_file": "attachment",
}


def fetch(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", KINDS)
def test_only_those_who_may_see_the_owner_get_the_file(area, kind, place):
    url, stored = KINDS[kind](area, PLACES[place])
    with stored.open("rb") as handle:
        content = handle.read()
    allowed = ALLOWED[kind][place]
    answers = {}
    for role, key in ROLES.items():
        response = fetch(area["users"][key], url)
        answers[role] = response.status_code
        if response.status_code == 200:
            assert b"".join(response.streaming_content) == content
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Disposition"].startswith(DISPOSITION[kind])
    assert answers == {role: 200 if role in allowed else 404 for role in ROLES}


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_visitors_are_sent_to_the_login_page(area, kind):
    url, _ = KINDS[kind](area, "township_a1")
    response = fetch(None, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_file_of_another_object_is_not_reached_through_a_visible_one(area):
    """The photo's own object decides, not the one named in the address."""
    _, own = evidence_photo(area, "township_a1")
    _, other = evidence_photo(area, "township_b1")
    own_case = own.instance.step.case
    url = reverse("rectification:evidence_photo", args=[own_case.pk, other.instance.pk])
    assert fetch(area["users"]["clerk"], url).status_code == 404


def test_a_county_departments_seal_is_not_shown_to_a_peer_at_the_county(area):
    environment = area["orgs"]["environment"]
    environment.seal.save("seal.png", ContentFile(image_bytes()), save=True)
    url = reverse("accounts:organisation_seal", args=[environment.pk])
    assert fetch(area["users"]["officer"], url).status_code == 200
    assert fetch(area["users"]["county"], url).status_code == 404
    assert fetch(area["users"]["power_officer"], url).status_code == 404
    assert fetch(area["users"]["city"], url).status_code == 200


def test_the_seal_download_never_carries_the_uploaders_file_name(area):
    url, _ = seal(area, "township_a1")
    disposition = fetch(area["users"]["head"], url)["Content-Disposition"]
    assert disposition == "inline; filename*=utf-8''%E5%85%AC%E7%AB%A0.png"  # 公章.png


def test_an_image_notice_is_shown_inline(area):
    action = AccountabilityAction(
        organisation=area["orgs"]["township_a1"],
        kind="reminder",
        taken_on=timezone.localdate(),
        reason="提醒",
        recorded_by=area["users"]["county"],
    )
    action.notice_extension = "png"  # as the form sets it from the checked content
    action.notice.save("通知.png", ContentFile(image_bytes()), save=True)
    response = fetch(
        area["users"]["county"], reverse("reporting:accountability_notice", args=[action.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")


def test_no_media_url_is_served(settings):
    settings.DEBUG = True
    with pytest.raises(Resolver404):
        resolve("/media/seals/seal.png")


def test_pages_and_the_api_link_photos_through_the_checked_views(area, client_for):
    url, stored = evidence_photo(area, "township_a1")
    case = stored.instance.step.case
    client = client_for(area["users"]["clerk"])
    page = client.get(reverse("rectification:case_detail", args=[case.pk])).content.decode()
    assert url in page and "/media/" not in page
    body = client.get(f"/api/cases/{case.pk}/").json()
    photos = [photo["url"] for step in body["steps"] for photo in step["photos"]]
    assert photos == [f"http://testserver{url}"]

    inspection_url, inspection_file = inspection_photo(area, "township_a1")
    inspection = inspection_file.instance.inspection
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk]))
    assert inspection_url in page.content.decode()
    body = client.get(f"/api/inspections/{inspection.pk}/").json()
    assert [photo["url"] for photo in body["photos"]] == [f"http://testserver{inspection_url}"]

    tip_url, tip_file = tip_photo(area, "township_a1")
    page = client.get(reverse("inspections:tip_detail", args=[tip_file.instance.tip.pk]))
    assert tip_url in page.content.decode()


def test_a_seal_is_stored_under_a_random_name_never_the_uploaders(area):
    first = seal(area, "township_a1")[1].name
    assert first.startswith("seals/") and first.endswith(".png")
    assert "公章" not in first
    assert seal(area, "township_a1")[1].name != first
