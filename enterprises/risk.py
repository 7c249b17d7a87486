"""风险画像: every enterprise's risk score out of 100, its deductions and its 高/中/低 band.

The inputs live in apps to the right of this one (cases in rectification, tips and spot
checks in inspections, power alerts in metering), so each of them registers a *source* from
its AppConfig.ready():

    register_source(name, func, kinds)
        func(enterprise_ids: list[int], today: datetime.date) -> Iterable[Finding]
        kinds: the DeductionKind(s) its findings carry, with their default weights

A source is set-based: given a chunk of enterprise ids it answers for all of them in a fixed
number of queries. A Finding is (enterprise_id, kind, detail, source, date, count): "count"
occurrences of `kind` (e.g. 3 months overdue), each worth the kind's points, and the kind's
cap bounds what all an enterprise's findings of that kind take together.

Weights and band thresholds are the administrator's (RiskSettings / RiskWeight in Django
admin); a kind with no RiskWeight row uses its registered default. Scores are stored on
Enterprise (risk_score, risk_band) and the deductions in RiskDeduction, rewritten by
`recompute(ids)`: after commit for the enterprises a service changed
(`recompute_on_commit(ids)`), and nightly over the whole table in chunks (`recompute_all`,
the daily job "risk_scores" and `manage.py recompute_risk`).
"""

import datetime
import threading
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Region
from accounts.paths import path_at_level
from accounts.side_effects import after_commit

from .ledger import notify_bulk_change
from .models import FULL_RISK_SCORE, Enterprise, RiskBand, RiskDeduction, RiskSettings

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class DeductionKind:
    key: str
    label: str  # Chinese, shown beside each deduction and in admin
    points: int  # default points per occurrence
    cap: int | None = None  # default most points the kind takes from one enterprise
    unit: str = "次"  # what one occurrence is (次, 个月), for the rule's description


@dataclass(frozen=True)
class Finding:
    enterprise_id: int
    kind: str
    detail: str  # Chinese, e.g. "整治期限 2024-05-01 已逾期 3 个月"
    source: str  # the record it comes from, e.g. "整治案件 HJ2024-0001"
    date: datetime.date | None
    count: int = 1


@dataclass(frozen=True)
class Source:
    name: str
    func: Callable
    kinds: tuple


@dataclass(frozen=True)
class Weight:
    points: int
    cap: int | None


_sources: dict[str, Source] = {}
_kinds: dict[str, DeductionKind] = {}


def register_source(name, func, kinds):
    """Add (or replace) the deduction source `name`: func(enterprise_ids, today) -> Findings of
    the given `kinds` (DeductionKind, or an iterable of them)."""
    kinds = (kinds,) if isinstance(kinds, DeductionKind) else tuple(kinds)
    _sources[name] = Source(name, func, kinds)
    for kind in kinds:
        _kinds[kind.key] = kind


def unregister_source(name):
    source = _sources.pop(name, None)
    for kind in source.kinds if source else ():
        _kinds.pop(kind.key, None)


def registered_sources():
    return list(_sources.values())


def registered_kinds():
    """Every deduction kind of the registered sources, in registration order."""
    return list(_kinds.values())


def kind_label(key):
    kind = _kinds.get(key)
    return kind.label if kind else key


def current_settings():
    """(RiskSettings row, {kind: Weight}) — the administrator's weights over the defaults."""
    settings = RiskSettings.current()
    weights = {kind.key: Weight(kind.points, kind.cap) for kind in registered_kinds()}
    for row in settings.weights.all():
        weights[row.kind] = Weight(row.points, row.cap)
    return settings, weights


def band_of(score, settings):
    if score < settings.high_below:
        return RiskBand.HIGH
    if score < settings.low_from:
        return RiskBand.MIDDLE
    return RiskBand.LOW


def score_findings(findings, weights):
    """(score, deductions) of one enterprise's findings: each finding takes points × count,
    the kind's cap bounds the sum of its findings (newest first take theirs), and the score
    never goes below 0. Deductions are unsaved RiskDeduction rows without their enterprise."""
    by_kind = defaultdict(list)
    for finding in findings:
        by_kind[finding.kind].append(finding)
    deductions = []
    total = 0
    for kind, kind_findings in by_kind.items():
        weight = weights.get(kind)
        if weight is None or weight.points == 0:
            continue
        room = weight.cap
        newest_first = sorted(
            kind_findings, key=lambda f: (f.date or datetime.date.min, f.detail), reverse=True
        )
        for finding in newest_first:
            points = weight.points * finding.count
            if room is not None:
                points = min(points, room)
                room -= points
            if points <= 0:
                continue
            total += points
            deductions.append(
                RiskDeduction(
                    kind=kind,
                    points=points,
                    detail=finding.detail[:200],
                    source=finding.source[:100],
                    date=finding.date,
                )
            )
    return max(0, FULL_RISK_SCORE - total), deductions


def findings_for(enterprise_ids, today):
    """Every registered source's findings for the ids, grouped by enterprise."""
    grouped = defaultdict(list)
    for source in registered_sources():
        for finding in source.func(enterprise_ids, today):
            grouped[finding.enterprise_id].append(finding)
    return grouped


def _recompute_chunk(ids, today, settings, weights):
    """Score one chunk: the sources' queries, one read of the stored scores, one delete, one
    bulk insert and one bulk update of the scores that changed. Returns how many changed."""
    grouped = findings_for(ids, today)
    stored = {}
    paths = {}
    for pk, score, band, path in Enterprise.objects.filter(id__in=ids).values_list(
        "id", "risk_score", "risk_band", "region_path"
    ):
        stored[pk] = (score, band)
        paths[pk] = path
    changed = []
    new_rows = []
    for pk in stored:
        score, deductions = score_findings(grouped.get(pk, ()), weights)
        band = band_of(score, settings)
        for deduction in deductions:
            deduction.enterprise_id = pk
        new_rows.extend(deductions)
        if stored[pk] != (score, band):
            changed.append(Enterprise(id=pk, risk_score=score, risk_band=band))
    RiskDeduction.objects.filter(enterprise_id__in=ids).delete()
    RiskDeduction.objects.bulk_create(new_rows, batch_size=1000)
    # bulk_update leaves updated_at (the edit form's version) and the history alone.
    Enterprise.objects.bulk_update(changed, ["risk_score", "risk_band"], batch_size=500)
    if changed:
        # bulk_update sends no post_save: tell the dashboards' cache which counties changed.
        counties = {path_at_level(paths[row.id], Region.Level.COUNTY) for row in changed}
        for county in Region.objects.filter(path__in=counties - {None}):
            notify_bulk_change(county)
    return len(changed)


def recompute(enterprise_ids, today=None, chunk_size=CHUNK_SIZE):
    """Rewrite the scores, bands and deductions of the given enterprises; returns how many
    scores or bands changed. Set-based: a fixed number of queries per chunk of ids."""
    today = today or timezone.localdate()
    ids = sorted({int(pk) for pk in enterprise_ids if pk})
    if not ids:
        return 0
    settings, weights = current_settings()
    changed = 0
    for start in range(0, len(ids), chunk_size):
        with transaction.atomic():
            changed += _recompute_chunk(ids[start : start + chunk_size], today, settings, weights)
    return changed


def recompute_all(today=None, chunk_size=CHUNK_SIZE, queryset=None):
    """The nightly pass: every enterprise (or those of `queryset`) in id-ordered chunks, each
    in its own transaction, so a 1,000,000-row ledger never sits in memory or in one lock."""
    today = today or timezone.localdate()
    settings, weights = current_settings()
    queryset = (queryset if queryset is not None else Enterprise.objects.all()).order_by("id")
    changed = 0
    last = 0
    while True:
        ids = list(queryset.filter(id__gt=last).values_list("id", flat=True)[:chunk_size])
        if not ids:
            return changed
        with transaction.atomic():
            changed += _recompute_chunk(ids, today, settings, weights)
        last = ids[-1]


def nightly_job(today=None):
    """The daily job (notices.jobs): recompute everything; it sends no notices."""
    recompute_all(today)
    return 0


def recompute_on_commit(enterprise_ids):
    """Recompute these enterprises once the current transaction commits (at once outside
    one): a rolled-back change recomputes nothing, and a failure is logged, never raised
    into the request that committed (accounts.side_effects). Each call is its own recompute
    (a handful of queries): the services call it once per changed enterprise."""
    ids = sorted({int(pk) for pk in enterprise_ids if pk})
    batches = getattr(_batches, "stack", None)
    if batches:
        batches[-1].update(ids)
        return
    if ids:
        after_commit(lambda: recompute(ids), "recompute risk scores")


_batches = threading.local()


@contextmanager
def batched_recompute():
    """For bulk paths (the Excel import, 批量销号): inside, recompute_on_commit only collects
    the ids; on leaving without an error, one recompute of them all is registered for after
    commit — a chunked, set-based pass instead of one per row."""
    stack = _batches.__dict__.setdefault("stack", [])
    ids = set()
    stack.append(ids)
    try:
        yield ids
    finally:
        stack.pop()
    recompute_on_commit(ids)


def deductions_of(enterprise):
    """The enterprise's deductions for its page and the API, biggest first, with labels."""
    rows = list(enterprise.risk_deductions.all())
    for row in rows:
        row.kind_label = kind_label(row.kind)
    return rows


def weight_description(weights=None):
    """The rule in Chinese: "反弹（死灰复燃）每次 -30；整治逾期每个月 -5（最多 -20）…"."""
    weights = weights if weights is not None else current_settings()[1]
    parts = []
    for kind in registered_kinds():
        weight = weights.get(kind.key, Weight(kind.points, kind.cap))
        cap = f"（最多 -{weight.cap}）" if weight.cap is not None else ""
        parts.append(f"{kind.label}每{kind.unit} -{weight.points}{cap}")
    return "；".join(parts)
