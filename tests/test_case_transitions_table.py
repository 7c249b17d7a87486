"""The transitions table is the workflow: every transition in it can be taken from the case
page and from the API, through the same form and service, and both refuse with the same words."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from rectification import workflow
from rectification.models import Case, CaseEvent, CaseState
from rectification.workflow import CASE_TRANSITIONS, TRANSITIONS
from tests.factories.rectification import (
    CampaignFactory,
    awaiting_case,
    closed_case,
    complete_all_steps,
    determined_case,
    found_case,
    in_progress_case,
    new_enterprise,
)

TODAY = timezone.localdate()


def ready_case(area):
    return complete_all_steps(in_progress_case(area), area["users"]["county"])


def quasi_case(area):
    return workflow.flag_quasi(in_progress_case(area), by=area["users"]["county"], note="原址复产")


# A case each transition can be taken on, and the input its form needs.
READY = {
    "determine": found_case,
    "start": determined_case,
    "submit": ready_case,
    "fail_verification": awaiting_case,
    "close": awaiting_case,
    "reopen": closed_case,
    "shortfall": in_progress_case,
    "flag_quasi": in_progress_case,
    "extend": determined_case,
}
# A case each transition must refuse (the wrong state, or already flagged).
REFUSING = {
    "determine": determined_case,
    "shortfall": closed_case,
    "flag_quasi": quasi_case,
}


def valid_input(key, area, case=None):
    county = area["users"]["county"]
    steps = list(case.steps.values_list("pk", flat=True)[:1]) if case is not None else []
    return {
        "determine": {
            "disposal": "shutdown",
            "requirement": "demolish",
            "measures": "依法关停，两断三清一恢复",
            "responsible_unit": area["orgs"]["township_a1"].pk,
            "responsible_person": "王分包",
            "deadline": (TODAY + datetime.timedelta(days=30)).isoformat(),
        },
        "fail_verification": {"note": "设备未拆除", "working_days": 5, "failed_steps": steps},
        "extend": {
            "new_deadline": (TODAY + datetime.timedelta(days=90)).isoformat(),
            "reason": "设备拆除需协调供电公司",
            "approver": county.pk,
        },
    }.get(key, {"note": "现场核实"})


def page_url(case, transition):
    return reverse("rectification:case_action", args=[case.pk, transition.key])


def api_url(case, transition):
    return f"/api/cases/{case.pk}/{transition.url_path}/"


def page_errors(response):
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def assert_taken(case, transition, events_before):
    case.refresh_from_db()
    if transition.changes_state:
        assert case.state == transition.to_state
    assert case.events.count() == events_before + 1
    assert case.events.order_by("-id").first().action == transition.event


def test_table_covers_every_timeline_action_a_user_takes():
    # 按台账建档 opens a case from an imported ledger (workflow.establish_from_ledger): it has
    # no state to move from, so it is not a transition of the table. 催办 chases a unit about
    # all its overdue cases at once (rectification/urging.py) and moves none of them.
    not_transitions = {"confirm_step", "add_photo", "establish", "urge"}
    taken_by_users = set(CaseEvent.Action.values) - not_transitions
    assert {transition.event for transition in TRANSITIONS.values()} == taken_by_users


@pytest.mark.parametrize("key", sorted(CASE_TRANSITIONS))
def test_each_transition_is_taken_from_the_case_page(key, area, client_for):
    transition = CASE_TRANSITIONS[key]
    case = READY[key](area)
    client = client_for(area["users"]["county"])
    page = client.get(reverse("rectification:case_detail", args=[case.pk])).content.decode()
    assert f'id="form-{key}"' in page
    assert transition.button_label in page
    events_before = case.events.count()

    response = client.post(page_url(case, transition), valid_input(key, area, case))

    assert response.status_code == 302
    assert page_errors(response) == []
    assert_taken(case, transition, events_before)


@pytest.mark.parametrize("key", sorted(CASE_TRANSITIONS))
def test_each_transition_is_taken_through_the_api(key, area, client_for):
    transition = CASE_TRANSITIONS[key]
    case = READY[key](area)
    events_before = case.events.count()

    response = client_for(area["users"]["county"]).post(
        api_url(case, transition), valid_input(key, area, case), content_type="application/json"
    )

    assert response.status_code == 200, response.content.decode()
    assert response.json()["state"] == Case.objects.get(pk=case.pk).state
    assert_taken(case, transition, events_before)


@pytest.mark.parametrize("key", sorted(CASE_TRANSITIONS))
def test_page_and_api_refuse_a_transition_with_the_same_words(key, area, client_for):
    transition = CASE_TRANSITIONS[key]
    on_page, on_api = REFUSING.get(key, found_case)(area), REFUSING.get(key, found_case)(area)
    client = client_for(area["users"]["county"])
    before = [(case.state, case.events.count(), case.version) for case in (on_page, on_api)]

    page = client.post(page_url(on_page, transition), valid_input(key, area, on_page))
    api = client.post(
        api_url(on_api, transition), valid_input(key, area, on_api), content_type="application/json"
    )

    assert api.status_code == 400
    assert page_errors(page) == [api.json()["detail"]]
    assert api.json()["detail"].endswith("。")
    for case, (state, events, version) in zip((on_page, on_api), before, strict=True):
        case.refresh_from_db()
        assert (case.state, case.events.count(), case.version) == (state, events, version)


@pytest.mark.parametrize("key", sorted(CASE_TRANSITIONS))
def test_page_and_api_refuse_a_role_the_table_does_not_name(key, area, client_for):
    transition = CASE_TRANSITIONS[key]
    # The first working user the table leaves out; the read-only leader where it names them all.
    outsider = next(
        (
            area["users"][name]
            for name in ("clerk", "officer", "city")
            if not area["users"][name].has_role(*transition.roles)
        ),
        area["users"]["leader"],
    )
    on_page, on_api = READY[key](area), READY[key](area)
    client = client_for(outsider)

    page = client.post(page_url(on_page, transition), valid_input(key, area, on_page))
    api = client.post(
        api_url(on_api, transition), valid_input(key, area, on_api), content_type="application/json"
    )

    if page.status_code == 404:
        # Outside the user's area the case does not exist for them, on either side.
        assert api.status_code == 404
        return
    assert api.status_code == 400
    assert page_errors(page) == [api.json()["detail"]]


def test_invalid_input_is_refused_alike_by_page_and_api(area, client_for):
    transition = CASE_TRANSITIONS["extend"]
    on_page, on_api = determined_case(area), determined_case(area)
    client = client_for(area["users"]["county"])
    bad = {"reason": "", "new_deadline": "明天"}

    page = client.post(page_url(on_page, transition), bad)
    api = client.post(api_url(on_api, transition), bad, content_type="application/json")

    assert api.status_code == 400
    assert page_errors(page) == [api.json()["detail"]]
    assert "延期理由" in api.json()["detail"]


def test_propose_is_taken_from_the_page_and_the_api_with_the_same_refusal(area, client_for):
    propose = TRANSITIONS["propose"]
    campaign = CampaignFactory()
    client = client_for(area["users"]["clerk"])
    first, second = new_enterprise(area), new_enterprise(area)

    def propose_on_both(on_page, through_api):
        page = client.post(
            reverse("rectification:case_propose"),
            {"enterprise": on_page.pk, "campaign": campaign.pk},
        )
        api = client.post(
            "/api/cases/",
            {"enterprise": through_api.pk, "campaign": campaign.pk},
            content_type="application/json",
        )
        return page, api

    page, api = propose_on_both(first, second)
    assert page.status_code == 302 and api.status_code == 201
    for enterprise in (first, second):
        case = Case.objects.get(enterprise=enterprise)
        assert case.state == propose.to_state == CaseState.FOUND
        assert case.events.get().action == propose.event

    again_page, again_api = propose_on_both(first, first)
    assert again_api.status_code == 400
    assert again_api.json()["detail"] in again_page.content.decode()
    assert Case.objects.filter(enterprise=first).count() == 1


def test_an_action_outside_the_table_is_not_found(area, client_for):
    case = found_case(area)
    client = client_for(area["users"]["county"])
    assert client.post(f"/cases/{case.pk}/delete/").status_code == 404
    assert client.post(f"/api/cases/{case.pk}/delete/").status_code == 404
