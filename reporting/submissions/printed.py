"""A submission's sheet as a person reads it, for the digest (version 2) and for /verify/.

The digest of a version-2 submission covers every cell of the printed sheet, row by row:
title, 填报单位 line, 日期 line, header rows, data rows, 合计, 注, the signature line and the
code line (its own code masked, since the code is taken from the digest). The snapshot
keeps what is printed besides the numbers — the rows above and below the data as text
(`frame`) and the date, filler, phone and signer (`printed`) — so the expected sheet is
rebuilt from the snapshot alone, whatever later changes to users or to the writer, and an
uploaded file is compared with it cell by cell to name the first difference.

Version-1 submissions (before whole-sheet digests) keep their digest of identity and
numbers; they verify as they always did (workbooks.verify_upload).
"""

import datetime
import re

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from accounts.sheets import Column, ExcelReport, bottom_lines, sheet_text, top_lines

from .digest import canonical_cell

DIGEST_VERSION = 2
CODE_MASK = "####-####-####-####"
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date serial Excel or WPS may leave where a date was: 1950-01-01 … 2100-12-31.
SERIAL_RANGE = (18264, 73415)
SHOWN_LENGTH = 30


def snapshot_columns(snapshot):
    return [Column(**column) for column in snapshot["columns"]]


def printed_details(report_date, filled_by, phone, signer_name):
    """What a version-2 snapshot records of the printed sheet besides its table."""
    return {
        "report_date": report_date.isoformat(),
        "filled_by": filled_by,
        "phone": phone,
        "signer_name": signer_name,
    }


def snapshot_report(snapshot, *, verification_code, seal=None, fallback=None):
    """The workbook of a snapshot. A version-1 snapshot has no `printed` details: `fallback`
    (a dict of the same keys, taken from the submission) stands in for them."""
    printed = snapshot.get("printed") or fallback or {}
    report_date = printed.get("report_date")
    return ExcelReport(
        title=snapshot["title"],
        columns=snapshot_columns(snapshot),
        rows=snapshot["rows"],
        totals=snapshot["totals"],
        notes=tuple(snapshot["notes"]),
        unit_label=snapshot["unit_label"],
        unit_name=snapshot["unit_name"],
        report_date=datetime.date.fromisoformat(report_date) if report_date else None,
        seal=seal,
        verification_code=verification_code,
        signer_name=printed.get("signer_name", ""),
        filled_by=printed.get("filled_by", ""),
        phone=printed.get("phone", ""),
        sheet_title=snapshot["region_name"],
    )


def cell_text(value):
    """A cell as read on paper: 12 and 12.0 alike, a date as 2024-03-10, text without the
    spaces around it."""
    text = sheet_text(canonical_cell(value))
    return str(text).replace("\r\n", "\n").strip()


def text_row(values):
    row = [cell_text(value) for value in values]
    while row and row[-1] == "":
        row.pop()
    return row


def frame(report):
    """The rows above and below the data as text, for the snapshot."""
    return {
        "top": [text_row(row) for row in top_lines(report)],
        "bottom": [text_row(row) for row in bottom_lines(report)],
    }


def expected_sheet(snapshot):
    """The version-2 sheet, row by row, from the snapshot: frame, rows, 合计, frame."""
    sheet = [list(row) for row in snapshot["frame"]["top"]]
    sheet += [text_row(row) for row in snapshot["rows"]]
    if snapshot["totals"]:
        sheet.append(text_row(snapshot["totals"]))
    sheet += [list(row) for row in snapshot["frame"]["bottom"]]
    return sheet


def same_cell(expected, actual_text, actual):
    if expected == actual_text:
        return True
    # A re-saved date may come back as its serial number.
    serial = isinstance(actual, int | float) and SERIAL_RANGE[0] <= actual <= SERIAL_RANGE[1]
    if serial and DATE_TEXT.fullmatch(expected):
        return cell_text(from_excel(actual)) == expected
    return False


def masked(text, code):
    return text.replace(code, CODE_MASK) if code and code in text else text


def shown(text):
    if not text:
        return "空"
    if len(text) > SHOWN_LENGTH:
        text = text[:SHOWN_LENGTH] + "…"
    return f" {text}"


def first_difference(expected, actual_rows, code="", first_row=1):
    """'第 7 行 D 列：报送时为 12，此文件为 13' for the first cell (row by row, left to right)
    where the file's rows differ from the expected text rows; None when none does."""
    actual_rows = list(actual_rows)
    while actual_rows and not any(value not in (None, "") for value in actual_rows[-1]):
        actual_rows.pop()
    for index in range(max(len(expected), len(actual_rows))):
        wanted = expected[index] if index < len(expected) else []
        values = list(actual_rows[index]) if index < len(actual_rows) else []
        for column in range(max(len(wanted), len(values))):
            text = wanted[column] if column < len(wanted) else ""
            value = values[column] if column < len(values) else None
            value_text = masked(cell_text(value), code)
            if not same_cell(text, value_text, value):
                return (
                    f"第 {first_row + index} 行 {get_column_letter(column + 1)} 列："
                    f"报送时为{shown(text)}，此文件为{shown(value_text)}"
                )
    return None
