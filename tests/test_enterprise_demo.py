"""Demo ledger: the requested number of enterprises over the demo county, realistic, idempotent."""

import random

import pytest

from accounts import demo as accounts_demo
from enterprises import demo
from enterprises.credit_code import is_valid_credit_code
from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def run(size):
    context = {"size": size, "random": random.Random(7)}
    accounts_demo.seed(context)
    demo.seed(context)
    return context


def test_demo_ledger_is_spread_realistic_and_idempotent():
    context = run(60)
    enterprises = Enterprise.objects.select_related("township")
    assert enterprises.count() == 60
    assert sorted(context["enterprise_ids"]) == sorted(enterprises.values_list("id", flat=True))
    assert {e.township for e in enterprises} == set(context["townships"])
    assert all(e.name.startswith(e.township.name) for e in enterprises)
    assert all(e.region_path.startswith(e.township.path) for e in enterprises)
    years = {e.reported_on.year for e in enterprises}
    assert years <= {2024, 2025, 2026} and len(years) >= 2
    codes = [e.credit_code for e in enterprises if e.credit_code]
    assert codes and all(is_valid_credit_code(code) for code in codes)
    assert len({e.source for e in enterprises}) >= 3
    assert Enterprise.history.count() == 60
    assert Enterprise.history.filter(history_user__isnull=False).count() == 60
    again = run(60)
    assert Enterprise.objects.count() == 60
    assert sorted(again["enterprise_ids"]) == sorted(context["enterprise_ids"])
