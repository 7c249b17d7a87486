"""已办: what the user did in the last 30 days — case records, step confirmations, 催办,
tips, inspections and submissions — newest first, on a page and at /api/done/; nobody
else's, nothing older."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.services import assign_tip
from rectification import workflow
from rectification.models import CaseEvent
from rectification.urging import urge_unit
from reporting.periods import Period
from reporting.submissions import services
from tests.factories.inspections import TipFactory
from tests.factories.rectification import in_progress_case, photo
from tests.factories.worklists import case_in

pytestmark = pytest.mark.django_db


def test_done_lists_the_users_own_work_of_the_last_thirty_days(area, client_for, users):
    case = in_progress_case(area)  # proposed and started by the clerk, determined by the county
    step = case.steps.first()
    workflow.add_step_photos(step, by=users["clerk"], photos=[photo()])
    services.submit_table(
        "ledger", area["township_a1"], Period(2024, 3), by=users["clerk"], signed_by=users["head"]
    )
    old = CaseEvent.objects.filter(case=case, action=CaseEvent.Action.PROPOSE)
    old.update(created_at=timezone.now() - datetime.timedelta(days=31))
    response = client_for(users["clerk"]).get(reverse("accounts:done"))
    titles = [item.title for item in response.context["items"]]
    assert titles[0].startswith("报送 · 甲一镇")
    assert f"上传佐证 · {case.enterprise.name}" in titles
    assert f"开始整治 · {case.enterprise.name}" in titles
    assert f"排查上报 · {case.enterprise.name}" not in titles  # 31 days ago
    assert f"认定 · {case.enterprise.name}" not in titles  # the county's
    times = [item.at for item in response.context["items"]]
    assert times == sorted(times, reverse=True)


def test_done_of_the_county_office_has_its_tip_assignments_and_decisions(area, api_for, users):
    tip = TipFactory(county=area["county_a"], township=area["township_a1"])
    assign_tip(tip, by=users["county"], organisation=area["orgs"]["township_a1"])
    submission = services.submit_table(
        "ledger", area["township_a1"], Period(2024, 3), by=users["clerk"], signed_by=users["head"]
    )
    services.accept_submission(submission, by=users["county"])
    items = api_for(users["county"]).get(reverse("done")).json()["items"]
    kinds = {(item["kind"], item["title"].split(" · ")[0]) for item in items}
    assert ("举报办理", "交办") in kinds
    assert ("报表审核", "接收") in kinds
    assert all(item["url"] for item in items)
    clerk_items = api_for(users["clerk"]).get(reverse("done")).json()["items"]
    assert [item["kind"] for item in clerk_items] == ["报表报送"]


def test_done_queries_do_not_grow_with_the_data(area, api_for, users, django_assert_num_queries):
    client = api_for(users["clerk"])
    in_progress_case(area)
    with django_assert_num_queries(5):
        assert client.get(reverse("done")).status_code == 200
    in_progress_case(area)
    in_progress_case(area)
    with django_assert_num_queries(5):
        assert client.get(reverse("done")).status_code == 200


def test_an_urging_is_one_item_done_however_many_cases_it_named(area, api_for, users):
    case_in(area, due=-3)
    case_in(area, due=-4)
    urge_unit(area["orgs"]["township_a1"], by=users["county"])
    items = api_for(users["county"]).get(reverse("done")).json()["items"]
    assert [(item["kind"], item["title"]) for item in items] == [("催办", "催办 · 甲一镇政府")]
    assert items[0]["detail"] == "逾期案件 2 件"
