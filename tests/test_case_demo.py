"""The demo seeder gives the demo county cases in every state — relapses, extensions, overdue,
dated closure steps — and running it twice adds nothing."""

import datetime
import io

import pytest
from django.core.management import call_command

from rectification.models import Campaign, Case, CaseState, CaseStep, DeadlineExtension

pytestmark = pytest.mark.django_db


def test_demo_has_cases_in_every_state_and_is_idempotent():
    call_command("seed_demo", "--size", "60", stdout=io.StringIO())
    counts = (Case.objects.count(), CaseStep.objects.count(), DeadlineExtension.objects.count())
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert Case.objects.filter(is_relapse=True).exists()
    assert Case.objects.filter(is_quasi=True).exists()
    assert Case.objects.overdue(datetime.date.today()).exists()
    assert DeadlineExtension.objects.exists()
    assert CaseStep.objects.filter(done_on__isnull=False, case__state=CaseState.CLOSED).exists()
    assert Campaign.objects.count() == 3
    assert Case.objects.filter(number__startswith="230826-2024-").count() == counts[0]
    call_command("seed_demo", "--size", "60", stdout=io.StringIO())
    assert (
        Case.objects.count(),
        CaseStep.objects.count(),
        DeadlineExtension.objects.count(),
    ) == counts


def test_every_closed_demo_case_has_all_steps_dated():
    call_command("seed_demo", "--size", "40", stdout=io.StringIO())
    closed = Case.objects.filter(state=CaseState.CLOSED)
    assert closed.exists()
    assert not CaseStep.objects.filter(case__in=closed, done_on__isnull=True).exists()
    assert not closed.filter(closed_on__isnull=True).exists()
