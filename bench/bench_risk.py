"""风险画像: the nightly set-based pass (enterprises.risk.recompute_all) over every enterprise,
the recompute of one enterprise after a change, the ledger filtered by 高 band, and how much
more of the 高 band the risk-weighted spot-check draw covers than a uniform one.

The passes run inside a transaction that is rolled back, so the benchmark leaves the data as
it found it. Targets: the nightly pass ≤ 15 min at 1,000,000 enterprises (≈ 1.1 k/s), one
enterprise ≤ 50 ms. `python -m bench risk`, or `python -m bench.bench_risk` for the coverage
figure alone (the README's note on the demo data).
"""

import datetime
import os
import statistics
import time

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

from django.db import transaction

from accounts.models import Region
from enterprises import risk
from enterprises.models import Enterprise, RiskBand, RiskDeduction
from inspections.sampling import Member, build_population, draw_sample

from .common import client_for, data_size, estimated_rows, time_page

NIGHTLY_TARGET_PER_SECOND = 1100
ONE_TARGET_MS = 50
SEEDS = 200
SHARE = "0.20"


class RollBack(Exception):
    pass


def run(report):
    if not Enterprise.objects.exists():
        print("  no enterprises: run `python manage.py seed_demo` first")
        return
    size = data_size()
    rows, seconds, deductions = rolled_back_nightly_pass()
    report.add(
        f"nightly risk pass, s [{rows:,} enterprises, {deductions:,} deductions, "
        f"{rows / seconds:,.0f}/s]",
        size,
        round(seconds, 1),
        None,
        f"≥ {NIGHTLY_TARGET_PER_SECOND}/s",
    )
    report.add(
        "risk recompute of one enterprise, ms",
        size,
        one_enterprise_ms(),
        None,
        f"≤ {ONE_TARGET_MS}",
    )
    client = client_for("county")
    if client is not None:
        timing = time_page(client, "/enterprises/?risk_band=high&ordering=risk_score")
        report.add(
            f"ledger 高 band by score, p50 ms [{timing['queries']} queries, "
            f"p95 {timing['p95_ms']:.1f} ms]",
            size,
            round(timing["p50_ms"], 1),
            None,
            "p95 ≤ 300",
        )
    # The three counties with the most 高 enterprises (a province has 98).
    coverage = sorted(coverage_by_county(), key=lambda row: -row[3])[:3]
    for county, weighted, uniform, high in coverage:
        report.add(
            f"高 band covered by the 20% draw, {county} [{high} 高, {SEEDS} seeds]",
            size,
            f"weighted {weighted:.1%} / uniform {uniform:.1%}",
        )


def rolled_back_nightly_pass():
    """(enterprises scored, seconds, deductions written), rolled back afterwards."""
    rows = estimated_rows(Enterprise)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            risk.recompute_all()
            seconds = time.perf_counter() - started
            deductions = RiskDeduction.objects.count()
            raise RollBack
    except RollBack:
        pass
    return rows, seconds, deductions


def one_enterprise_ms(repeat=20):
    """Median ms of recomputing one enterprise that has deductions (or any), rolled back."""
    pk = (
        RiskDeduction.objects.values_list("enterprise_id", flat=True).first()
        or Enterprise.objects.values_list("id", flat=True).first()
    )
    samples = []
    try:
        with transaction.atomic():
            for _ in range(repeat):
                started = time.perf_counter()
                risk.recompute([pk])
                samples.append((time.perf_counter() - started) * 1000)
            raise RollBack
    except RollBack:
        pass
    return round(statistics.median(samples), 1)


def high_band_coverage(population, high_ids, seeds=SEEDS, share=SHARE):
    """(weighted, uniform): the mean share of the 高 band's enterprises a draw picks, over
    `seeds` fixed seeds, with the population's risk weights and with every weight 1."""
    if not high_ids:
        return None, None
    uniform_population = [Member(m.enterprise_id, m.township_id, m.stratum, 1) for m in population]
    weighted, uniform = [], []
    for seed in range(seeds):
        for sample, shares in ((population, weighted), (uniform_population, uniform)):
            drawn = {m.enterprise_id for m in draw_sample(sample, seed, share)}
            shares.append(len(drawn & high_ids) / len(high_ids))
    return statistics.mean(weighted), statistics.mean(uniform)


def coverage_by_county(seeds=SEEDS):
    """[(county, weighted, uniform, 高 count)] for each county with 高 enterprises, on scores
    freshly recomputed (in a rolled-back transaction)."""
    results = []
    try:
        with transaction.atomic():
            risk.recompute_all()
            for county in Region.objects.filter(level=Region.Level.COUNTY).order_by("code"):
                population = build_population(county, datetime_max())
                high = set(
                    Enterprise.objects.within(county.path)
                    .filter(risk_band=RiskBand.HIGH)
                    .values_list("id", flat=True)
                )
                if not high:
                    continue
                weighted, uniform = high_band_coverage(population, high, seeds)
                results.append((county.name, weighted, uniform, len(high)))
            raise RollBack
    except RollBack:
        pass
    return results


def datetime_max():
    return datetime.date.max


if __name__ == "__main__":
    for name, weighted, uniform, high in coverage_by_county():
        print(
            f"{name}: 高 {high} 家；加权抽样平均覆盖 {weighted:.1%}，均匀抽样 {uniform:.1%}，"
            f"约 {weighted / uniform:.2f} 倍"
        )
