"""待办: each role's home page lists the work waiting for it, in its own area only, the most
urgent first, each item one tap from where it is done; /api/todo/ gives the same lists; the
number of queries does not grow with the data."""

import pytest
from django.urls import reverse

from inspections.models import TipState
from rectification import workflow
from rectification.models import CaseState
from reporting.periods import Period
from reporting.submissions import services
from tests.factories.inspections import TipFactory
from tests.factories.rectification import awaiting_case, in_progress_case
from tests.factories.worklists import TODAY, case_in, days, power_step, workload

pytestmark = pytest.mark.django_db


def home_lists(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {entry.key: entry for entry in response.context["lists"]}, response


def titles(entry):
    return [item.title for item in entry.items]


def test_clerk_sees_own_township_cases_to_carry_out_not_another_townships(area, client_for):
    own = case_in(area)
    case_in(area, township="township_a2")
    case_in(area, township="township_b1")
    lists, _ = home_lists(client_for(area["users"]["clerk"]))
    entry = lists["cases_to_carry_out"]
    assert entry.count == 1
    assert titles(entry) == [own.enterprise.name]
    assert entry.items[0].url == reverse("rectification:case_detail", args=[own.pk])


def test_carry_out_items_say_what_the_next_step_is(area, client_for, users):
    determined = case_in(area, state=CaseState.DETERMINED, due=20)
    lacking = case_in(area, due=15)
    power_step(lacking)
    failed = awaiting_case(area)
    workflow.fail_verification(
        failed,
        by=users["county"],
        note="断电不彻底",
        failed_steps=list(failed.steps.filter(name="断电")),
        new_deadline=days(5),
    )
    lists, _ = home_lists(client_for(users["clerk"]))
    badges = {item.title: (item.badge, item.detail) for item in lists["cases_to_carry_out"].items}
    assert badges[determined.enterprise.name][0] == "待开始整治"
    assert badges[lacking.enterprise.name][0] == "待补佐证"
    assert "1 个步骤缺完成日期" in badges[lacking.enterprise.name][1]
    assert "1 个步骤缺照片" in badges[lacking.enterprise.name][1]
    assert badges[failed.enterprise.name][0] == "验收不通过"


def test_items_come_overdue_first_then_due_soonest(area, client_for):
    later = case_in(area, due=30)
    overdue = case_in(area, due=-3)
    sooner = case_in(area, due=2)
    most_overdue = case_in(area, due=-10)
    lists, response = home_lists(client_for(area["users"]["clerk"]))
    entry = lists["cases_to_carry_out"]
    assert titles(entry) == [
        case.enterprise.name for case in (most_overdue, overdue, sooner, later)
    ]
    assert entry.items[0].overdue and entry.items[0].due_label == "逾期 10 天"
    # The list with overdue items comes before lists without.
    assert next(iter(response.context["lists"])).overdue


def test_deadlines_within_seven_days_are_listed_soonest_first(area, client_for):
    later = case_in(area, due=6)
    today = case_in(area, due=0)
    case_in(area, due=-1)  # overdue: it leads the cases to carry out instead
    case_in(area, due=8)
    case_in(area, state=CaseState.CLOSED, due=5, closed_on=TODAY)
    lists, _ = home_lists(client_for(area["users"]["clerk"]))
    entry = lists["cases_due_soon"]
    assert entry.count == 2
    assert titles(entry) == [today.enterprise.name, later.enterprise.name]
    assert entry.url == reverse("rectification:case_list") + "?due_within=7"


def test_power_company_sees_every_power_step_of_its_county(area, client_for):
    waiting = case_in(area, due=4)
    step = power_step(waiting)
    elsewhere_in_county = case_in(area, township="township_a2", due=9)
    power_step(elsewhere_in_county)
    power_step(case_in(area), done_on=TODAY)  # done already
    power_step(case_in(area, township="township_b1"))  # another county
    power_step(case_in(area, state=CaseState.DETERMINED))  # not being carried out yet
    lists, _ = home_lists(client_for(area["users"]["power_officer"]))
    entry = lists["steps_to_confirm"]
    assert entry.count == 2
    assert entry.items[0].url == (
        reverse("rectification:case_detail", args=[waiting.pk]) + f"#step-{step.pk}"
    )
    assert entry.items[0].title == f"断电 · {waiting.enterprise.name}"


def test_the_full_list_behind_the_power_steps_is_the_case_list_filtered(area, client_for):
    waiting = case_in(area, due=4)
    power_step(waiting)
    case_in(area, due=4)
    client = client_for(area["users"]["power_officer"])
    lists, _ = home_lists(client)
    response = client.get(lists["steps_to_confirm"].url)
    assert [case.pk for case in response.context["page"]] == [waiting.pk]


def test_county_office_sees_the_steps_no_department_unit_of_its_county_owns(area, client_for):
    # The test county has 生态环境局 and 供电公司 but no 水务, 工信 or 自然资源 unit.
    case = in_progress_case(area)
    power_step(case_in(area, township="township_b1"))  # another county, no unit either
    client = client_for(area["users"]["county"])
    lists, _ = home_lists(client)
    entry = lists["steps_for_county_office"]
    assert entry.count == 3
    assert [item.title.split(" · ")[0] for item in entry.items] == [
        "断水",
        "清设备",
        "恢复原状原貌",
    ]
    assert entry.items[0].url.startswith(reverse("rectification:case_detail", args=[case.pk]))
    response = client.get(entry.url)
    assert [listed.pk for listed in response.context["page"]] == [case.pk]


def test_environment_officer_has_no_power_steps_but_cases_to_determine(area, client_for):
    power_step(case_in(area))
    found = case_in(area, state=CaseState.FOUND)
    case_in(area, state=CaseState.FOUND, township="township_b1")
    lists, _ = home_lists(client_for(area["users"]["officer"]))
    assert lists["steps_to_confirm"].count == 0
    assert titles(lists["cases_to_determine"]) == [found.enterprise.name]
    assert "cases_to_carry_out" not in lists


def test_county_office_sees_verification_tips_and_submissions_of_its_county(area, client_for):
    users = area["users"]
    awaiting = case_in(area, state=CaseState.AWAITING_VERIFICATION, due=3)
    case_in(area, state=CaseState.AWAITING_VERIFICATION, township="township_b1")
    tip = TipFactory(county=area["county_a"], township=area["township_a1"])
    TipFactory(county=area["county_b"], township=area["township_b1"])
    submission = services.submit_table(
        "ledger", area["township_a1"], Period(2024, 3), by=users["clerk"], signed_by=users["head"]
    )
    lists, _ = home_lists(client_for(users["county"]))
    assert titles(lists["cases_to_verify"]) == [awaiting.enterprise.name]
    assert [item.url for item in lists["tips_to_assign"].items] == [
        reverse("inspections:tip_detail", args=[tip.pk])
    ]
    assert [item.url for item in lists["submissions_to_review"].items] == [
        reverse("reporting:submission_detail", args=[submission.pk])
    ]
    assert "overdue_units" in lists and "places_late" in lists and "spot_checks_open" in lists


def test_county_office_sees_townships_late_with_the_period_just_past(area, client_for):
    lists, _ = home_lists(client_for(area["users"]["county"]))
    late = lists["places_late"]
    previous = Period.from_date(TODAY).previous()
    # Both townships owe last month's ledger; its deadline (the 23rd) has passed.
    assert any(
        "甲一镇" in item.title and item.detail == previous.label and item.overdue
        for item in late.items
    )
    assert all("乙一镇" not in item.title for item in late.items)


def test_tips_assigned_to_the_township_are_on_the_clerks_home(area, client_for):
    orgs = area["orgs"]
    mine = TipFactory(
        county=area["county_a"],
        township=area["township_a1"],
        state=TipState.ASSIGNED,
        assigned_organisation=orgs["township_a1"],
        verify_due=days(2),
    )
    TipFactory(
        county=area["county_a"],
        township=area["township_a1"],
        state=TipState.ASSIGNED,
        assigned_organisation=orgs["environment"],
    )
    lists, _ = home_lists(client_for(area["users"]["clerk"]))
    entry = lists["tips_assigned"]
    assert [item.url for item in entry.items] == [reverse("inspections:tip_detail", args=[mine.pk])]
    assert entry.items[0].due == days(2)


def test_the_month_ledger_due_or_returned_is_on_the_township_home(area, client_for, users):
    previous = Period.from_date(TODAY).previous()
    submission = services.submit_table(
        "ledger", area["township_a1"], previous, by=users["clerk"], signed_by=users["head"]
    )
    services.return_submission(submission, by=users["county"], reason="缺少三组企业")
    clerk_lists, _ = home_lists(client_for(users["clerk"]))
    owed = clerk_lists["reports_owed"]
    returned = [item for item in owed.items if item.badge == "已退回"]
    assert len(returned) == 1 and "缺少三组企业" in returned[0].detail
    assert returned[0].url == reverse("reporting:submission_detail", args=[submission.pk])
    # The head, who signs, sees the same tables as 待签字报送.
    head_lists, _ = home_lists(client_for(users["head"]))
    assert head_lists["reports_to_sign"].count == owed.count
    assert "reports_owed" not in head_lists


def test_city_office_sees_county_submissions_to_review_and_counties_late(area, client_for, users):
    submission = services.submit_table(
        "survey_summary",
        area["county_a"],
        Period(2024, 3),
        by=users["county"],
        signed_by=users["county"],
    )
    lists, _ = home_lists(client_for(users["city"]))
    assert [item.url for item in lists["submissions_to_review"].items] == [
        reverse("reporting:submission_detail", args=[submission.pk])
    ]
    assert any("乙县" in item.title for item in lists["places_late"].items)
    assert "cases_to_verify" not in lists


def test_leader_sees_headline_figures_and_accountability_top_ten(area, client_for):
    case_in(area, due=-5)
    case_in(area, state=CaseState.CLOSED, due=-5, closed_on=TODAY)
    response = client_for(area["users"]["leader"]).get(reverse("home"))
    figures = {item.title: item.value for item in response.context["figures"][0].items}
    assert figures["整治案件"] == "2 件"
    assert figures["已销号"] == "1 件"
    assert figures["完成率"] == "50.0%"
    assert figures["逾期未销号"] == "1 件"
    top = {entry.key: entry for entry in response.context["lists"]}["accountability_top"]
    assert top.items[0].title == "1. 甲一镇政府"
    assert "逾期案件 1 件" in top.items[0].detail


def test_administrator_has_no_work_lists_but_the_region_tree(area, client_for):
    response = client_for(area["users"]["admin"]).get(reverse("home"))
    assert response.context["lists"] == [] and response.context["figures"] == []
    assert "下辖区域" in response.content.decode()


def test_the_api_gives_the_same_lists_as_the_home_page(area, client_for, api_for):
    case_in(area, due=-2)
    case_in(area, state=CaseState.AWAITING_VERIFICATION)
    TipFactory(county=area["county_a"], township=area["township_a1"])
    for role in ("clerk", "head", "power_officer", "county", "city", "leader"):
        user = area["users"][role]
        page = client_for(user).get(reverse("home")).context
        shown = [*page["figures"], *page["lists"]]
        data = api_for(user).get(reverse("todo")).json()["lists"]
        assert [(entry["key"], entry["count"]) for entry in data] == [
            (entry.key, entry.count) for entry in shown
        ]
        assert [[item["url"] for item in entry["items"]] for entry in data] == [
            [item.url for item in entry.items] for entry in shown
        ]


def test_the_home_page_shows_each_item_linking_to_its_page(area, client_for):
    case = case_in(area, due=-2)
    response = client_for(area["users"]["clerk"]).get(reverse("home"))
    html = response.content.decode()
    assert f'href="{reverse("rectification:case_detail", args=[case.pk])}"' in html
    assert "逾期 2 天" in html
    assert "查看全部" in html


# --- the number of queries does not grow with the data -------------------------------------

# Queries per role of /api/todo/: each list's count and slice (a status board: one per month;
# the leader: the figures' two and the accountability ledger's seven; the township and the
# county office two more for 用电异常预警待核查).
API_QUERIES = {
    "clerk": 10,
    "head": 10,
    "power_officer": 6,
    "county": 22,
    "city": 6,
    "leader": 9,
}
# The page adds the session, the user, the navigation and the bell's unread count.
HOME_QUERIES = {role: count + 5 for role, count in API_QUERIES.items()}


@pytest.mark.parametrize("role", sorted(HOME_QUERIES))
def test_home_page_queries_do_not_grow_with_the_data(
    role, area, client_for, django_assert_num_queries
):
    client = client_for(area["users"][role])
    workload(area, 1)
    with django_assert_num_queries(HOME_QUERIES[role]):
        assert client.get(reverse("home")).status_code == 200
    workload(area, 4)
    with django_assert_num_queries(HOME_QUERIES[role]):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("role", sorted(API_QUERIES))
def test_todo_api_queries_do_not_grow_with_the_data(role, area, api_for, django_assert_num_queries):
    client = api_for(area["users"][role])
    workload(area, 1)
    with django_assert_num_queries(API_QUERIES[role]):
        assert client.get(reverse("todo")).status_code == 200
    workload(area, 4)
    with django_assert_num_queries(API_QUERIES[role]):
        assert client.get(reverse("todo")).status_code == 200


def test_one_list_in_the_api_gives_more_items_and_404_for_another_roles(area, api_for):
    for due in range(8):
        case_in(area, due=due)
    client = api_for(area["users"]["clerk"])
    data = client.get(reverse("todo-list", args=["cases_to_carry_out"]), {"limit": 7}).json()
    assert data["count"] == 8 and len(data["items"]) == 7
    assert client.get(reverse("todo-list", args=["cases_to_verify"])).status_code == 404
