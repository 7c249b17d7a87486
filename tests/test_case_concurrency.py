"""Two people acting on one case at the same moment: neither's work is silently lost. One
wins, the other is refused with a Chinese message (row lock + version check); two overlapping
bulk closures close each case once. PostgreSQL only."""

import datetime

import pytest

from rectification import workflow
from rectification.models import Case, CaseEvent, DeadlineExtension
from tests.factories.rectification import awaiting_case, determined_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_extensions_cannot_both_apply(area, run_together):
    case = determined_case(area)
    county, clerk = area["users"]["county"], area["users"]["clerk"]
    first = Case.objects.get(pk=case.pk)
    second = Case.objects.get(pk=case.pk)
    dates = [
        case.deadline + datetime.timedelta(days=10),
        case.deadline + datetime.timedelta(days=20),
    ]

    outcomes = run_together(
        lambda: workflow.extend_deadline(
            first, by=county, new_deadline=dates[0], reason="甲", approver=county
        ),
        lambda: workflow.extend_deadline(
            second, by=clerk, new_deadline=dates[1], reason="乙", approver=county
        ),
    )

    assert outcomes.count("done") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "done")
    assert "已被他人更新" in refusal
    stored = Case.objects.get(pk=case.pk)
    winner = outcomes.index("done")
    assert stored.deadline == dates[winner]
    assert stored.version == case.version + 1
    assert DeadlineExtension.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, action="extend").count() == 1


def test_start_and_extension_at_once_keep_the_winner_and_refuse_the_other(area, run_together):
    case = determined_case(area)
    county, clerk = area["users"]["county"], area["users"]["clerk"]
    first = Case.objects.get(pk=case.pk)
    second = Case.objects.get(pk=case.pk)
    new_deadline = case.deadline + datetime.timedelta(days=10)

    outcomes = run_together(
        lambda: workflow.start_remediation(first, by=clerk),
        lambda: workflow.extend_deadline(
            second, by=county, new_deadline=new_deadline, reason="r", approver=county
        ),
    )

    assert sorted(outcome == "done" for outcome in outcomes) == [False, True]
    stored = Case.objects.get(pk=case.pk)
    if outcomes[0] == "done":
        assert (stored.state, stored.deadline) == ("in_progress", case.deadline)
    else:
        assert (stored.state, stored.deadline) == ("determined", new_deadline)
    assert CaseEvent.objects.filter(case=case).count() == 3  # propose, determine, the winner


def test_two_overlapping_bulk_closures_close_each_case_once(area, run_together):
    shared, only_first, only_second = (awaiting_case(area) for _ in range(3))
    county = area["users"]["county"]

    def close(*cases):
        fresh = [Case.objects.get(pk=case.pk) for case in cases]
        return lambda: workflow.close_cases(fresh, by=county, note="集中验收")

    outcomes = run_together(close(shared, only_first), close(shared, only_second))

    # The shared case is closed by one of them; the other is refused on it and closes none.
    assert outcomes.count("done") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "done")
    assert refusal.startswith(shared.number) and refusal.endswith("未销号任何案件。")
    winner_own = only_first if outcomes[0] == "done" else only_second
    loser_own = only_second if outcomes[0] == "done" else only_first
    states = {
        case.pk: Case.objects.get(pk=case.pk).state for case in (shared, winner_own, loser_own)
    }
    assert states == {
        shared.pk: "closed",
        winner_own.pk: "closed",
        loser_own.pk: "awaiting_verification",
    }
    assert CaseEvent.objects.filter(case=shared, action="close").count() == 1
