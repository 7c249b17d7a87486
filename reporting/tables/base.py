"""What every report table is: the registry of the tables that go upward, the base classes
and the HTML header of a table.

Each table is a class with a `key`, a title, its columns (one or two header levels), the
注 notes printed under it, the levels that submit it and its deadline, and
`compute(region, period) -> TableData`. Counting tables aggregate in the database
(GROUP BY, one query per table) — never a Python loop over enterprises.
"""

from dataclasses import dataclass, field

from django.db.models.functions import Substr

from accounts.models import Region
from accounts.sheets import header_depth

from ..submissions.digest import canonical_row

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
