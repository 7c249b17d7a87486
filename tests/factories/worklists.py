"""Waiting work of every kind for the 待办 tests: cases in each state, the steps a department
confirms, tips, submissions — in county 甲 and some in county 乙."""

import datetime

from django.utils import timezone

from inspections.models import TipState
from rectification.models import CaseState, CaseStep, Disposal
from reporting.models import Submission
from reporting.periods import Period
from reporting.submissions import services
from tests.factories.inspections import TipFactory
from tests.factories.rectification import CaseFactory, new_enterprise

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def case_in(area, state=CaseState.IN_PROGRESS, due=10, township="township_a1", **fields):
    """A case built directly in `township` (its government responsible), due in `due` days."""
    unit = township  # the township government has the same key as its township
    values = {
        "enterprise": new_enterprise(area, township),
        "state": state,
        "disposal": "" if state == CaseState.FOUND else Disposal.SHUTDOWN,
        "responsible_unit": None if state == CaseState.FOUND else area["orgs"][unit],
        "responsible_person": "" if state == CaseState.FOUND else "王分包",
        "deadline": None if state == CaseState.FOUND or due is None else days(due),
    }
    return CaseFactory(**(values | fields))


def power_step(case, done_on=None):
    return CaseStep.objects.create(
        case=case,
        kind=CaseStep.Kind.CLOSURE_STEP,
        order=2,
        name="断电",
        confirming_department="power_supply",
        done_on=done_on,
    )


def workload(area, copies):
    """`copies` of every kind of waiting work in county 甲 (and some in county 乙)."""
    users = area["users"]
    orgs = area["orgs"]
    months_used = Submission.objects.filter(table_key="ledger").count()
    for number in range(copies):
        month = months_used + number
        case_in(area, state=CaseState.FOUND)
        case_in(area, state=CaseState.DETERMINED, due=number)
        power_step(case_in(area, due=-number - 1, township="township_a2"))
        power_step(case_in(area, due=number + 2))
        case_in(area, state=CaseState.AWAITING_VERIFICATION, due=number)
        case_in(area, due=-number - 3, township="township_b1")
        TipFactory(county=area["county_a"], township=area["township_a1"])
        TipFactory(
            county=area["county_a"],
            township=area["township_a1"],
            state=TipState.ASSIGNED,
            assigned_organisation=orgs["township_a1"],
            verify_due=days(number),
        )
        services.submit_table(
            "ledger",
            area["township_a1"],
            Period(2020 + month // 12, month % 12 + 1),
            by=users["clerk"],
            signed_by=users["head"],
        )
        services.submit_table(
            "survey_summary",
            area["county_a"],
            Period(2020 + month // 12, month % 12 + 1),
            by=users["county"],
            signed_by=users["county"],
        )
