"""Two people acting on one submission at the same moment: exactly one wins, the other gets a
Chinese refusal and nothing is half-written. PostgreSQL only (SQLite locks the whole file)."""

import threading

import pytest
from django.db import connection, connections

from accounts.refusals import Refused
from reporting import services
from reporting.models import Submission
from tests.factories.reporting import PERIOD, submit_ledger

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite 锁整个数据库文件，无法演示两个并发事务争用同一行；该测试只在 PostgreSQL 上运行。",
    ),
]


def run_together(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "done"
        except Refused as refusal:
            outcomes[index] = refusal.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_the_clerk_and_the_head_submitting_at_once_make_one_submission(area):
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


def test_accepting_and_returning_at_once_leaves_one_decision(area):
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


def test_two_resubmissions_at_once_make_one_new_version(area):
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
