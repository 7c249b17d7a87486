"""The tables computable from the ledger alone: 排查台账 (seed 004 附件1) and 摸底情况汇总表
(seed 003 附件2)."""

from django.db.models import Count, Q

from accounts.models import Region
from accounts.sheets import Column
from enterprises import ledger_table
from enterprises.ledger import ledger_rows
from enterprises.models import Enterprise

from .base import PerUnitTable, ReportTable, TableData, register

L = Region.Level


@register
class LedgerTable(ReportTable):
    """排查台账 (seed 004 附件1): every enterprise on one township's ledger at the period's end,
    its case columns as they stood on that day (a case closed later is still 待验收 there).
    Columns, notes, title and 镇（办） rule are enterprises.ledger_table's, the ledger list's own."""

    key = "ledger"
    name = ledger_table.NAME
    source = ledger_table.SOURCE
    unit_label = ledger_table.TOWNSHIP_UNIT_LABEL
    notes = ledger_table.NOTES
    submit_levels = frozenset({L.TOWNSHIP})
    view_levels = frozenset({L.TOWNSHIP})
    deadline_day = 23
    order = 10

    def columns_for(self, region):
        return list(ledger_table.COLUMNS)

    def title_for(self, region):
        return ledger_table.title(region)

    def unit_label_for(self, region):
        return ledger_table.unit_label(region)

    def compute(self, region, period):
        queryset = Enterprise.objects.filter(township=region, reported_on__lte=period.end).order_by(
            "reported_on", "id"
        )
        rows = ledger_rows(queryset, as_of=period.end)
        return TableData(rows=[list(row) for row in rows])


SURVEY_NOTES = (
    "1. 此表由各乡镇（街道）、县（市、区）填报，统计截至报送月末已列入台账的“散乱污”问题，"
    "加盖公章后报上级“散乱污”领导小组办公室。",
    "2. 领域按工业、农业、建筑业、服务业四个专责组分类；类型分为小散乱污、八小。",
    "3. “散”指不符合城镇总体规划、土地利用规划、产业布局规划；“乱”指不符合产业政策、"
    "应办而未办理相关审批手续、违法违规建设、违规生产经营；“污”指违法违规排放、超标排放"
    "废水、废气、废渣。同一问题可同时属于多类，散、乱、污之和可大于问题总数。",
    "4. 有无手续：“有”为各部门手续齐全，“不全”为部分手续未办理，“无”为未办理任何手续。",
)


@register
class SurveySummaryTable(PerUnitTable):
    """摸底情况汇总表 (seed 003 附件2): one row per township (per county at city level), counts only."""

    key = "survey_summary"
    name = "“散乱污”问题摸底情况汇总表"
    source = "附件2（摸底情况汇总表）"
    notes = SURVEY_NOTES
    # Townships file their ledger; the county sums it up per township for the city.
    submit_levels = frozenset({L.COUNTY})
    deadline_day = 30
    order = 20

    # (column label, group, filter) — each becomes one conditional COUNT in the GROUP BY query.
    MEASURES = (
        ("问题总数", "", None),
        ("工业", "领域", Q(sector="industry")),
        ("农业", "领域", Q(sector="agriculture")),
        ("建筑业", "领域", Q(sector="construction")),
        ("服务业", "领域", Q(sector="services")),
        ("小散乱污", "类型", Q(enterprise_type="small_scattered")),
        ("八小", "类型", Q(enterprise_type="eight_small")),
        ("散", "问题类别", Q(is_scattered=True)),
        ("乱", "问题类别", Q(is_disorderly=True)),
        ("污", "问题类别", Q(is_polluting=True)),
        ("有", "有无手续", Q(permit_status="complete")),
        ("不全", "有无手续", Q(permit_status="partial")),
        ("无", "有无手续", Q(permit_status="none")),
    )

    def columns_for(self, region):
        return [
            Column("序号", numeric=True),
            Column(self.unit_column_label(region), width=16),
            *(Column(label, group=group, numeric=True) for label, group, _ in self.MEASURES),
        ]

    def compute(self, region, period):
        aggregates = {
            f"measure_{index}": Count("id", filter=condition)
            for index, (_label, _group, condition) in enumerate(self.MEASURES)
        }
        queryset = Enterprise.objects.within(region.path).filter(reported_on__lte=period.end)
        grouped = self.grouped(region, queryset, aggregates)
        rows = []
        totals = [0] * len(self.MEASURES)
        for number, unit in enumerate(self.units(region), start=1):
            counts = grouped.get(unit.path) or {}
            values = [counts.get(f"measure_{index}") or 0 for index in range(len(self.MEASURES))]
            totals = [total + value for total, value in zip(totals, values, strict=True)]
            rows.append([number, unit.name, *values])
        return TableData(rows=rows, totals=["合计", "", *totals])
