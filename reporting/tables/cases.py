"""The tables built on remediation cases and field work: 督查跟踪台账 (seed 004 附件2),
清理整顿 / 整治提升情况汇总表 (seed 003 附件3–4) and the monthly progress report (月报, seeds
000 and 002).

Every count is a conditional COUNT in one GROUP BY query per table (plus one for the places
and, for the 月报, two grouped queries of inspection effort and two for its totals).

A case counts in the period of its recorded dates, never of the day it was typed in:
- found: the earlier of its 发现日期 and its ledger row's 上报时间, the date 摸底 (附件2)
  counts the enterprise by — so a backlog imported in December with November's 上报时间 is
  November's find, not December's 本月新发现, and 摸底 and 清理整顿 agree on every period;
- determined: `determined_on`; a case determined only after the period's end was 排查发现 and
  待认定 at that end (no disposal, no deadline yet);
- closed: `closed_on`; a case closed after the end is counted where it last stood, 待验收
  (closing requires it). The other states have no date of their own and are the case's current.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.models import Region
from accounts.sheets import Column
from inspections import supervision
from inspections.models import Inspection, InspectionResult, TeamMember
from inspections.models.supervision import STATUS_FLOW, SupervisionTransfer
from inspections.stats import effort
from inspections.supervision import tracking_rows, tracking_values
from rectification.models import Case, CaseState, Disposal

from .base import PerUnitTable, ReportTable, TableData, register

L = Region.Level
NO_RATE = "—"


def completion_rate(closed, total):
    """完成率 as printed: "66.7%", or "—" when there is nothing to complete."""
    if not total:
        return NO_RATE
    rate = (Decimal(closed) * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rate}%"


def found_by(day):
    """Cases found on or before `day` (the earlier of 发现日期 and 上报时间, see above)."""
    return Q(found_on__lte=day) | Q(enterprise__reported_on__lte=day)


def found_since(day):
    return Q(found_on__gte=day, enterprise__reported_on__gte=day)


def determined_after(day):
    return Q(determined_on__gt=day)


def determined_by(day):
    """Determined on or before `day`, or in a state past 排查发现 with no date recorded."""
    return Q(determined_on__isnull=True) | Q(determined_on__lte=day)


def closed_by(day):
    return Q(state=CaseState.CLOSED, closed_on__lte=day)


def state_at(state, end):
    """Cases standing in `state` at `end` (see the module docstring)."""
    if state == CaseState.CLOSED:
        return closed_by(end)
    if state == CaseState.FOUND:
        return Q(state=state) | determined_after(end)
    if state == CaseState.AWAITING_VERIFICATION:
        return (Q(state=state) | Q(state=CaseState.CLOSED, closed_on__gt=end)) & determined_by(end)
    return Q(state=state) & determined_by(end)


def disposal_at(disposal, end):
    """Cases with `disposal` at `end`: a case determined after it was still 待认定."""
    if not disposal:
        return Q(disposal="") | determined_after(end)
    return Q(disposal=disposal) & determined_by(end)


def reference_day(period):
    """Overdue is judged on the period's last day, or today while the period is running."""
    return min(period.end, timezone.localdate())


def overdue_at(day):
    return Q(deadline__lt=day) & ~closed_by(day) & determined_by(day)


class CaseCountingTable(PerUnitTable):
    """A per-place table whose measures are conditional counts over the cases found by the
    period's end; subclasses list `measures(period)` as (label, group, Q or None)."""

    unit_label = "填报单位"
    submit_levels = frozenset({L.COUNTY})
    deadline_day = 30
    rate_label = "完成率"

    def measures(self, period):  # pragma: no cover - abstract
        raise NotImplementedError

    def columns_for(self, region):
        return [
            Column("序号", numeric=True),
            Column(self.unit_column_label(region), width=16),
            *(Column(label, group=group, numeric=True) for label, group, _ in self.measures(None)),
            Column(self.rate_label, numeric=True, width=8),
        ]

    def compute(self, region, period):
        measures = self.measures(period)
        aggregates = {
            f"measure_{index}": Count("id", filter=condition)
            for index, (_label, _group, condition) in enumerate(measures)
        }
        queryset = Case.objects.within(region.path).filter(found_by(period.end))
        grouped = self.grouped(region, queryset, aggregates)
        rows = []
        totals = [0] * len(measures)
        for number, unit in enumerate(self.units(region), start=1):
            counts = grouped.get(unit.path) or {}
            values = [counts.get(f"measure_{index}") or 0 for index in range(len(measures))]
            totals = [total + value for total, value in zip(totals, values, strict=True)]
            rows.append([number, unit.name, *values, self.rate(values)])
        return TableData(rows=rows, totals=["合计", "", *totals, self.rate(totals)])

    def rate(self, values):
        """The share closed: the first measure is the total, `closed_index` the closed count."""
        return completion_rate(values[self.closed_index], values[0])


CLEANUP_NOTES = (
    "1. 此表由县（市、区）“散乱污”领导小组办公室汇总填报，每月30日前加盖公章后报上级"
    "领导小组办公室；统计截至报送月末已列入整治清单的“散乱污”问题。",
    "2. 领域按工业、农业、建筑业、服务业四个专责组分类；分类处置按关停取缔、集聚搬迁、"
    "升级改造，尚未认定处置方式的计入“待认定”。",
    "3. 关停取缔类按“两断三清”（断水、断电、清除原料、清除产品、清除设备）完成并经核查验收"
    "后销号；整治类（集聚搬迁、升级改造）整改完善、补办手续到位并经验收后销号。",
    "4. 逾期未完成指超过整治期限仍未销号；反弹指销号后“回头看”发现死灰复燃、重新整治的问题。"
    "完成率＝已销号数÷问题总数。",
)


@register
class CleanupSummaryTable(CaseCountingTable):
    """清理整顿情况汇总表 (seed 003 附件3): the clean-up phase — how many problems, in which
    sector, with which disposal, how far along, overdue, relapsed, and the share closed."""

    key = "cleanup_summary"
    name = "“散乱污”问题清理整顿情况汇总表"
    source = "附件3（清理整顿情况汇总表）"
    notes = CLEANUP_NOTES
    order = 30
    closed_index = 13  # 已销号

    def measures(self, period):
        end = period.end if period else None
        day = reference_day(period) if period else None
        return (
            ("问题总数", "", None),
            ("工业", "领域", Q(enterprise__sector="industry")),
            ("农业", "领域", Q(enterprise__sector="agriculture")),
            ("建筑业", "领域", Q(enterprise__sector="construction")),
            ("服务业", "领域", Q(enterprise__sector="services")),
            ("关停取缔", "分类处置", disposal_at(Disposal.SHUTDOWN, end)),
            ("集聚搬迁", "分类处置", disposal_at(Disposal.RELOCATION, end)),
            ("升级改造", "分类处置", disposal_at(Disposal.UPGRADE, end)),
            ("待认定", "分类处置", disposal_at("", end)),
            ("排查发现", "整治进度", state_at(CaseState.FOUND, end)),
            ("已认定", "整治进度", state_at(CaseState.DETERMINED, end)),
            ("整治中", "整治进度", state_at(CaseState.IN_PROGRESS, end)),
            ("待验收", "整治进度", state_at(CaseState.AWAITING_VERIFICATION, end)),
            ("已销号", "整治进度", state_at(CaseState.CLOSED, end)),
            ("逾期未完成", "", overdue_at(day) if day else None),
            ("反弹", "", Q(is_relapse=True)),
        )


IMPROVEMENT_NOTES = (
    "1. 此表由县（市、区）“散乱污”领导小组办公室汇总填报，每月30日前加盖公章后报上级"
    "领导小组办公室；统计截至报送月末已列入整治清单的“散乱污”问题。",
    "2. 关停取缔类：已销号指“两断三清”完成并经核查验收销号；反弹指“回头看”发现死灰复燃。",
    "3. 整治类（集聚搬迁、升级改造）：已达标销号指污染防治措施完善、稳定达标排放并经验收销号；"
    "整治中含待验收；逾期未完成的整治类企业应依法予以关闭取缔。",
    "4. 类散乱污指取缔后在原址或附近重新开工、补办手续但产能和治污设施未明显提升的企业。"
    "完成率＝已销号数÷问题总数。",
)


@register
class ImprovementSummaryTable(CaseCountingTable):
    """整治提升情况汇总表 (seed 003 附件4): the long-term phase — per disposal, what is closed,
    what is still being upgraded, what is overdue (and so due to be shut), and relapses."""

    key = "improvement_summary"
    name = "“散乱污”问题整治提升情况汇总表"
    source = "附件4（整治提升情况汇总表）"
    notes = IMPROVEMENT_NOTES
    order = 40
    closed_index = 14  # 已销号 (all disposals)

    def measures(self, period):
        end = period.end if period else None
        day = reference_day(period) if period else None

        def with_disposal(disposal, condition):
            return disposal_at(disposal, end) & condition if condition is not None else None

        open_at_end = ~closed_by(end) if end else None
        overdue = overdue_at(day) if day else None
        closed = closed_by(end) if end else None
        relapsed = Q(is_relapse=True)
        return (
            ("问题总数", "", None),
            ("小计", "关停取缔类", disposal_at(Disposal.SHUTDOWN, end)),
            ("已销号", "关停取缔类", with_disposal(Disposal.SHUTDOWN, closed)),
            ("反弹", "关停取缔类", with_disposal(Disposal.SHUTDOWN, relapsed)),
            ("小计", "集聚搬迁类", disposal_at(Disposal.RELOCATION, end)),
            ("已销号", "集聚搬迁类", with_disposal(Disposal.RELOCATION, closed)),
            ("搬迁中", "集聚搬迁类", with_disposal(Disposal.RELOCATION, open_at_end)),
            ("逾期未完成", "集聚搬迁类", with_disposal(Disposal.RELOCATION, overdue)),
            ("小计", "升级改造类", disposal_at(Disposal.UPGRADE, end)),
            ("已达标销号", "升级改造类", with_disposal(Disposal.UPGRADE, closed)),
            ("整治中", "升级改造类", with_disposal(Disposal.UPGRADE, open_at_end)),
            ("逾期未完成", "升级改造类", with_disposal(Disposal.UPGRADE, overdue)),
            ("待认定", "", disposal_at("", end)),
            ("类散乱污", "", Q(is_quasi=True)),
            ("已销号合计", "", closed),
        )


@register
class SupervisionTrackingTable(ReportTable):
    """督查跟踪台账 (seed 004 附件2): every problem the county transferred to a township by the
    period's end, with its 完成情况 as it stood at that end. Columns, notes and title are
    inspections.supervision's, the supervision list's own."""

    key = "supervision_tracking"
    name = supervision.NAME
    source = supervision.SOURCE
    unit_label = "填报单位"
    notes = supervision.NOTES
    submit_levels = frozenset({L.COUNTY})
    view_levels = frozenset({L.COUNTY})
    deadline_day = 23
    order = 15

    def columns_for(self, region):
        return list(supervision.COLUMNS)

    def title_for(self, region):
        return supervision.title(region)

    def compute(self, region, period):
        queryset = SupervisionTransfer.objects.within(region.path).filter(
            transferred_on__lte=period.end
        )
        rows = []
        for row in tracking_rows(queryset):
            transfer = row["transfer"]
            if transfer.completed_on and transfer.completed_on > period.end:
                # Done only after the period: at its end the work was still under way.
                row["completion"] = STATUS_FLOW[transfer.requirement][0].label
            rows.append(tracking_values(row))
        return TableData(rows=rows)


MONTHLY_NOTES = (
    "1. 此表由县（市、区）“散乱污”领导小组办公室填报，每月30日前将工作进展情况报上级领导"
    "小组办公室；市级汇总时每县（市、区）一行。",
    "2. 本月新发现按上报时间（发现日期）、本月销号按销号日期在本月统计；累计为截至本月末数。"
    "尚未认定处置方式的计入“待认定”。",
    "3. 整治中含已排查尚未认定、已认定和正在整治的问题；逾期未完成指超过整治期限仍未销号；"
    "反弹指销号后“回头看”发现死灰复燃的问题。完成率＝累计销号÷累计发现。",
    "4. 执法检查为本月出动执法组数、执法人员人次、检查企业（点位）数和发现新增“散乱污”企业数。",
)

EFFORT_KEYS = ("teams", "person_times", "enterprises_checked", "new_finds")


@register
class MonthlyReportTable(PerUnitTable):
    """月报 (seeds 000 and 002): a county's progress this month and to date, with the month's
    inspection effort as seed 002 reports it (执法组, 人次, 检查企业（点位）, 新发现).

    A county files one row for itself; a city (or province) sees one row per county (city).
    The 合计 row's effort is counted over the whole area, so a team that worked in two
    counties is one team there, not two."""

    key = "monthly_report"
    name = "“散乱污”企业整治工作月报"
    source = "月报（工作进展情况）"
    unit_label = "填报单位"
    notes = MONTHLY_NOTES
    submit_levels = frozenset({L.COUNTY})
    view_levels = frozenset({L.COUNTY, L.CITY, L.PROVINCE})
    deadline_day = 30
    order = 50
    single_row_level = L.COUNTY

    DISPOSALS = (
        ("关停取缔", Disposal.SHUTDOWN),
        ("集聚搬迁", Disposal.RELOCATION),
        ("升级改造", Disposal.UPGRADE),
        ("待认定", ""),
    )
    EFFORT_LABELS = ("执法组", "人次", "检查企业（点位）", "新发现")

    def unit_column_label(self, region):
        if region.level == L.COUNTY:
            return "县（市、区）"
        return super().unit_column_label(region)

    # (label, group) of the counted columns, in order; case_conditions() gives their filters.
    MEASURE_LABELS = (
        ("合计", "本月新发现"),
        ("关停取缔", "本月新发现"),
        ("集聚搬迁", "本月新发现"),
        ("升级改造", "本月新发现"),
        ("待认定", "本月新发现"),
        ("合计", "累计发现"),
        ("关停取缔", "累计发现"),
        ("集聚搬迁", "累计发现"),
        ("升级改造", "累计发现"),
        ("待认定", "累计发现"),
        ("本月", "销号"),
        ("累计", "销号"),
        ("整治中", ""),
        ("待验收", ""),
        ("逾期未完成", ""),
        ("反弹", ""),
    )
    TOTAL_INDEX = 5  # 累计发现 · 合计
    CLOSED_INDEX = 11  # 销号 · 累计

    def case_conditions(self, period):
        """One filter per MEASURE_LABELS entry (None: every case found by the period's end)."""
        start, end = period.start, period.end
        this_month = found_since(start)
        disposals = [disposal_at(disposal, end) for _label, disposal in self.DISPOSALS]
        return [
            this_month,
            *(this_month & q for q in disposals),
            None,
            *disposals,
            closed_by(end) & Q(closed_on__gte=start),
            closed_by(end),
            Q(state__in=[CaseState.FOUND, CaseState.DETERMINED, CaseState.IN_PROGRESS])
            | determined_after(end),
            state_at(CaseState.AWAITING_VERIFICATION, end),
            overdue_at(reference_day(period)),
            Q(is_relapse=True),
        ]

    def columns_for(self, region):
        return [
            Column("序号", numeric=True),
            Column(self.unit_column_label(region), width=14),
            *(Column(label, group=group, numeric=True) for label, group in self.MEASURE_LABELS),
            Column("完成率", numeric=True, width=8),
            *(Column(label, group="本月执法检查", numeric=True) for label in self.EFFORT_LABELS),
        ]

    def compute(self, region, period):
        conditions = self.case_conditions(period)
        aggregates = {
            f"measure_{index}": Count("id", filter=condition)
            for index, condition in enumerate(conditions)
        }
        cases = Case.objects.within(region.path).filter(found_by(period.end))
        grouped = self.grouped(region, cases, aggregates)
        inspections = Inspection.objects.within(region.path).filter(
            inspected_on__gte=period.start, inspected_on__lte=period.end
        )
        units = self.units(region)
        if region.level >= self.single_row_level:
            unit_effort = {region.path: effort(inspections)}
        else:
            unit_effort = self.grouped_effort(region, inspections)
        total_index, closed_index = self.TOTAL_INDEX, self.CLOSED_INDEX
        rows = []
        totals = [0] * len(conditions)
        for number, unit in enumerate(units, start=1):
            counts = grouped.get(unit.path) or {}
            values = [counts.get(f"measure_{index}") or 0 for index in range(len(conditions))]
            totals = [total + value for total, value in zip(totals, values, strict=True)]
            work = unit_effort.get(unit.path) or {}
            rows.append(
                [
                    number,
                    unit.name,
                    *values,
                    completion_rate(values[closed_index], values[total_index]),
                    *(work.get(key) or 0 for key in EFFORT_KEYS),
                ]
            )
        whole = effort(inspections) if len(units) > 1 else (unit_effort.get(units[0].path) or {})
        return TableData(
            rows=rows,
            totals=[
                "合计",
                "",
                *totals,
                completion_rate(totals[closed_index], totals[total_index]),
                *(whole.get(key) or 0 for key in EFFORT_KEYS),
            ],
        )

    def grouped_effort(self, region, inspections):
        """inspections.stats.effort per unit, in two GROUP BY queries instead of two per unit."""
        prefix_length = len(region.path) + 13
        grouped = {
            values.pop("unit"): values
            for values in inspections.order_by()
            .annotate(unit=Substr("region_path", 1, prefix_length))
            .values("unit")
            .annotate(
                teams=Count("team", distinct=True),
                enterprises=Count("enterprise", distinct=True),
                places=Count("id", filter=Q(enterprise__isnull=True)),
                new_finds=Count("id", filter=Q(result=InspectionResult.NEW_FIND)),
            )
            .values("unit", "teams", "enterprises", "places", "new_finds")
        }
        # A member counts once per unit where their team's outing inspected something.
        people = (
            TeamMember.objects.filter(team__inspections__in=inspections.values("pk"))
            .order_by()
            .annotate(unit=Substr("team__inspections__region_path", 1, prefix_length))
            .values("unit")
            .annotate(person_times=Count("id", distinct=True))
            .values_list("unit", "person_times")
        )
        result = {}
        for unit, values in grouped.items():
            result[unit] = {
                "teams": values["teams"],
                "person_times": 0,
                "enterprises_checked": values["enterprises"] + values["places"],
                "new_finds": values["new_finds"],
            }
        for unit, person_times in people:
            result.setdefault(unit, dict.fromkeys(EFFORT_KEYS, 0))["person_times"] = person_times
        return result
