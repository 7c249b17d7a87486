"""The flagged rows of an import batch as a file to fix offline ("下载问题行").

The workbook is the township's 附件1 (columns, title and unit line from ledger_table, written by
accounts.sheets like every government table), holding each flagged row as the clerk typed it,
then the file's own columns beyond 附件1 (统一社会信用代码 …, so a bad code can be corrected
where it was typed) and a 问题说明 column naming every problem of the row. The reader ignores
问题说明, so the corrected file is imported as it is: the rows committed in the meantime are
on the ledger and skipped, so only the corrected rows are added, and a second import adds
nothing.
"""

import datetime
from pathlib import PurePath

from django.utils import timezone

from accounts.refusals import Refused
from accounts.sheets import Column, ExcelReport, signing_unit

from .. import ledger_table
from ..models import EnterpriseType
from .rows import COLUMN_LABELS

PROBLEMS_LABEL = "问题说明"
# The parsed row's field under each 附件1 column, in ledger.LEDGER_COLUMNS order.
LEDGER_FIELDS = (
    "number",
    "village_group",
    "name",
    "enterprise_type",
    "scale",
    "raw_materials",
    "water_air",
    "permits",
    "requirement",
    "reported_on",
    "deadline",
    "responsible_person",
    "completion",
    "remarks",
)
# Columns an office's file may have beyond 附件1; written back only when the file had them.
EXTRA_FIELDS = ("credit_code", "address", "operator", "phone", "industry", "sector", "source")
NOTE = "本表为导入时有问题、未导入的行：请按“问题说明”改正后重新导入（问题说明列导入时不读取）。"


def typed_value(row, name):
    """The cell as the clerk typed it; a date that was read is written back as a date."""
    if name in ("reported_on", "deadline"):
        parsed = row["data"].get(name) if name == "reported_on" else row["case"].get(name)
        if parsed:
            return datetime.date.fromisoformat(parsed)
    cells = row.get("cells")
    if cells:
        return cells.get(name, "")
    return understood_value(row, name)


def understood_value(row, name):
    """For a batch staged before rows kept their typed cells: the value as it was read."""
    data, case = row["data"], row["case"]
    if name == "enterprise_type":
        kind = data.get("enterprise_type")
        return EnterpriseType(kind).label if kind else ""
    if name == "water_air":
        return "、".join(
            label
            for label, held in (
                ("涉水", data.get("involves_water")),
                ("涉气", data.get("involves_air")),
            )
            if held
        )
    if name == "permits":
        return row.get("permits_text", "")
    if name in ("requirement", "completion"):
        return case.get(name) or ""
    return data.get(name) or ""


def explanation(row):
    """Every problem of the row on its own line, its warnings after them, and where it was."""
    lines = [f"原表第 {row['row']} 行"]
    lines += [f"{item['column']}：{item['message']}" for item in row["problems"]]
    lines += [f"提示（{item['column']}）：{item['message']}" for item in row.get("warnings", [])]
    return "\n".join(lines)


def extra_fields(rows):
    return [name for name in EXTRA_FIELDS if any(name in row.get("cells", {}) for row in rows)]


def problems_report(batch, *, user):
    """附件1 of the batch's flagged rows with their 问题说明; Refused if no row is flagged."""
    rows = batch.flagged_rows
    if not rows:
        raise Refused("这个批次没有有问题的行，无需下载。")
    township = batch.township
    extras = extra_fields(rows)
    columns = [
        *ledger_table.COLUMNS,
        *(Column(COLUMN_LABELS[name]) for name in extras),
        Column(PROBLEMS_LABEL, width=30),
    ]
    values = [
        [
            number,
            *(typed_value(row, name) for name in LEDGER_FIELDS[1:]),
            *(typed_value(row, name) for name in extras),
            explanation(row),
        ]
        for number, row in enumerate(rows, start=1)
    ]
    return ExcelReport(
        title=ledger_table.title(township),
        columns=columns,
        rows=values,
        notes=(*ledger_table.NOTES, NOTE),
        unit_label=ledger_table.unit_label(township),
        unit_name=signing_unit(user, township),
        report_date=timezone.localdate(),
        filled_by=user.display_name,
        phone=user.phone,
        sheet_title=f"{township.name}问题行",
    )


def problems_filename(batch):
    return f"{PurePath(batch.file_name).stem or '台账'}_问题行.xlsx"
