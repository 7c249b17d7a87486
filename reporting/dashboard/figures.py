"""领导驾驶舱: the leaders' dashboard, computed from aggregate queries only.

`build_dashboard(user, region, today)` answers in a fixed number of queries whatever the
data size: one GROUP BY over cases per child place × disposal × state (which also yields
totals, overdue and relapse counts), two for the monthly trend, one for the ledger size,
a short list of the latest relapses, the open power alerts (metering), spot-check coverage (inspections.stats) and the
submission status board (reporting.submissions.status). Every figure carries the URL of the filtered
list behind it.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse

from accounts.models import Region, Role
from accounts.scoping import get_visible_or_404
from enterprises.models import FULL_RISK_SCORE, Enterprise
from inspections.stats import coverage_totals, spot_check_coverage
from metering.models import AlertState, PowerAlert
from rectification.models import Case, CaseState, Disposal

from ..accountability.ledger import accountability_list
from ..periods import Period
from ..submissions.status import status_board
from ..tables import all_tables

DASHBOARD_ROLES = (Role.BUREAU_LEADER, Role.COUNTY_OFFICE, Role.CITY_OFFICE, Role.ADMINISTRATOR)
TREND_MONTHS = 12
RECENT_RELAPSES = 10
RISKIEST_ENTERPRISES = 20
ACCOUNTABILITY_ON_DASHBOARD = 10


def check_dashboard_access(user):
    if not user.has_role(*DASHBOARD_ROLES):
        raise PermissionDenied("领导驾驶舱仅向局领导、县整治办和市整治办开放。")


def dashboard_region(user, code=None):
    """The place the dashboard shows: the user's own area, or a county/city inside it (?region=)."""
    if code:
        region = get_visible_or_404(Region.objects.all(), user, code=code)
    else:
        region = user.region or Region.objects.filter(parent__isnull=True).order_by("code").first()
    if region is None:
        raise Http404("尚无行政区域数据。")
    if region is not None and region.level > Region.Level.COUNTY:
        # Charts compare the places under the shown area, so a township is not a dashboard.
        raise PermissionDenied("领导驾驶舱按县（市、区）及以上区域查看。")
    return region


def case_list_url(**params):
    query = {key: value for key, value in params.items() if value not in (None, "")}
    url = reverse("rectification:case_list")
    return f"{url}?{urlencode(query)}" if query else url


def percent(part, whole):
    return round(part * 100 / whole, 1) if whole else None


@dataclass
class ChildRow:
    region: Region
    url: str
    total: int = 0
    closed: int = 0
    overdue: int = 0
    relapses: int = 0
    cells: dict = field(default_factory=dict)  # (disposal, state) -> count

    @property
    def completion(self):
        return percent(self.closed, self.total)


@dataclass
class Dashboard:
    region: Region
    today: datetime.date
    children: list
    child_level_label: str
    totals: dict
    links: dict
    bars: dict
    trend: dict
    relapses: list
    coverage_rows: list
    coverage: dict
    coverage_url: str
    board: object
    board_url: str
    board_note: str
    accountability: list
    # 风险最高的 20 家 (a default, so a dashboard cached before it existed still renders).
    riskiest: tuple = ()


def month_starts(today, count=TREND_MONTHS):
    period = Period.from_date(today)
    months = []
    for _ in range(count):
        months.append(period.start)
        period = period.previous()
    return list(reversed(months))


# Room for the one-pass aggregate's sort (26 filtered counts per child × disposal × state): at
# the server's default 4 MB a city's sort spilled to disk (~515 ms; ~108 ms in memory).
DASHBOARD_WORK_MEM = "32MB"


def build_dashboard(user, region, today):
    """The dashboard's figures, computed in one transaction with the memory its sorts need."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{DASHBOARD_WORK_MEM}'")
        return compute_dashboard(user, region, today)


def compute_dashboard(user, region, today):
    is_city_or_above = region.level <= Region.Level.CITY
    children = list(
        Region.objects.filter(parent=region).exclude(level=Region.Level.VILLAGE).order_by("code")
    )
    cases = Case.objects.visible_within(user, region.path).order_by()
    child_length = region.path_length_at(region.level + 1)
    months = month_starts(today)
    after_last = (months[-1] + datetime.timedelta(days=31)).replace(day=1)
    month_ends = [*months[1:], after_last]
    # One pass over the area's cases (index-only on PostgreSQL) yields the bars, the totals and
    # the twelve-month trend: a city holds ~100,000 cases, and each extra pass costs ~50 ms.
    trend_counts = {}
    for number, (start, end) in enumerate(zip(months, month_ends, strict=True)):
        trend_counts[f"found_{number}"] = Count(
            "id", filter=Q(found_on__gte=start, found_on__lt=end)
        )
        trend_counts[f"closed_{number}"] = Count(
            "id", filter=Q(state=CaseState.CLOSED, closed_on__gte=start, closed_on__lt=end)
        )
    grouped = (
        cases.annotate(child=Substr("region_path", 1, child_length))
        .values("child", "disposal", "state")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=~Q(state=CaseState.CLOSED) & Q(deadline__lt=today)),
            relapses=Count("id", filter=Q(is_relapse=True)),
            **trend_counts,
        )
    )
    rows = {}
    for child in children:
        # City level: a county's bar opens that county's dashboard (the case list filters by
        # township only); county level: a township's bar opens the case list for it.
        url = (
            f"{reverse('reporting:dashboard')}?region={child.code}"
            if is_city_or_above
            else case_list_url(township=child.pk)
        )
        rows[child.path] = ChildRow(region=child, url=url)
    totals = {"cases": 0, "closed": 0, "overdue": 0, "relapses": 0, "open": 0}
    by_state = dict.fromkeys(CaseState.values, 0)
    by_disposal = dict.fromkeys([*Disposal.values, ""], 0)
    found = [0] * len(months)
    closed = [0] * len(months)
    for entry in grouped:
        for number in range(len(months)):
            found[number] += entry[f"found_{number}"]
            closed[number] += entry[f"closed_{number}"]
        count = entry["n"]
        totals["cases"] += count
        totals["overdue"] += entry["overdue"]
        totals["relapses"] += entry["relapses"]
        by_state[entry["state"]] = by_state.get(entry["state"], 0) + count
        by_disposal[entry["disposal"]] = by_disposal.get(entry["disposal"], 0) + count
        row = rows.get(entry["child"])
        if row is None:
            continue
        row.total += count
        row.overdue += entry["overdue"]
        row.relapses += entry["relapses"]
        if entry["state"] == CaseState.CLOSED:
            row.closed += count
        key = (entry["disposal"], entry["state"])
        row.cells[key] = row.cells.get(key, 0) + count
    totals["closed"] = by_state[CaseState.CLOSED]
    totals["open"] = totals["cases"] - totals["closed"]
    totals["completion"] = percent(totals["closed"], totals["cases"])
    totals["enterprises"] = Enterprise.objects.visible_within(user, region.path).count()
    totals["by_state"] = by_state
    # 用电异常预警 still to be checked (metering): one count.
    totals["power_alerts"] = (
        PowerAlert.objects.visible_within(user, region.path)
        .filter(state__in=[AlertState.OPEN, AlertState.ARRANGED])
        .count()
    )
    totals["by_disposal"] = by_disposal

    links = {
        "enterprises": reverse("enterprises:list"),
        "cases": case_list_url(),
        "closed": case_list_url(state=CaseState.CLOSED),
        "open_overdue": case_list_url(overdue="true"),
        "relapses": case_list_url(is_relapse="true"),
        "power_alerts": f"{reverse('metering:alert_list')}?state=open",
        "states": {state: case_list_url(state=state) for state in CaseState.values},
        "disposals": {disposal: case_list_url(disposal=disposal) for disposal in Disposal.values},
    }
    bars = chart_bars(list(rows.values()), is_city_or_above)
    trend = monthly_trend(months, found, closed)
    relapses = list(
        cases.filter(is_relapse=True)
        .select_related("enterprise", "enterprise__township", "responsible_unit")
        .order_by("-updated_at", "-id")[:RECENT_RELAPSES]
    )
    riskiest = riskiest_enterprises(user, region)
    period_start = datetime.date(today.year, 1, 1)
    coverage_rows = spot_check_coverage(region, period_start, today)
    coverage = coverage_totals(coverage_rows)
    coverage_query = {"period_start": period_start.isoformat(), "period_end": today.isoformat()}
    if region.level == Region.Level.COUNTY:
        coverage_query["county"] = region.code
    coverage_url = f"{reverse('inspections:coverage')}?{urlencode(coverage_query)}"
    period = Period.due_now(today)
    board = status_board(region, period, today=today)
    board_url = f"{reverse('reporting:index')}?{urlencode({'period': period.key})}"
    accountability = accountability_list(user, region, today, limit=ACCOUNTABILITY_ON_DASHBOARD)
    return Dashboard(
        region=region,
        today=today,
        children=list(rows.values()),
        child_level_label="县（市、区）" if is_city_or_above else "乡镇（街道）",
        totals=totals,
        links=links,
        bars=bars,
        trend=trend,
        relapses=relapses,
        coverage_rows=coverage_rows,
        coverage=coverage,
        coverage_url=coverage_url,
        board=board if board and board.tables else None,
        board_url=board_url,
        board_note=period.due_note([t.deadline(period) for t in all_tables()], today),
        accountability=accountability,
        riskiest=riskiest,
    )


def riskiest_enterprises(user, region, limit=RISKIEST_ENTERPRISES):
    """风险最高的 20 家 of the area: the lowest stored risk scores (enterprises.risk), one
    query read along index enterprise_risk_score_order; enterprises with no deduction are left
    out, so a clean area shows none."""
    return tuple(
        Enterprise.objects.visible_within(user, region.path)
        .filter(risk_score__lt=FULL_RISK_SCORE)
        .select_related("township")
        .only("id", "name", "risk_score", "risk_band", "township__name")
        .order_by("risk_score", "id")[:limit]
    )


def chart_bars(rows, is_city_or_above):
    """ECharts series: one stacked bar per disposal × state, with the list URL of every bar."""
    categories = [row.region.name for row in rows]
    series = []
    disposals = [*Disposal.choices, ("", "未认定")]
    for disposal, disposal_label in disposals:
        for state, state_label in CaseState.choices:
            values = [row.cells.get((disposal, state), 0) for row in rows]
            if not any(values):
                continue
            urls = [
                (
                    row.url
                    if is_city_or_above
                    else case_list_url(township=row.region.pk, disposal=disposal, state=state)
                )
                for row in rows
            ]
            series.append(
                {
                    "name": f"{disposal_label}·{state_label}",
                    "stack": disposal_label,
                    "data": values,
                    "urls": urls,
                }
            )
    return {"categories": categories, "series": series}


def monthly_trend(months, found, closed):
    """Found vs closed per month over the last twelve months, for the chart."""
    return {
        "months": [f"{month.year}年{month.month}月" for month in months],
        "found": found,
        "closed": closed,
        "found_url": case_list_url(),
        "closed_url": case_list_url(state=CaseState.CLOSED),
    }
