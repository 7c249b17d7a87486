"""Numbers the reporting app reads: inspection effort (执法组, 人次, 检查企业（点位）, 新发现 —
the figures of seed 002) and spot-check coverage per township against seed 004's 20% line.
Both are database aggregations in a fixed number of queries, whatever the data size."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from accounts.models import Region
from enterprises.models import Enterprise

from .models import Inspection, InspectionResult, InspectionType, Team
from .models.spot_check import SPOT_CHECK_MINIMUM_SHARE


def effort(inspections):
    """{"teams", "person_times", "enterprises_checked", "new_finds"} for a queryset of
    inspections (already scoped and filtered by the caller). Two queries.

    teams: team outings (执法组出动) behind these inspections; person_times: their members;
    enterprises_checked: distinct ledger enterprises plus places checked without a ledger row
    (seed 002 counts "企业（点位）"); new_finds: inspections with result 新发现.
    """
    totals = inspections.order_by().aggregate(
        teams=Count("team", distinct=True),
        enterprises=Count("enterprise", distinct=True),
        places=Count("id", filter=Q(enterprise__isnull=True)),
        new_finds=Count("id", filter=Q(result=InspectionResult.NEW_FIND)),
    )
    person_times = (
        Team.objects.filter(pk__in=inspections.order_by().values("team_id"))
        .order_by()
        .aggregate(people=Sum("member_count"))["people"]
        or 0
    )
    return {
        "teams": totals["teams"],
        "person_times": person_times,
        "enterprises_checked": totals["enterprises"] + totals["places"],
        "new_finds": totals["new_finds"],
    }


@dataclass(frozen=True)
class CoverageRow:
    township: Region
    ledger_count: int
    spot_checked_count: int

    @property
    def share(self):
        """Checked / on the ledger, as a Decimal fraction (None when the ledger is empty)."""
        if not self.ledger_count:
            return None
        return (Decimal(self.spot_checked_count) / self.ledger_count).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )

    @property
    def share_percent(self):
        share = self.share
        return None if share is None else (share * 100).quantize(Decimal("0.1"))

    @property
    def required_count(self):
        """How many must be checked to reach 20%."""
        return int(
            (self.ledger_count * SPOT_CHECK_MINIMUM_SHARE).to_integral_value("ROUND_CEILING")
        )

    @property
    def meets_20_percent(self):
        return self.spot_checked_count >= self.required_count

    def as_dict(self):
        return {
            "township_code": self.township.code,
            "township": self.township.name,
            "ledger_count": self.ledger_count,
            "spot_checked_count": self.spot_checked_count,
            "share": self.share,
            "meets_20_percent": self.meets_20_percent,
        }


def spot_check_coverage(area_region, period_start, period_end):
    """One row per township under `area_region` (a county, city, … or a township itself):
    enterprises on the ledger by `period_end`, how many of them had a 督导抽查 inspection
    between `period_start` and `period_end`, the share, and whether it meets 20%.
    Three queries."""
    townships = list(
        Region.objects.townships().within(area_region.path).order_by("path")
        if area_region.level < Region.Level.TOWNSHIP
        else Region.objects.filter(pk=area_region.pk)
    )
    ledger = Enterprise.objects.within(area_region.path).filter(reported_on__lte=period_end)
    ledger_counts = dict(
        ledger.order_by()
        .values("township_id")
        .annotate(n=Count("id"))
        .values_list("township_id", "n")
    )
    # Driven from the area's spot checks (few) rather than its ledger (many): the enterprises
    # spot-checked in the period, each once (a semi-join, where COUNT(DISTINCT) sorted every
    # township's checks), then those on the area's ledger by period_end, by township.
    spot_checked = Inspection.objects.within(area_region.path).filter(
        inspection_type=InspectionType.SPOT_CHECK,
        inspected_on__gte=period_start,
        inspected_on__lte=period_end,
    )
    checked_counts = dict(
        ledger.filter(pk__in=spot_checked.values("enterprise_id"))
        .order_by()
        .values("township_id")
        .annotate(n=Count("id"))
        .values_list("township_id", "n")
    )
    return [
        CoverageRow(
            township=township,
            ledger_count=ledger_counts.get(township.pk, 0),
            spot_checked_count=checked_counts.get(township.pk, 0),
        )
        for township in townships
    ]


def coverage_totals(rows):
    ledger = sum(row.ledger_count for row in rows)
    checked = sum(row.spot_checked_count for row in rows)
    below = sum(1 for row in rows if not row.meets_20_percent)
    share = (Decimal(checked) / ledger * 100).quantize(Decimal("0.1")) if ledger else None
    return {
        "ledger_count": ledger,
        "spot_checked_count": checked,
        "share_percent": share,
        "below": below,
    }


@dataclass(frozen=True)
class RoundCoverageRow:
    """One township of a spot-check round: its ledger (as the draw saw it), how many were drawn
    and how many of those have actually had their 督导抽查 inspection in the round's period."""

    township: Region
    ledger_count: int
    drawn_count: int
    inspected_count: int
    target_share: Decimal

    @property
    def required_count(self):
        return int((self.ledger_count * self.target_share).to_integral_value("ROUND_CEILING"))

    @property
    def drawn_percent(self):
        if not self.ledger_count:
            return None
        return (Decimal(self.drawn_count) * 100 / self.ledger_count).quantize(Decimal("0.1"))

    @property
    def inspected_percent(self):
        """Inspected / drawn, in percent (None when nothing was drawn)."""
        if not self.drawn_count:
            return None
        return (Decimal(self.inspected_count) * 100 / self.drawn_count).quantize(Decimal("0.1"))

    @property
    def meets_share(self):
        return self.drawn_count >= self.required_count

    def as_dict(self):
        return {
            "township_code": self.township.code,
            "township": self.township.name,
            "ledger_count": self.ledger_count,
            "required_count": self.required_count,
            "drawn_count": self.drawn_count,
            "inspected_count": self.inspected_count,
            "drawn_percent": self.drawn_percent,
            "inspected_percent": self.inspected_percent,
            "meets_share": self.meets_share,
        }


def round_coverage(spot_check_round, area_path=""):
    """Per township of the round's county (limited to `area_path`): drawn in the draw in force
    against inspected (a 督导抽查 inspection of a drawn enterprise within the round's period).
    The ledger count is the draw's own population snapshot. Four queries."""
    from collections import Counter

    from django.db.models import Exists, OuterRef

    from .models import Inspection, SpotCheckDraw, SpotCheckTarget

    draw = (
        SpotCheckDraw.objects.filter(
            spot_check_round=spot_check_round, version=spot_check_round.current_version
        )
        .only("population")
        .first()
    )
    population = draw.population if draw is not None else []
    ledger_counts = Counter(int(row[1]) for row in population)
    townships = (
        Region.objects.townships()
        .within(spot_check_round.county.path)
        .filter(path__startswith=area_path or "")
        .order_by("path")
    )
    targets = SpotCheckTarget.objects.filter(draw=draw).order_by()
    drawn_counts = dict(
        targets.values("enterprise__township_id")
        .annotate(n=Count("id"))
        .values_list("enterprise__township_id", "n")
    )
    inspected = Inspection.objects.filter(
        enterprise_id=OuterRef("enterprise_id"),
        inspection_type=InspectionType.SPOT_CHECK,
        inspected_on__gte=spot_check_round.period_start,
        inspected_on__lte=spot_check_round.period_end,
    )
    inspected_counts = dict(
        targets.filter(Exists(inspected))
        .values("enterprise__township_id")
        .annotate(n=Count("id"))
        .values_list("enterprise__township_id", "n")
    )
    share = Decimal(spot_check_round.target_share)
    return [
        RoundCoverageRow(
            township=township,
            ledger_count=ledger_counts.get(township.pk, 0),
            drawn_count=drawn_counts.get(township.pk, 0),
            inspected_count=inspected_counts.get(township.pk, 0),
            target_share=share,
        )
        for township in townships
    ]


def round_coverage_totals(rows):
    drawn = sum(row.drawn_count for row in rows)
    inspected = sum(row.inspected_count for row in rows)
    return {
        "ledger_count": sum(row.ledger_count for row in rows),
        "drawn_count": drawn,
        "inspected_count": inspected,
        "inspected_percent": (Decimal(inspected) * 100 / drawn).quantize(Decimal("0.1"))
        if drawn
        else None,
    }
