"""附件1 (小散乱污企业排查台账, seed 004) as a table: its columns, notes, title and 镇（办） rule,
and the workbook of any queryset of enterprises in the government layout (accounts.sheets).

The ledger list's 导出 is this table of the filtered rows, and reporting's registry files
the same table for a township's period (reporting.tables.LedgerTable), so the two can never
drift apart. The rows themselves come from enterprises.ledger.ledger_rows.
"""

from django.utils import timezone

from accounts.models import Region
from accounts.sheets import DEFAULT_UNIT_LABEL, Column, ExcelReport, signing_unit, title_place

from .ledger import LEDGER_COLUMNS, LEDGER_NOTES, ledger_rows

NAME = "小散乱污企业排查台账"
SOURCE = "附件1（排查台账）"
TOWNSHIP_UNIT_LABEL = "镇（办）"
# Minimum widths: a streamed ledger cannot be measured ahead, so the wide columns are declared.
WIDTHS = {
    "所在村组": 12,
    "企业名称": 24,
    "原辅材料": 14,
    "有无手续": 12,
    "上报时间": 10,
    "整治期限": 10,
    "完成情况(完成日期)": 18,
    "备注": 16,
}
DATE_COLUMNS = {"上报时间", "整治期限"}
COLUMNS = tuple(
    Column(
        label,
        width=WIDTHS.get(label, 0),
        numeric=label == "序号",
        date=label in DATE_COLUMNS,
    )
    for label in LEDGER_COLUMNS
)
# Seed 004's notes as the ledger keeps them; the writer adds the 注： prefix itself.
NOTES = tuple(note.removeprefix("注：") for note in LEDGER_NOTES)


def title(region):
    return f"{title_place(region).name}{NAME}"


def unit_label(region):
    """镇（办） is the township ledger's own label; a wider area's ledger is signed by its office."""
    return TOWNSHIP_UNIT_LABEL if region.level == Region.Level.TOWNSHIP else DEFAULT_UNIT_LABEL


def export_name(region):
    """What a download of this area's ledger is called (file and export job)."""
    return f"{region.name}{NAME}"


def ledger_region(filterset, user):
    """The area a filtered ledger is of: the township chosen, else the user's own area."""
    region = filterset.selected_township() or user.region
    if region is None:
        region = Region.objects.order_by("path").first()
    return region


def ledger_report(queryset, *, region, user, rows=None):
    """附件1 of `queryset` for `region`; `rows` may wrap ledger_rows (a progress counter)."""
    return ExcelReport(
        title=title(region),
        columns=list(COLUMNS),
        rows=ledger_rows(queryset) if rows is None else rows,
        notes=NOTES,
        unit_label=unit_label(region),
        unit_name=signing_unit(user, region),
        report_date=timezone.localdate(),
        filled_by=user.display_name,
        phone=user.phone,
        sheet_title=region.name,
    )
