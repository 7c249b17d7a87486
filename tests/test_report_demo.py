"""The reporting demo: accepted, late, missing, returned-and-resubmitted submissions, made once."""

import pytest
from django.core.management import call_command

from reporting.models import Submission
from reporting.periods import Period

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_realistic_submission_history_once(capsys):
    call_command("seed_demo", size=40)
    first = Submission.objects.count()
    call_command("seed_demo", size=40)
    assert Submission.objects.count() == first

    latest = Period.current().previous()
    ledgers = Submission.objects.filter(table_key="ledger", period=latest.start)
    assert ledgers.filter(state=Submission.State.ACCEPTED).exists()
    returned = ledgers.get(state=Submission.State.RETURNED)
    assert returned.return_reason and Submission.objects.filter(previous=returned).exists()
    # Three of the eleven townships have not filed the latest ledger.
    assert ledgers.values("region").distinct().count() == 8
    earlier = Submission.objects.filter(table_key="ledger", period=latest.previous().start)
    assert sum(1 for submission in earlier if submission.is_late) == 2
    survey = Submission.objects.filter(table_key="survey_summary", period=latest.start)
    assert [s.state for s in survey.order_by("version")] == ["returned", "submitted"]
    assert all(s.verification_code for s in Submission.objects.all())


def test_seed_demo_files_the_countys_monthly_report_and_tracking_ledger():
    call_command("seed_demo", size=40)
    latest = Period.current().previous()
    earlier = latest.previous()
    monthly = Submission.objects.filter(table_key="monthly_report")
    assert monthly.filter(period=earlier.start, state=Submission.State.ACCEPTED).count() == 1
    assert monthly.filter(period=latest.start, state=Submission.State.SUBMITTED).count() == 1
    assert not Submission.objects.filter(table_key="cleanup_summary", period=latest.start).exists()
    snapshot = monthly.get(period=earlier.start).snapshot
    assert snapshot["columns"][-1]["label"] == "新发现" and len(snapshot["rows"]) == 1
