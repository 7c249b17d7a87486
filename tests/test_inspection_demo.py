"""The demo county's field work: every inspection type, teams with members, spot checks above
and below 20%, a round, 附件2 transfers and tips in every state; running twice adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Region
from inspections.models import (
    Inspection,
    InspectionType,
    SpotCheckRound,
    SupervisionTransfer,
    TeamMember,
    Tip,
    TipState,
)
from inspections.stats import spot_check_coverage

pytestmark = pytest.mark.django_db


def counts():
    return (
        Inspection.objects.count(),
        TeamMember.objects.count(),
        Tip.objects.count(),
        SupervisionTransfer.objects.count(),
        SpotCheckRound.objects.count(),
    )


def test_demo_field_work_covers_every_part_and_is_idempotent():
    call_command("seed_demo", size=120)
    first = counts()
    call_command("seed_demo", size=120)
    assert counts() == first
    types = set(Inspection.objects.values_list("inspection_type", flat=True))
    assert types == set(InspectionType.values)
    assert set(Tip.objects.values_list("state", flat=True)) == set(TipState.values)
    assert SupervisionTransfer.objects.exists() and SpotCheckRound.objects.exists()
    assert Inspection.objects.filter(result="relapse").exists()
    county = Region.objects.get(name="桦川县")
    today = timezone.localdate()
    rows = spot_check_coverage(county, today.replace(month=1, day=1), today)
    meets = {row.meets_20_percent for row in rows if row.ledger_count}
    assert meets == {True, False}
