"""Helpers for spot-check tests: the May 2024 period, a ledger reported before it, and rounds
planned for it through the real service."""

import datetime

from inspections.services import plan_spot_check_round
from tests.factories.enterprises import EnterpriseFactory

START = datetime.date(2024, 5, 1)
END = datetime.date(2024, 5, 31)


def ledger(area, township_key, count):
    """`count` enterprises of the township, on the ledger since 1 March (before the period)."""
    return [
        EnterpriseFactory(township=area[township_key], reported_on=datetime.date(2024, 3, 1))
        for _ in range(count)
    ]


def plan(area, seed=None, share="0.20", by="county"):
    """The 五月督导抽查 round of county 甲, planned by `by` (a key of area["users"])."""
    return plan_spot_check_round(
        by=area["users"][by],
        county=area["county_a"],
        name="五月督导抽查",
        period_start=START,
        period_end=END,
        target_share=share,
        seed=seed,
    )
