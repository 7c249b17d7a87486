"""Two people acting on one submission at the same moment: exactly one wins, the other gets a
Chinese refusal and nothing is half-written. PostgreSQL only (SQLite locks the whole file)."""

import pytest

from reporting.models import Submission
from reporting.submissions import services
from tests.factories.reporting import PERIOD, submit_ledger

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_clerk_and_the_head_submitting_at_once_make_one_submission(area, run_together):
    users = area["users"]
    township = area["township_a1"]
    outcomes = run_together(
        lambda: services.submit_table(
            "ledger", township, PERIOD, by=users["clerk"], signed_by=users["head"]
        ),
        lambda: services.submit_table(
            "ledger", township, PERIOD, by=users["head"], signed_by=users["head"]
        ),
    )
    assert outcomes.count("done") == 1
    assert "已经报送" in next(outcome for outcome in outcomes if outcome != "done")
    assert Submission.objects.count() == 1


def test_accepting_and_returning_at_once_leaves_one_decision(area, run_together):
    submission = submit_ledger(area)
    county = area["users"]["county"]
    outcomes = run_together(
        lambda: services.accept_submission(Submission.objects.get(pk=submission.pk), by=county),
        lambda: services.return_submission(
            Submission.objects.get(pk=submission.pk), by=county, reason="重报"
        ),
    )
    assert outcomes.count("done") == 1
    assert "只有“已报送”的报表" in next(outcome for outcome in outcomes if outcome != "done")
    stored = Submission.objects.get(pk=submission.pk)
    winner = outcomes.index("done")
    assert stored.state == ["accepted", "returned"][winner]
    assert (stored.return_reason == "重报") == (winner == 1)


def test_two_resubmissions_at_once_make_one_new_version(area, run_together):
    users = area["users"]
    first = submit_ledger(area)
    services.return_submission(first, by=users["county"], reason="重报")
    outcomes = run_together(
        lambda: services.resubmit(
            Submission.objects.get(pk=first.pk), by=users["clerk"], signed_by=users["head"]
        ),
        lambda: services.resubmit(
            Submission.objects.get(pk=first.pk), by=users["head"], signed_by=users["head"]
        ),
    )
    assert outcomes.count("done") == 1
    assert Submission.objects.filter(version=2).count() == 1
