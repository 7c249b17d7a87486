"""Reminder digests: in the daily run, reminders that would reach one person many times on one
day arrive as one notice per kind ("今日逾期督办：3 件") linking to the filtered list — in the
app and by e-mail — while each reminder is still recorded once; a person reached once gets the
reminder itself. Also: the daily run leaves every demo user a notice (the bell works at once)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from notices import jobs
from notices.models import Notification, Reminder
from rectification.models import CaseState
from tests.factories.inspections import TipFactory
from tests.factories.rectification import CampaignFactory, CaseFactory, new_enterprise

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 5, 10)
K = Notification.Kind


def overdue_case(area, campaign, **kwargs):
    kwargs.setdefault("responsible_unit", area["orgs"]["township_a1"])
    return CaseFactory(
        enterprise=new_enterprise(area),
        campaign=campaign,
        state=CaseState.IN_PROGRESS,
        deadline=TODAY - datetime.timedelta(days=3),
        found_on=TODAY - datetime.timedelta(days=60),
        **kwargs,
    )


def notices_of(username):
    return list(
        Notification.objects.filter(recipient__username=username).order_by("kind", "subject")
    )


def test_three_overdue_cases_reach_the_county_office_as_one_digest(area):
    campaign = CampaignFactory()
    for _ in range(3):
        overdue_case(area, campaign)

    jobs.run(TODAY, names=["case_reminders"])

    (digest,) = notices_of("county_a")
    assert digest.kind == K.OVERDUE
    assert digest.subject == "今日逾期督办：3 件"
    assert digest.link == "/cases/?overdue=true"
    assert {n.subject for n in notices_of("clerk_a1")} == {"今日逾期督办：3 件"}
    # Every case's reminder is still on the ledger: nothing is sent twice tomorrow.
    assert Reminder.objects.filter(kind=K.OVERDUE).count() == 3


def test_a_person_reached_once_gets_the_reminder_itself(area):
    campaign = CampaignFactory()
    overdue_case(area, campaign, responsible_user=area["users"]["officer"])
    overdue_case(area, campaign)

    jobs.run(TODAY, names=["case_reminders"])

    (own,) = notices_of("officer_a")
    assert own.subject.startswith("【逾期督办】") and own.link.startswith("/cases/")
    assert notices_of("county_a")[0].subject == "今日逾期督办：2 件"


def test_each_kind_has_its_own_digest(area):
    campaign = CampaignFactory()
    for days in (-3, -3, 3, 3, 3):
        CaseFactory(
            enterprise=new_enterprise(area),
            campaign=campaign,
            state=CaseState.IN_PROGRESS,
            deadline=TODAY + datetime.timedelta(days=days),
            found_on=TODAY - datetime.timedelta(days=60),
            responsible_unit=area["orgs"]["township_a1"],
        )

    jobs.run(TODAY, names=["case_reminders"])

    assert [(n.subject, n.link) for n in notices_of("clerk_a1")] == [
        ("今日整治期限3天提醒：3 件", "/cases/?due_within=3"),
        ("今日逾期督办：2 件", "/cases/?overdue=true"),
    ]


def test_the_digest_goes_out_by_email_once(area, django_capture_on_commit_callbacks):
    county = area["users"]["county"]
    county.email = "county@example.cn"
    county.save(update_fields=["email"])
    campaign = CampaignFactory()
    for _ in range(4):
        overdue_case(area, campaign)

    with django_capture_on_commit_callbacks(execute=True):
        jobs.run(TODAY, names=["case_reminders"])

    (message,) = [m for m in mail.outbox if m.to == ["county@example.cn"]]
    assert message.subject == "今日逾期督办：4 件"
    assert "/cases/?overdue=true" in message.body


def test_a_second_run_the_same_day_adds_nothing(area):
    campaign = CampaignFactory()
    for _ in range(3):
        overdue_case(area, campaign)
    jobs.run(TODAY)
    count = Notification.objects.count()

    jobs.run(TODAY)

    assert Notification.objects.count() == count


def test_tips_waiting_for_assignment_are_digested_too(area):
    received = timezone.make_aware(datetime.datetime(2024, 5, 1, 9, 0))
    for _ in range(2):
        TipFactory(county=area["county_a"], received_at=received)

    jobs.run(TODAY, names=["tip_reminders"])

    (digest,) = notices_of("county_a")
    assert digest.subject == "今日举报超期未交办：2 件"
    assert digest.link == "/inspections/tips/?state=received"


def test_the_filtered_list_a_digest_links_to_shows_those_cases(area, client_for):
    campaign = CampaignFactory()
    today = timezone.localdate()
    late = CaseFactory(
        enterprise=new_enterprise(area, name="逾期甲厂"),
        campaign=campaign,
        state=CaseState.IN_PROGRESS,
        deadline=today - datetime.timedelta(days=2),
    )
    soon = CaseFactory(
        enterprise=new_enterprise(area, name="将到期乙厂"),
        campaign=campaign,
        state=CaseState.IN_PROGRESS,
        deadline=today + datetime.timedelta(days=3),
    )
    client = client_for(area["users"]["county"])

    overdue = client.get("/cases/?overdue=true").content.decode()
    due = client.get("/cases/?due_within=3").content.decode()

    assert late.enterprise.name in overdue and soon.enterprise.name not in overdue
    assert soon.enterprise.name in due and late.enterprise.name not in due


def test_after_seeding_and_one_reminder_run_every_demo_user_has_a_notice():
    call_command("seed_demo", size=20, stdout=io.StringIO())
    call_command("send_reminders", stdout=io.StringIO())

    without = User.objects.filter(notifications__isnull=True).values_list("username", flat=True)
    assert list(without) == []
