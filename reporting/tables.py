"""The registry of report tables that go upward, and the tables computable from the ledger alone.

Each table is a class with a `key`, a title, its columns (one or two header levels), the
注 notes printed under it, the levels that submit it and its deadline, and
`compute(region, period) -> TableData`. Counting tables aggregate in the database
(GROUP BY, one query per table) — never a Python loop over enterprises. The tables built
on cases and inspections (督查跟踪台账, 清理整顿/整治提升情况汇总表, 月报) live in
tables_cases.py and register themselves the same way when this module imports it.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr

from accounts.models import Region
from accounts.sheets import Column, header_depth
from enterprises import ledger_table
from enterprises.ledger import ledger_rows
from enterprises.models import Enterprise

from .digest import canonical_row

L = Region.Level


@dataclass
class TableData:
    rows: list = field(default_factory=list)
    totals: list | None = None


class ReportTable:
    """Base class: subclasses set the attributes and implement compute()."""

    key = ""
    name = ""  # short name for menus, e.g. 排查台账
    source = ""  # which seed table it reproduces
    unit_label = "填报单位"
    notes: tuple = ()
    columns: tuple = ()
    # Levels whose organisation submits this table upward (township government / county office).
    submit_levels = frozenset()
    # Levels at which the table can be computed and viewed.
    view_levels = frozenset({L.TOWNSHIP, L.COUNTY, L.CITY, L.PROVINCE})
    deadline_day = 30
    order = 100

    def columns_for(self, region):
        return list(self.columns)

    def title_for(self, region):
        return f"{region.name}{self.name}"

    def unit_label_for(self, region):
        return self.unit_label

    def compute(self, region, period):  # pragma: no cover - abstract
        raise NotImplementedError

    def can_view(self, region):
        return region.level in self.view_levels

    def can_submit(self, region):
        return region.level in self.submit_levels

    def deadline(self, period):
        return period.day(self.deadline_day)

    def freeze(self, region, period):
        """Compute and normalise to JSON-ready values: what a submission stores."""
        data = self.compute(region, period)
        return TableData(
            rows=[canonical_row(row) for row in data.rows],
            totals=canonical_row(data.totals) if data.totals else None,
        )


_registry: dict[str, ReportTable] = {}


def register(table_class):
    """Class decorator: make a table available to pages, exports, submissions and the API."""
    _registry[table_class.key] = table_class()
    return table_class


def get_table(key):
    return _registry.get(key)


def all_tables():
    return sorted(_registry.values(), key=lambda table: table.order)


def table_choices():
    return [(table.key, table.name) for table in all_tables()]


def tables_submitted_at(level):
    return [table for table in all_tables() if level in table.submit_levels]


@register
class LedgerTable(ReportTable):
    """排查台账 (seed 004 附件1): every enterprise on one township's ledger at the period's end.
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
        return TableData(rows=[list(row) for row in ledger_rows(queryset)])


SURVEY_NOTES = (
    "1. 此表由各乡镇（街道）、县（市、区）填报，统计截至报送月末已列入台账的“散乱污”问题，"
    "加盖公章后报上级“散乱污”领导小组办公室。",
    "2. 领域按工业、农业、建筑业、服务业四个专责组分类；类型分为小散乱污、八小。",
    "3. “散”指不符合城镇总体规划、土地利用规划、产业布局规划；“乱”指不符合产业政策、"
    "应办而未办理相关审批手续、违法违规建设、违规生产经营；“污”指违法违规排放、超标排放"
    "废水、废气、废渣。同一问题可同时属于多类，散、乱、污之和可大于问题总数。",
    "4. 有无手续：“有”为各部门手续齐全，“不全”为部分手续未办理，“无”为未办理任何手续。",
)


class PerUnitTable(ReportTable):
    """A counting table with one row per place one level down (per township for a county, per
    county for a city) and a 合计 row; a township's table is its own single row."""

    def unit_column_label(self, region):
        if region.level <= L.PROVINCE:
            return "市"
        if region.level == L.CITY:
            return "县（市、区）"
        return "乡镇（街道）"

    # At this level and below, the table is the region's own single row.
    single_row_level = L.TOWNSHIP

    def units(self, region):
        """The rows' places: the region itself, or its children above village level."""
        if region.level >= self.single_row_level:
            return [region]
        return list(Region.objects.filter(parent=region).exclude(level=L.VILLAGE).order_by("code"))

    def grouped(self, region, queryset, aggregates, path_field="region_path"):
        """{unit path: {aggregate: value}} in one GROUP BY query over `queryset`."""
        if region.level >= self.single_row_level:
            return {region.path: queryset.order_by().aggregate(**aggregates)}
        # Each row's region path starts with its unit's path: the parent's path plus one
        # 12-digit code and a slash, so the unit is a fixed-length prefix to group by.
        prefix = Substr(path_field, 1, len(region.path) + 13)
        return {
            values.pop("unit"): values
            for values in queryset.order_by()
            .annotate(unit=prefix)
            .values("unit")
            .annotate(**aggregates)
            .values("unit", *aggregates)
        }


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


def html_header(columns):
    """Header rows for an HTML table: [[{"label", "colspan", "rowspan"}, ...], ...]."""
    if header_depth(columns) == 1:
        return [[{"label": column.label, "colspan": 1, "rowspan": 1} for column in columns]]
    upper, lower = [], []
    for column in columns:
        if not column.group:
            upper.append({"label": column.label, "colspan": 1, "rowspan": 2})
        elif upper and upper[-1].get("group") == column.group:
            upper[-1]["colspan"] += 1
            lower.append({"label": column.label, "colspan": 1, "rowspan": 1})
        else:
            upper.append({"label": column.group, "colspan": 1, "rowspan": 1, "group": column.group})
            lower.append({"label": column.label, "colspan": 1, "rowspan": 1})
    return [upper, lower]


# The tables built on cases and inspections register themselves on import.
from . import tables_cases  # noqa: E402, F401
