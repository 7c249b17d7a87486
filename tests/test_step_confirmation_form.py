"""The step confirmation form on the case page: 完成日期 today and 确认人 the signed-in user by
default; a refused photo shows the page again with the typed date and person kept and a
message naming the step (the API's refusal names it too)."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rectification.models import Case
from tests.factories.rectification import in_progress_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def input_value(html, element_id):
    tag = re.search(rf'<input[^>]*id="{element_id}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def not_an_image():
    return SimpleUploadedFile("现场.png", b"this is not a picture", content_type="image/png")


def test_the_confirmation_form_offers_today_and_the_signed_in_user(area, client_for):
    case = in_progress_case(area)
    county = area["users"]["county"]
    power = case.steps.get(name="断电")

    page = client_for(county).get(reverse("rectification:case_detail", args=[case.pk]))

    form = page.context["steps"][1].confirm_form
    assert page.context["steps"][1].pk == power.pk
    assert form["done_on"].value() == TODAY
    assert form["confirming_person"].value() == county.display_name
    html = page.content.decode()
    assert input_value(html, f"id_step{power.pk}_done_on") == TODAY.isoformat()
    assert input_value(html, f"id_step{power.pk}_confirming_person") == county.display_name


def test_a_refused_photo_keeps_the_typed_date_and_person_and_names_the_step(area, client_for):
    case = in_progress_case(area)
    Case.objects.filter(pk=case.pk).update(found_on=TODAY - datetime.timedelta(days=10))
    power = case.steps.get(name="断电")
    typed_day = TODAY - datetime.timedelta(days=2)  # not the default: what was typed

    response = client_for(area["users"]["power_officer"]).post(
        reverse("rectification:step_confirm", args=[case.pk, power.pk]),
        {"done_on": typed_day.isoformat(), "confirming_person": "张电工", "photos": not_an_image()},
    )

    assert response.status_code == 400
    errors = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert len(errors) == 1 and "“断电”" in errors[0]
    html = response.content.decode()
    assert input_value(html, f"id_step{power.pk}_done_on") == typed_day.isoformat()
    assert input_value(html, f"id_step{power.pk}_confirming_person") == "张电工"
    power.refresh_from_db()
    assert power.done_on is None and not power.photos.exists()


def test_the_api_names_the_step_of_a_refused_photo(area, client_for):
    case = in_progress_case(area)
    power = case.steps.get(name="断电")

    response = client_for(area["users"]["county"]).post(
        f"/api/cases/{case.pk}/steps/{power.pk}/confirm/",
        {"done_on": TODAY.isoformat(), "photos": not_an_image()},
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("“断电”")
    power.refresh_from_db()
    assert power.done_on is None


def test_several_photos_are_accepted_in_one_upload(area, client_for):
    from tests.factories.rectification import photo

    case = in_progress_case(area)
    water = case.steps.get(name="断水")
    response = client_for(area["users"]["clerk"]).post(
        reverse("rectification:step_photos", args=[case.pk, water.pk]),
        {"photos": [photo("一.png"), photo("二.png"), photo("三.png")]},
    )
    assert response.status_code == 302
    assert water.photos.count() == 3


def test_photo_inputs_open_the_camera_and_take_several(area, client_for):
    case = in_progress_case(area)
    html = (
        client_for(area["users"]["county"])
        .get(reverse("rectification:case_detail", args=[case.pk]))
        .content.decode()
    )
    assert html.count('accept="image/*" capture="environment" multiple') >= 2


def test_the_api_takes_several_photos_in_one_confirmation(area, client_for):
    from tests.factories.rectification import photo

    case = in_progress_case(area)
    power = case.steps.get(name="断电")
    response = client_for(area["users"]["county"]).post(
        f"/api/cases/{case.pk}/steps/{power.pk}/confirm/",
        {"done_on": TODAY.isoformat(), "photos": [photo("一.png"), photo("二.png")]},
    )
    assert response.status_code == 200, response.json()
    assert len(response.json()["photos"]) == 2
