"""The demo seeder gives the demo county cases in every state — relapses, extensions, overdue,
dated closure steps — and running it twice adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from rectification.models import Campaign, Case, CaseState, CaseStep, DeadlineExtension

pytestmark = pytest.mark.django_db


def test_demo_has_cases_in_every_state_and_is_idempotent():
    call_command("seed_demo", "--size", "60", stdout=io.StringIO())
    counts = (Case.objects.count(), CaseStep.objects.count(), DeadlineExtension.objects.count())
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert Case.objects.filter(is_relapse=True).exists()
    assert Case.objects.filter(is_quasi=True).exists()
    assert Case.objects.overdue(timezone.localdate()).exists()
    assert DeadlineExtension.objects.exists()
    assert CaseStep.objects.filter(done_on__isnull=False, case__state=CaseState.CLOSED).exists()
    assert Case.objects.filter(number__startswith="230826-2026-").count() == counts[0]
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


def test_demo_cases_are_in_the_demo_countys_own_current_campaign():
    call_command("seed_demo", "--size", "30", stdout=io.StringIO())
    campaign = Campaign.objects.get(name="桦川县2026年“散乱污”企业综合整治专项行动")
    assert (campaign.region.name, campaign.year, campaign.is_active) == ("桦川县", 2026, True)
    assert campaign.closure_checklist.name == "两断三清一恢复"
    assert {phase.ends_on.year for phase in campaign.phases.all()} == {2026}
    assert set(Case.objects.values_list("campaign", flat=True)) == {campaign.pk}


def test_other_cities_seed_campaigns_are_not_offered_to_the_demo_county():
    call_command("seed_demo", "--size", "20", stdout=io.StringIO())
    names = {
        username: set(
            Campaign.objects.visible_to(User.objects.get(username=username)).values_list(
                "name", flat=True
            )
        )
        for username in ("county", "yuelai", "city")
    }
    for visible in names.values():
        assert not any(name.startswith(("忻州市", "临夏市")) for name in visible)
        assert "桦川县2026年“散乱污”企业综合整治专项行动" in visible
    assert not Campaign.objects.filter(region__isnull=True).exists()
