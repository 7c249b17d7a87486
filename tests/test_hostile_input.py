"""Hostile input neutralised at the boundary: control characters cleaned from every form and
API body, a body that is not a JSON object refused, and the smaller 500s of issue 14."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.parsers import CleaningParser
from accounts.cleaning import clean_text, is_api_view
from enterprises.models import Enterprise
from rectification.models import CaseState
from reporting.models import AccountabilityAction
from tests.factories.enterprises import EnterpriseFactory, credit_code, form_data
from tests.factories.rectification import CaseFactory, new_enterprise
from tests.test_enterprise_api import payload

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WORD_TEXT = "第一行\x0b第二行\r\n第三行\x00\x07\x1b\x7f\t完"
CLEANED = "第一行\n第二行\n第三行\t完"


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url_patterns(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern


def test_clean_text_keeps_line_breaks_and_tabs_and_drops_other_control_characters():
    assert clean_text(WORD_TEXT) == CLEANED
    assert clean_text("单独\r回车\x0c换页") == "单独\n回车\n换页"
    assert clean_text("普通文字") == "普通文字"
    assert clean_text(12) == 12


def test_every_api_view_reads_its_body_through_the_cleaning_parsers():
    api_views = [p for p in url_patterns() if is_api_view(p.callback)]
    assert len(api_views) > 20
    for pattern in api_views:
        for parser in pattern.callback.cls.parser_classes:
            assert issubclass(parser, CleaningParser), (pattern.pattern, parser)


def test_every_other_view_gets_its_post_data_through_the_cleaning_middleware():
    assert "accounts.cleaning.CleanInputMiddleware" in settings.MIDDLEWARE
    assert settings.MIDDLEWARE.index(
        "accounts.cleaning.CleanInputMiddleware"
    ) > settings.MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware")


def test_a_form_pasted_from_word_saves_clean_text(area, client_for):
    response = client_for(area["users"]["clerk"]).post(
        reverse("enterprises:create"),
        form_data(area["township_a1"], name="宏达\x0b铸造厂", polluting_note=WORD_TEXT),
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.name == "宏达 铸造厂"  # a name is one line: its breaks become spaces
    assert enterprise.polluting_note == CLEANED


def test_an_api_json_body_pasted_from_word_saves_clean_text(area):
    response = api_client(area["users"]["clerk"]).post(
        "/api/enterprises/",
        payload(area, name="宏达\x0b铸造厂\x01", scale=WORD_TEXT),
        format="json",
    )
    assert response.status_code == 201, response.data
    enterprise = Enterprise.objects.get()
    assert enterprise.name == "宏达 铸造厂"  # a name is one line: its breaks become spaces
    assert enterprise.scale == CLEANED


def action_data(area, **overrides):
    data = {
        "organisation": area["orgs"]["township_a2"].pk,
        "kind": "interview",
        "taken_on": timezone.localdate().isoformat(),
        "reason": "瞒报",
        "notice": SimpleUploadedFile("约谈通知.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_a_multipart_api_body_saves_clean_text(area):
    response = api_client(area["users"]["county"]).post(
        "/api/accountability-actions/", action_data(area, reason=WORD_TEXT, person="王\x0b某")
    )
    assert response.status_code == 201, response.data
    action = AccountabilityAction.objects.get()
    assert action.reason == CLEANED
    assert action.person == "王\n某"


@pytest.mark.parametrize("body", ["[1]", '"start"', "3", "null", "[]"])
def test_a_transition_body_that_is_not_a_json_object_is_a_400_in_chinese(area, body):
    case = CaseFactory(enterprise=new_enterprise(area), state=CaseState.DETERMINED)
    response = api_client(area["users"]["clerk"]).post(
        f"/api/cases/{case.pk}/start/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON 对象" in response.json()["detail"]
    case.refresh_from_db()
    assert case.state == CaseState.DETERMINED


def test_a_list_as_a_create_body_is_a_400_and_creates_nothing(area):
    response = api_client(area["users"]["clerk"]).post(
        "/api/enterprises/", [payload(area)], format="json"
    )
    assert response.status_code == 400
    assert "JSON 对象" in response.json()["detail"]
    assert not Enterprise.objects.exists()


def test_a_person_over_60_characters_is_a_400_and_leaves_no_file(area, stored_names):
    response = api_client(area["users"]["county"]).post(
        "/api/accountability-actions/", action_data(area, person="责" * 61)
    )
    assert response.status_code == 400
    assert "责任人不能超过 60 个字" in str(response.json())
    assert not AccountabilityAction.objects.exists()
    assert stored_names() == []


def test_a_person_over_60_characters_through_the_service_is_refused_before_the_file(
    area, stored_names
):
    from accounts.refusals import Refused
    from reporting.accountability.services import record_action

    with pytest.raises(Refused, match="责任人不能超过 60 个字"):
        record_action(
            area["orgs"]["township_a2"],
            by=area["users"]["county"],
            kind="interview",
            taken_on=timezone.localdate(),
            reason="瞒报",
            notice=SimpleUploadedFile("n.pdf", PDF),
            person="责" * 61,
        )
    assert stored_names() == []


def test_a_duplicate_credit_code_in_another_county_is_refused_without_naming_it(area):
    EnterpriseFactory(township=area["township_b1"], name="外县铸造厂", credit_code=credit_code(3))
    response = api_client(area["users"]["clerk"]).post(
        "/api/enterprises/",
        payload(area, credit_code=credit_code(3)),
        format="json",
    )
    body = str(response.json())
    assert response.status_code == 400
    assert "已由其他辖区登记" in body
    assert "外县铸造厂" not in body and "乙一镇" not in body
    assert response.json()["existing"] == {"name": None, "township": None, "id": None}
