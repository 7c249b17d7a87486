"""一张图's data: what the map of a user's area shows, in a fixed number of queries.

* The places one level below the shown area (townships of a county, villages of a township,
  counties of a city …) with 总数 / 已销号 / 完成率 / 逾期 of the filtered cases: one GROUP BY.
* The cases as points at their enterprise's point, coloured by state, flagged 逾期 / 反弹 /
  类散乱污 / 本轮抽查; tips, the inspections of the last 30 days and the open power alerts
  (用电异常) as their own layers.
  At city and province scale (or when a view holds more than MAX_POINTS) the points are
  binned on the server: one row per grid cell, the cell size a power of two of degrees chosen
  from the view's span, so a 90,000-case city answers in a few hundred kilobytes.
* The ledger enterprises without a point (未定位), with the link to that list.

The cases are filtered by the case list's own FilterSet (rectification.filters.CaseFilter).
Coordinates are stored in WGS-84; the answer is in the display system of the configured
tile source (maps.tiles), which is WGS-84 unless a GCJ-02 source is configured.
"""

import datetime
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Cast, Coalesce, Floor, Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Region
from accounts.refusals import Refused, refusal_from_form
from accounts.scoping import get_visible_or_404
from enterprises.models import Enterprise
from inspections.models import Inspection, SpotCheckRound, SpotCheckTarget, Tip, TipState
from metering.models import AlertState, PowerAlert
from rectification.filters import CaseFilter
from rectification.models import Case, CaseState

from . import tiles
from .coordinates import converter, inverse_converter
from .models import RegionBoundary

# The four colours of the map, in legend order: key, label, case states, colour.
STATE_GROUPS = [
    ("unassessed", "未认定", (CaseState.FOUND,), "#6c757d"),
    ("in_progress", "整治中", (CaseState.DETERMINED, CaseState.IN_PROGRESS), "#fd7e14"),
    ("awaiting", "待验收", (CaseState.AWAITING_VERIFICATION,), "#0d6efd"),
    ("closed", "已销号", (CaseState.CLOSED,), "#198754"),
]
GROUP_OF_STATE = {
    state: index for index, (_key, _label, states, _colour) in enumerate(STATE_GROUPS)
    for state in states
}  # fmt: skip
# Bits of a point's flags.
OVERDUE, RELAPSE, QUASI, SAMPLE = 1, 2, 4, 8
LAYERS = [
    ("overdue", "逾期", OVERDUE),
    ("relapse", "反弹", RELAPSE),
    ("quasi", "类散乱污", QUASI),
    ("sample", "本轮抽查", SAMPLE),
]
RECENT_DAYS = 30
# A view with at most this many located cases is drawn point by point.
# Above this many points a view is binned: 10,000 points are ~370 KB of JSON, inside the
# 500 KB a map view may weigh (20,000 were 735 KB at 1,000,000 enterprises).
MAX_POINTS = 10_000
# Views narrower than this (degrees of longitude, about a county) are drawn as points.
POINTS_SPAN = 1.5
# About this many grid cells across a binned view.
CELLS_ACROSS = 32


@dataclass
class MapView:
    bbox: tuple | None
    area: Region
    crs: str
    mode: str
    cell: float | None
    regions: list
    cases: dict
    tips: dict
    inspections: dict
    power_alerts: dict
    unlocated: dict
    totals: dict


def case_list_url(**params):
    query = {key: value for key, value in params.items() if value not in (None, "")}
    url = reverse("rectification:case_list")
    return f"{url}?{urlencode(query)}" if query else url


def map_area(user, code=None):
    """The place the map shows: the user's own area, or a place inside it (?region=code)."""
    if code:
        return get_visible_or_404(Region.objects.all(), user, code=code)
    region = user.region or Region.objects.filter(parent__isnull=True).order_by("code").first()
    if region is None:
        raise Http404("尚无行政区域数据。")
    return region


def parse_bbox(text, crs):
    """?bbox=west,south,east,north in the display system, as WGS-84 degrees; Refused if bad."""
    if not text:
        return None
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise Refused(
            "bbox 应为“最小经度,最小纬度,最大经度,最大纬度”四个数。", field="bbox"
        ) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise Refused("bbox 超出经纬度范围，或最小值不小于最大值。", field="bbox")
    back = inverse_converter(crs)
    west, south = back(west, south)
    east, north = back(east, north)
    return west, south, east, north


def cell_size(span):
    """The grid cell (degrees) for a view `span` degrees wide: a power of two, so cells stay put
    while the user pans and halve exactly on each zoom step."""
    return 2.0 ** math.floor(math.log2(max(span, 1e-4) / CELLS_ACROSS))


def filtered_cases(request, area):
    case_filter = CaseFilter(
        request.GET,
        queryset=Case.objects.visible_within(request.user, area.path),
        request=request,
    )
    if not case_filter.is_valid():
        raise refusal_from_form(case_filter.form)
    return case_filter, case_filter.qs.order_by()


def current_sample(user, area, today):
    """The enterprises of this round's spot-check sample: the draw in force of the rounds under
    the area whose period holds today (else each county's latest round)."""
    rounds = SpotCheckRound.objects.visible_within(user, area.path)
    running = rounds.filter(period_start__lte=today, period_end__gte=today)
    chosen = running if running.exists() else rounds.order_by("-period_start")[:1]
    return SpotCheckTarget.objects.filter(
        spot_check_round__in=chosen.values("id"),
        draw__version=F("spot_check_round__current_version"),
    ).values("enterprise_id")


def build_map(request, code=None, bbox_text="", crs=None):
    """The map of the area; coordinates in `crs` (the tile source's by default; the wall map
    asks for WGS-84, the system its boundaries are drawn in)."""
    user = request.user
    crs = crs or tiles.display_crs()
    area = map_area(user, code)
    case_filter, cases = filtered_cases(request, area)
    today = timezone.localdate()
    bbox = parse_bbox(bbox_text, tiles.display_crs())  # the browser's view, in its system
    area_box = area_bbox(area)
    view_box = bbox or area_box
    span = (view_box[2] - view_box[0]) if view_box else 360.0
    points_wanted = area.level >= Region.Level.COUNTY or span <= POINTS_SPAN
    regions, totals = region_figures(area, cases, today, case_filter)
    # The enterprise's own place bounds the join too: PostgreSQL then reads only the area's
    # located enterprises (index enterprise_area_points), and no point outside the area can
    # come in through a case opened before its enterprise moved.
    located = cases.filter(
        enterprise__region_path__startswith=area.path,
        enterprise__latitude__isnull=False,
        enterprise__longitude__isnull=False,
    )
    if bbox:
        located = located.filter(
            enterprise__longitude__gte=bbox[0],
            enterprise__latitude__gte=bbox[1],
            enterprise__longitude__lte=bbox[2],
            enterprise__latitude__lte=bbox[3],
        )
    sample = current_sample(user, area, today)
    convert = converter(crs)
    case_layer = None
    if points_wanted:
        case_layer = case_points(located, sample, today, convert)
    mode, cell = "points", None
    if case_layer is None:
        mode, cell = "bins", cell_size(span)
        case_layer = case_bins(located, sample, today, cell, convert)
    since = today - datetime.timedelta(days=RECENT_DAYS)
    tip_rows = recent_tips(user, area, timezone.now() - datetime.timedelta(days=RECENT_DAYS))
    inspection_rows = recent_inspections(user, area, since)
    alert_rows = open_power_alerts(user, area)
    if bbox:
        tip_rows = within_box(tip_rows, "enterprise__longitude", "enterprise__latitude", bbox)
        inspection_rows = within_box(inspection_rows, "lon", "lat", bbox)
        alert_rows = within_box(alert_rows, "enterprise__longitude", "enterprise__latitude", bbox)
    township = case_filter.form.cleaned_data.get("township")
    if township is not None:
        tip_rows = tip_rows.filter(region_path__startswith=township.path)
        inspection_rows = inspection_rows.filter(region_path__startswith=township.path)
        alert_rows = alert_rows.filter(region_path__startswith=township.path)
    at_enterprise = ("enterprise__longitude", "enterprise__latitude")
    if mode == "points":
        tips_layer = simple_points(tip_rows, *at_enterprise, convert)
        inspections_layer = simple_points(inspection_rows, "lon", "lat", convert)
        alerts_layer = simple_points(alert_rows, *at_enterprise, convert)
    else:
        tips_layer = simple_bins(tip_rows, *at_enterprise, cell, convert)
        inspections_layer = simple_bins(inspection_rows, "lon", "lat", cell, convert)
        alerts_layer = simple_bins(alert_rows, *at_enterprise, cell, convert)
    unlocated = unlocated_enterprises(user, area, township)
    return MapView(
        bbox=bbox,
        area=area,
        crs=crs,
        mode=mode,
        cell=cell,
        regions=regions,
        cases=case_layer,
        tips=tips_layer,
        inspections=inspections_layer,
        power_alerts=alerts_layer,
        unlocated=unlocated,
        totals=totals,
    )


def area_bbox(area):
    box = (
        RegionBoundary.objects.filter(region=area)
        .values_list("west", "south", "east", "north")
        .first()
    )
    return list(box) if box else None


def rate(closed, total):
    return round(closed * 100 / total, 1) if total else None


def region_figures(area, cases, today, case_filter):
    """The places one level below the area with the filtered cases' figures, by code, and the
    area's totals (which also count cases placed at the area itself, e.g. without a village)."""
    children = list(Region.objects.filter(parent=area).order_by("code"))
    length = area.path_length_at(area.level + 1)
    grouped = {
        row["child"]: row
        for row in cases.annotate(child=Substr("region_path", 1, length))
        .values("child")
        .annotate(
            total=Count("id"),
            closed=Count("id", filter=Q(state=CaseState.CLOSED)),
            overdue=Count("id", filter=~Q(state=CaseState.CLOSED) & Q(deadline__lt=today)),
        )
    }
    params = {k: v for k, v in case_filter.data.items() if k in case_filter.filters and v}
    rows = []
    for child in children:
        row = grouped.get(child.path, {})
        total, closed = row.get("total", 0), row.get("closed", 0)
        if child.level == Region.Level.TOWNSHIP:
            url = case_list_url(**(params | {"township": child.pk}))
        elif child.level < Region.Level.TOWNSHIP:
            url = f"{reverse('maps:map')}?{urlencode(params | {'region': child.code})}"
        else:  # a village: the case list has no village filter, so its township's list
            url = case_list_url(**(params | {"township": area.pk}))
        rows.append(
            {
                "code": child.code,
                "name": child.name,
                "level": child.level,
                "total": total,
                "closed": closed,
                "overdue": row.get("overdue", 0),
                "rate": rate(closed, total),
                "url": url,
            }
        )
    totals = {
        key: sum(row[key] for row in grouped.values()) for key in ("total", "closed", "overdue")
    }
    totals["rate"] = rate(totals["closed"], totals["total"])
    return rows, totals


def case_points(located, sample, today, convert):
    """[[case id, lon, lat, state group, flags], …], or None when there are too many."""
    rows = list(
        located.annotate(
            in_sample=ExpressionWrapper(Q(enterprise_id__in=sample), output_field=BooleanField())
        ).values_list(
            "id",
            "enterprise__longitude",
            "enterprise__latitude",
            "state",
            "deadline",
            "is_relapse",
            "is_quasi",
            "in_sample",
        )[: MAX_POINTS + 1]
    )
    if len(rows) > MAX_POINTS:
        return None
    points = []
    for pk, lon, lat, state, deadline, relapse, quasi, in_sample in rows:
        flags = (
            (OVERDUE if state != CaseState.CLOSED and deadline and deadline < today else 0)
            | (RELAPSE if relapse else 0)
            | (QUASI if quasi else 0)
            | (SAMPLE if in_sample else 0)
        )
        x, y = convert(float(lon), float(lat))
        points.append([pk, round(x, 5), round(y, 5), GROUP_OF_STATE[state], flags])
    return {"fields": ["id", "lon", "lat", "state", "flags"], "rows": points}


def grid(queryset, lon_field, lat_field, cell):
    return queryset.annotate(
        cx=Floor(Cast(lon_field, FloatField()) / cell),
        cy=Floor(Cast(lat_field, FloatField()) / cell),
    ).values("cx", "cy")


def case_bins(located, sample, today, cell, convert):
    """One row per grid cell: [lon, lat, count, per state group ×4, overdue, relapse, quasi,
    sample]; lon/lat is the mean of the cell's points, so a bin sits where its cases are."""
    counts = {
        f"s{index}": Count("id", filter=Q(state__in=states))
        for index, (_key, _label, states, _colour) in enumerate(STATE_GROUPS)
    }
    rows = grid(located, "enterprise__longitude", "enterprise__latitude", cell).annotate(
        n=Count("id"),
        x=Avg(Cast("enterprise__longitude", FloatField())),
        y=Avg(Cast("enterprise__latitude", FloatField())),
        overdue=Count("id", filter=~Q(state=CaseState.CLOSED) & Q(deadline__lt=today)),
        relapse=Count("id", filter=Q(is_relapse=True)),
        quasi=Count("id", filter=Q(is_quasi=True)),
        sample=Count("id", filter=Q(enterprise_id__in=sample)),
        **counts,
    )
    bins = []
    for row in rows:
        x, y = convert(row["x"], row["y"])
        bins.append(
            [round(x, 5), round(y, 5), row["n"]]
            + [row[f"s{index}"] for index in range(len(STATE_GROUPS))]
            + [row["overdue"], row["relapse"], row["quasi"], row["sample"]]
        )
    fields = ["lon", "lat", "count", *(key for key, *_ in STATE_GROUPS)]
    return {"fields": [*fields, "overdue", "relapse", "quasi", "sample"], "rows": bins}


def recent_tips(user, area, since):
    """Tips under the area received in the last 30 days or not yet closed, placed at their
    enterprise's point (a tip names a place, not a point)."""
    return (
        Tip.objects.visible_within(user, area.path)
        .filter(Q(received_at__gte=since) | ~Q(state=TipState.PUBLISHED))
        .filter(enterprise__latitude__isnull=False, enterprise__longitude__isnull=False)
        .order_by()
    )


def open_power_alerts(user, area):
    """用电异常: the area's alerts still to be checked, at their enterprise's point."""
    return (
        PowerAlert.objects.visible_within(user, area.path)
        .filter(state__in=[AlertState.OPEN, AlertState.ARRANGED])
        .filter(enterprise__latitude__isnull=False, enterprise__longitude__isnull=False)
        .order_by()
    )


def recent_inspections(user, area, since):
    """Inspections under the area of the last 30 days, at their own GPS point or else their
    enterprise's."""
    return (
        Inspection.objects.visible_within(user, area.path)
        .filter(inspected_on__gte=since)
        .annotate(
            lon=Coalesce("longitude", "enterprise__longitude"),
            lat=Coalesce("latitude", "enterprise__latitude"),
        )
        .filter(lon__isnull=False, lat__isnull=False)
        .order_by()
    )


def within_box(queryset, lon_field, lat_field, bbox):
    return queryset.filter(
        **{
            f"{lon_field}__gte": bbox[0],
            f"{lat_field}__gte": bbox[1],
            f"{lon_field}__lte": bbox[2],
            f"{lat_field}__lte": bbox[3],
        }
    )


def simple_points(queryset, lon_field, lat_field, convert):
    rows = []
    for pk, lon, lat in queryset.values_list("id", lon_field, lat_field)[:MAX_POINTS]:
        x, y = convert(float(lon), float(lat))
        rows.append([pk, round(x, 5), round(y, 5)])
    return {"fields": ["id", "lon", "lat"], "rows": rows}


def simple_bins(queryset, lon_field, lat_field, cell, convert):
    rows = []
    for row in grid(queryset, lon_field, lat_field, cell).annotate(
        n=Count("id"),
        x=Avg(Cast(lon_field, FloatField())),
        y=Avg(Cast(lat_field, FloatField())),
    ):
        x, y = convert(row["x"], row["y"])
        rows.append([round(x, 5), round(y, 5), row["n"]])
    return {"fields": ["lon", "lat", "count"], "rows": rows}


def unlocated_enterprises(user, area, township=None):
    """未定位: ledger enterprises under the area (or the chosen township) without a point."""
    place = township or area
    count = (
        Enterprise.objects.visible_within(user, place.path)
        .filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))
        .count()
    )
    query = {"located": "false"}
    if place.level == Region.Level.TOWNSHIP:
        query["township"] = place.code
    elif place.level == Region.Level.VILLAGE:
        query.update(township=place.parent.code if place.parent_id else "", village=place.code)
    return {"count": count, "url": f"{reverse('enterprises:list')}?{urlencode(query)}"}
