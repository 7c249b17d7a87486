"""Tips left waiting are nudged once: the county office two days after intake, the assigned
office a week after assignment; an assignment itself notifies the assigned office."""

import datetime

import pytest
from django.utils import timezone

from inspections.models import TipState
from inspections.reminders import remind_waiting_tips
from inspections.services import assign_tip
from notices.models import Notification
from notices.tasks import run_daily_jobs
from tests.factories.inspections import TipFactory

pytestmark = pytest.mark.django_db


def test_assignment_notifies_the_members_of_the_assigned_office(
    area, django_capture_on_commit_callbacks
):
    tip = TipFactory(county=area["county_a"])
    with django_capture_on_commit_callbacks(execute=True):
        assign_tip(tip, by=area["users"]["county"], organisation=area["orgs"]["township_a1"])
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"clerk_a1", "head_a1"}


def test_an_unassigned_tip_reminds_the_county_office_once(area):
    received = timezone.now() - datetime.timedelta(days=3)
    tip = TipFactory(county=area["county_a"], received_at=received)
    TipFactory(county=area["county_a"])  # received today: not yet due
    assert remind_waiting_tips() == 1
    # a second run, as the daily task, sends nothing
    assert run_daily_jobs.delay().get()["sent"]["tip_reminders"] == 0
    notice = Notification.objects.get(kind="tip_unassigned")
    assert notice.recipient.username == "county_a"
    assert tip.receipt_number in notice.subject


def test_an_assigned_but_unverified_tip_reminds_the_assigned_office(area):
    TipFactory(
        county=area["county_a"],
        state=TipState.ASSIGNED,
        assigned_organisation=area["orgs"]["environment"],
        assigned_at=timezone.now() - datetime.timedelta(days=8),
    )
    assert remind_waiting_tips() == 1
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"officer_a"}
