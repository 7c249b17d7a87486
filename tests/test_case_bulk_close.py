"""Bulk 验收销号: the county office closes many 待验收 cases with one note, from the case list
and through the API, each by close_case's own rule — all closed, or none and the refused case
named; a case outside the user's area answers 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.refusals import Refused
from rectification import workflow
from rectification.models import Case, CaseEvent, CaseState, EvidencePhoto
from tests.factories.rectification import (
    CaseFactory,
    awaiting_case,
    in_progress_case,
    new_enterprise,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def awaiting_in_county_b(area):
    return CaseFactory(
        enterprise=new_enterprise(area, "township_b1"),
        number="110102-2024-0901",
        state=CaseState.AWAITING_VERIFICATION,
    )


def states(*cases):
    return [Case.objects.get(pk=case.pk).state for case in cases]


def test_county_closes_several_awaiting_cases_with_one_note(area):
    first, second = awaiting_case(area), awaiting_case(area)
    closed = workflow.close_cases([first, second], by=area["users"]["county"], note="集中验收合格")
    assert [case.pk for case in closed] == sorted([first.pk, second.pk])
    for case in (first, second):
        stored = Case.objects.get(pk=case.pk)
        assert stored.state == CaseState.CLOSED
        assert stored.closed_on == TODAY
        assert stored.look_back_due is not None
        event = stored.events.get(action=CaseEvent.Action.CLOSE)
        assert event.comment == "集中验收合格"
        assert event.actor == area["users"]["county"]


def test_one_case_missing_evidence_closes_none_and_is_named(area):
    ready = awaiting_case(area)
    lacking = awaiting_case(area)
    EvidencePhoto.objects.filter(step__case=lacking).delete()
    with pytest.raises(Refused) as error:
        workflow.close_cases([ready, lacking], by=area["users"]["county"], note="验收")
    message = error.value.message
    assert message.startswith(f"{lacking.number}：以下步骤尚未完成或缺少佐证照片：")
    assert message.endswith("，未销号任何案件。")
    assert states(ready, lacking) == [CaseState.AWAITING_VERIFICATION] * 2
    assert not CaseEvent.objects.filter(action=CaseEvent.Action.CLOSE).exists()


def test_a_case_not_awaiting_verification_closes_none(area):
    ready = awaiting_case(area)
    working = in_progress_case(area)
    with pytest.raises(Refused) as error:
        workflow.close_cases([ready, working], by=area["users"]["county"])
    assert error.value.message == (
        f"{working.number}：案件当前状态为“整治中”，不能验收销号，未销号任何案件。"
    )
    assert states(ready, working) == [CaseState.AWAITING_VERIFICATION, CaseState.IN_PROGRESS]


@pytest.mark.parametrize("role", ["clerk", "officer", "leader"])
def test_only_the_county_office_closes_in_bulk(area, role):
    case = awaiting_case(area)
    with pytest.raises(Refused):
        workflow.close_cases([case], by=area["users"][role])
    assert states(case) == [CaseState.AWAITING_VERIFICATION]


def test_closing_nothing_is_refused(area):
    with pytest.raises(Refused, match="请勾选要验收销号的案件"):
        workflow.close_cases([], by=area["users"]["county"])


# --- the case list ---------------------------------------------------------------------------


def test_county_list_offers_a_checkbox_only_on_awaiting_cases(area, client_for):
    ready, working = awaiting_case(area), in_progress_case(area)
    body = client_for(area["users"]["county"]).get(reverse("rectification:case_list")).content
    body = body.decode()
    assert f'id="select-case-{ready.pk}"' in body
    assert f'id="select-case-{working.pk}"' not in body
    assert 'id="bulk-close-form"' in body


def test_the_list_with_checkboxes_runs_the_same_queries_at_two_sizes(
    area, client_for, django_assert_num_queries
):
    client = client_for(area["users"]["county"])
    url = reverse("rectification:case_list")
    for _ in range(3):
        CaseFactory(enterprise=new_enterprise(area), state=CaseState.AWAITING_VERIFICATION)
    with django_assert_num_queries(10) as small:
        client.get(url)
    for _ in range(27):
        CaseFactory(enterprise=new_enterprise(area), state=CaseState.AWAITING_VERIFICATION)
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count('id="select-case-') == 30  # the table's boxes
    assert body.count('id="card-select-case-') == 30  # and the phone's cards


@pytest.mark.parametrize("role", ["clerk", "leader"])
def test_list_offers_no_bulk_close_to_other_roles(area, client_for, role):
    awaiting_case(area)
    body = client_for(area["users"][role]).get(reverse("rectification:case_list")).content
    assert b"bulk-close-form" not in body


def test_county_closes_ticked_cases_from_the_list(area, client_for):
    first, second, untouched = awaiting_case(area), awaiting_case(area), awaiting_case(area)
    client = client_for(area["users"]["county"])
    response = client.post(
        reverse("rectification:case_bulk_close"),
        {"cases": [first.pk, second.pk], "note": "集中验收合格", "next": "/cases/?state=closed"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/cases/?state=closed"
    body = response.content.decode()
    assert "已验收销号 2 件案件" in body and first.number in body and second.number in body
    assert states(first, second, untouched) == [
        CaseState.CLOSED,
        CaseState.CLOSED,
        CaseState.AWAITING_VERIFICATION,
    ]


def test_refusal_on_the_list_names_the_case_and_closes_none(area, client_for):
    ready, working = awaiting_case(area), in_progress_case(area)
    response = client_for(area["users"]["county"]).post(
        reverse("rectification:case_bulk_close"),
        {"cases": [ready.pk, working.pk], "note": ""},
        follow=True,
    )
    body = response.content.decode()
    assert f"{working.number}：案件当前状态为“整治中”，不能验收销号，未销号任何案件。" in body
    assert states(ready, working) == [CaseState.AWAITING_VERIFICATION, CaseState.IN_PROGRESS]


def test_a_case_outside_the_area_answers_404_and_closes_none(area, client_for):
    mine = awaiting_case(area)
    elsewhere = awaiting_in_county_b(area)
    response = client_for(area["users"]["county"]).post(
        reverse("rectification:case_bulk_close"), {"cases": [mine.pk, elsewhere.pk]}
    )
    assert response.status_code == 404
    assert states(mine, elsewhere) == [CaseState.AWAITING_VERIFICATION] * 2


def test_an_unsafe_next_address_returns_to_the_list(area, client_for):
    case = awaiting_case(area)
    response = client_for(area["users"]["county"]).post(
        reverse("rectification:case_bulk_close"),
        {"cases": [case.pk], "next": "https://example.com/"},
    )
    assert response.status_code == 302 and response["Location"] == "/cases/"


# --- the API ---------------------------------------------------------------------------------


def test_county_closes_in_bulk_through_the_api(area, client_for):
    first, second = awaiting_case(area), awaiting_case(area)
    response = client_for(area["users"]["county"]).post(
        "/api/cases/bulk-close/",
        {"cases": [first.pk, second.pk], "note": "集中验收合格"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert sorted(row["id"] for row in data) == sorted([first.pk, second.pk])
    assert {row["state"] for row in data} == {"closed"}
    assert states(first, second) == [CaseState.CLOSED] * 2


def test_api_refusal_is_a_400_on_cases_naming_the_case(area, client_for):
    ready = awaiting_case(area)
    lacking = awaiting_case(area)
    EvidencePhoto.objects.filter(step__case=lacking).delete()
    response = client_for(area["users"]["county"]).post(
        "/api/cases/bulk-close/",
        {"cases": [ready.pk, lacking.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    data = response.json()
    assert data["detail"].startswith(f"{lacking.number}：以下步骤尚未完成")
    assert data["cases"] == [data["detail"]]
    assert states(ready, lacking) == [CaseState.AWAITING_VERIFICATION] * 2


def test_api_case_outside_the_area_is_404(area, client_for):
    elsewhere = awaiting_in_county_b(area)
    response = client_for(area["users"]["county"]).post(
        "/api/cases/bulk-close/", {"cases": [elsewhere.pk]}, content_type="application/json"
    )
    assert response.status_code == 404
    assert states(elsewhere) == [CaseState.AWAITING_VERIFICATION]


@pytest.mark.parametrize(
    "cases, message",
    [
        ("12", "cases 必须是案件 id 的列表。"),
        (["x"], "cases 必须是案件 id 的列表。"),
        ([], "请勾选要验收销号的案件。"),
    ],
)
def test_api_malformed_case_list_is_refused_in_chinese(area, client_for, cases, message):
    response = client_for(area["users"]["county"]).post(
        "/api/cases/bulk-close/", {"cases": cases}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["cases"] == [message]


def test_api_leader_cannot_close_in_bulk(area, client_for):
    case = awaiting_case(area)
    response = client_for(area["users"]["leader"]).post(
        "/api/cases/bulk-close/", {"cases": [case.pk]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "局领导账号为只读，不能办理案件。"
    assert states(case) == [CaseState.AWAITING_VERIFICATION]
