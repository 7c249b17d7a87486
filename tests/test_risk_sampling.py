"""The spot-check draw weighted by 风险画像: the weight function at its edges, a recorded draw
that stores the weight it used and redoes from seed + snapshot, the 高 band drawn far more
often than by a uniform draw, and draws recorded under the old fixed weights still redone
as drawn."""

import datetime

import pytest
from django.utils import timezone

from enterprises import risk
from enterprises.models import RiskBand
from inspections.models import SpotCheckDraw
from inspections.sampling import (
    Member,
    draw_sample,
    reproduce_draw,
    risk_weight,
    weights_description,
)
from rectification.models import CaseState
from tests.factories.rectification import CaseFactory
from tests.factories.spot_checks import ledger, plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("score", "weight"), [(100, 1), (99, 2), (90, 2), (89, 3), (55, 6), (1, 11), (0, 11)]
)
def test_the_weight_grows_by_one_per_10_points_lost(score, weight):
    assert risk_weight(score) == weight


def risky_ledger(area, count=20, risky=4):
    enterprises = ledger(area, "township_a1", count)
    for enterprise in enterprises[:risky]:
        CaseFactory(
            enterprise=enterprise,
            state=CaseState.IN_PROGRESS,
            is_relapse=True,
            is_quasi=True,
            deadline=timezone.localdate() - datetime.timedelta(days=100),
        )
    risk.recompute_all()
    return enterprises


def test_a_recorded_draw_stores_the_risk_weights_and_redoes_from_its_seed(area):
    enterprises = risky_ledger(area)
    spot_check_round = plan(area, seed=20240501)
    draw = SpotCheckDraw.objects.get(spot_check_round=spot_check_round)
    weights = {row[0]: row[3] for row in draw.population}
    assert weights[enterprises[0].pk] == 7  # 100 − 30 − 10 − 20 = 40 → 1 + 6
    assert weights[enterprises[-1].pk] == 1
    assert draw.weights["rule"] == "risk_score"
    assert "风险画像" in weights_description(draw.weights)
    drawn = list(
        spot_check_round.current_targets()
        .order_by("draw_order")
        .values_list("enterprise_id", flat=True)
    )
    assert reproduce_draw(draw, spot_check_round.target_share) == drawn
    # Scores changing after the draw do not change what the stored draw redoes to.
    risk.recompute_all(today=timezone.localdate() + datetime.timedelta(days=400))
    assert reproduce_draw(draw, spot_check_round.target_share) == drawn


def test_the_weighted_draw_covers_the_high_band_far_more_than_a_uniform_one(area):
    enterprises = risky_ledger(area, count=40, risky=4)
    high = {e.pk for e in enterprises[:4]}
    assert {e.risk_band for e in type(enterprises[0]).objects.filter(pk__in=high)} == {
        RiskBand.HIGH
    }
    draw = SpotCheckDraw.objects.get(spot_check_round=plan(area, seed=1))
    weighted_population = [Member.from_row(row) for row in draw.population]
    uniform_population = [
        Member(m.enterprise_id, m.township_id, m.stratum, 1) for m in weighted_population
    ]

    def coverage(population):
        picked = 0
        for seed in range(200):
            picked += len({m.enterprise_id for m in draw_sample(population, seed, "0.20")} & high)
        return picked / (200 * len(high))

    weighted, uniform = coverage(weighted_population), coverage(uniform_population)
    assert weighted > 2 * uniform
    assert 0.1 < uniform < 0.35  # about the 20% share


def test_a_draw_recorded_under_the_fixed_weights_still_redoes_as_drawn(area):
    enterprises = ledger(area, "township_a1", 10)
    spot_check_round = plan(area, seed=7)
    draw = SpotCheckDraw.objects.get(spot_check_round=spot_check_round)
    # What a draw of the old rule stored: its own weights (×3 overdue, ×2 tipped) and its rule.
    draw.population = [
        [e.pk, e.township_id, "无案件", 3 if number < 3 else 1]
        for number, e in enumerate(enterprises)
    ]
    draw.weights = {"overdue": 3, "relapsed": 3, "tipped": 2}
    draw.save()
    expected = [m.enterprise_id for m in draw_sample(draw.population, 7, "0.20")]
    risky_ledger(area, count=2)  # today's scores play no part in the old draw
    assert reproduce_draw(draw, "0.20") == expected
    assert weights_description(draw.weights).startswith("逾期未整改 ×3")
