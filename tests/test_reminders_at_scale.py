"""The daily reminder job at province scale: a pass costs the same number of queries whatever
the number of due cases, a second run sends nothing, a run that loses the race to a concurrent
one sends nothing either, and every notice reaches exactly the people the single-case rules name
(the responsible user, the unit's active members, the county office for escalations)."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notices.models import Notification, Reminder
from notices.notifications import MemberBook, Notice, notify_once_many
from rectification.models import CaseState
from rectification.reminders import send_due_reminders
from tests.factories.accounts import UserFactory
from tests.factories.rectification import CampaignFactory, CaseFactory, new_enterprise

TODAY = datetime.date(2024, 5, 10)
K = Notification.Kind

pytestmark = pytest.mark.django_db


def case_due(area, days, campaign, state=CaseState.IN_PROGRESS, **kwargs):
    kwargs.setdefault("responsible_unit", area["orgs"]["township_a1"])
    return CaseFactory(
        enterprise=new_enterprise(area),
        campaign=campaign,
        state=state,
        deadline=TODAY + datetime.timedelta(days=days),
        found_on=TODAY - datetime.timedelta(days=60),
        **kwargs,
    )


def add_due_cases(area, count):
    """`count` cases of each kind the job sends: 7, 3 and 1 days ahead, overdue, look-back."""
    campaign = CampaignFactory()
    for _ in range(count):
        for days in (7, 3, 1, -5):
            case_due(area, days, campaign, responsible_user=area["users"]["officer"])
        case_due(
            area,
            -200,
            campaign,
            state=CaseState.CLOSED,
            closed_on=TODAY - datetime.timedelta(days=180),
            look_back_due=TODAY - datetime.timedelta(days=2),
        )


class RolledBack(Exception):
    pass


def queries_of_a_first_pass():
    """How many queries a pass that sends everything runs (rolled back, to measure again)."""
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                sent = send_due_reminders(TODAY)
            raise RolledBack
    except RolledBack:
        pass
    return len(queries), sent


def recipients_of(case, kind):
    return {
        (notice.recipient.username, notice.organisation_id)
        for notice in Notification.objects.filter(
            reminder__key=f"case:{case.pk}", kind=kind
        ).select_related("recipient")
    }


def test_queries_of_a_pass_do_not_grow_with_the_number_of_due_cases(area):
    add_due_cases(area, 3)
    few_queries, few_sent = queries_of_a_first_pass()
    add_due_cases(area, 27)
    many_queries, many_sent = queries_of_a_first_pass()

    assert few_sent == {kind: 3 for kind in K.values[:5]}
    assert many_sent == {kind: 30 for kind in K.values[:5]}
    assert many_queries == few_queries


def test_second_run_the_same_day_creates_nothing(area):
    add_due_cases(area, 4)
    first = send_due_reminders(TODAY)
    notices, reminders = Notification.objects.count(), Reminder.objects.count()

    second = send_due_reminders(TODAY)

    assert sum(first.values()) == 20 and reminders == 20
    # 7/3/1 days: officer, the unit's clerk and head; overdue: the county office as well;
    # look-back (no responsible user): clerk, head and the county office
    assert notices == 12 * 3 + 4 * 4 + 4 * 3
    assert sum(second.values()) == 0
    assert Notification.objects.count() == notices
    assert Reminder.objects.count() == reminders


def test_run_that_loses_the_race_to_a_concurrent_one_sends_nothing(area):
    # The other run inserted the reminder between this run's read and its insert.
    Reminder.objects.create(key="case:1", kind=K.OVERDUE, due_date=TODAY)
    people = MemberBook().expand([area["users"]["officer"].pk], [])
    lost = Notice("case:1", K.OVERDUE, TODAY, people, "【逾期督办】")
    won = Notice("case:2", K.OVERDUE, TODAY, people, "【逾期督办】")

    assert notify_once_many([lost, won, won]) == [won]
    assert Notification.objects.count() == 1
    assert Notification.objects.get().reminder.key == "case:2"


def test_recipients_are_the_responsible_user_the_unit_members_and_the_county_office(area):
    users, orgs = area["users"], area["orgs"]
    UserFactory(username="retired_a1", organisation=orgs["township_a1"], is_active=False)
    campaign = CampaignFactory()
    reminded = case_due(area, 3, campaign, responsible_user=users["officer"])
    overdue = case_due(area, -1, campaign, responsible_user=users["officer"])
    # the responsible user is also a member of the unit: one notice, as the person in charge
    own_unit = case_due(area, 7, campaign, responsible_user=users["clerk"])

    send_due_reminders(TODAY)

    unit, county = orgs["township_a1"].pk, orgs["county_office"].pk
    assert recipients_of(reminded, K.DUE_IN_3) == {
        ("officer_a", None),
        ("clerk_a1", unit),
        ("head_a1", unit),
    }
    assert recipients_of(overdue, K.OVERDUE) == {
        ("officer_a", None),
        ("clerk_a1", unit),
        ("head_a1", unit),
        ("county_a", county),
    }
    assert recipients_of(own_unit, K.DUE_IN_7) == {("clerk_a1", None), ("head_a1", unit)}


def test_inactive_responsible_user_and_case_without_unit_reach_only_the_county_office(area):
    users = area["users"]
    users["officer"].is_active = False
    users["officer"].save(update_fields=["is_active"])
    case = case_due(
        area, -1, CampaignFactory(), responsible_user=users["officer"], responsible_unit=None
    )

    send_due_reminders(TODAY)

    assert recipients_of(case, K.OVERDUE) == {("county_a", area["orgs"]["county_office"].pk)}
    notice = Notification.objects.get()
    assert notice.body == (
        f"案件 {case.number}（{case.enterprise.name}）的整治期限 2024-05-09 已过，"
        "仍为“整治中”。责任单位：未指定，分包责任人：未指定。已抄送县整治办督办。"
    )
    assert notice.subject == f"【逾期督办】{case.enterprise.name} 已超过整治期限"
    assert notice.link == f"/cases/{case.pk}/"


def test_texts_with_tabs_backslashes_and_line_breaks_arrive_unchanged(area):
    name = "甲一镇\\旧厂\t二车间\n（原名）"
    case = CaseFactory(
        enterprise=new_enterprise(area, name=name),
        campaign=CampaignFactory(),
        state=CaseState.IN_PROGRESS,
        deadline=TODAY - datetime.timedelta(days=1),
        found_on=TODAY - datetime.timedelta(days=60),
        responsible_person="王\\分包",
    )

    send_due_reminders(TODAY)

    notice = Notification.objects.filter(reminder__key=f"case:{case.pk}").first()
    assert notice.subject == f"【逾期督办】{name} 已超过整治期限"
    assert "分包责任人：王\\分包。" in notice.body
