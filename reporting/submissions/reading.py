"""Reading back a workbook written in the government layout (accounts.sheets), for /verify/:
the verification code from the page footer (or the code line), every cell of the sheet
(read_sheet, for whole-sheet digests) and the table's numbers (read_report, for version-1
submissions).
"""

import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from accounts.sheets import CODE_LABEL, FIRST_HEADER_ROW, NOTES_PREFIX, TITLE_ROW, TOTALS_LABEL
from accounts.uploads import check_zip_size

from .digest import find_code

# /verify/ is public: refuse a workbook that would unpack to more than this (a zip bomb).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


class UnreadableWorkbook(ValueError):
    pass


@dataclass
class ReadBack:
    code: str | None
    rows: list
    totals: list | None
    title: str


def check_size(upload):
    try:
        check_zip_size(upload, MAX_UNPACKED_BYTES, "文件内容过大，不是系统导出的报表。")
    except ValidationError as error:
        raise UnreadableWorkbook(error.messages[0]) from error
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableWorkbook("无法读取该文件，请上传系统导出的 .xlsx 报表原件。") from error


@dataclass
class Sheet:
    code: str | None
    rows: list  # every row of the first sheet from row 1, as its cell values
    other_sheets: list  # names of any further sheet holding something


def read_sheet(upload):
    """Every cell of the first sheet, the code, and which other sheets hold anything."""
    check_size(upload)
    try:
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
        ws = workbook.worksheets[0]
        code = footer_code(upload, ws._worksheet_path)
        rows = [list(values) for values in ws.iter_rows(values_only=True)]
        if code is None:
            for values in rows:
                first = values[0] if values else None
                if isinstance(first, str) and first.startswith(CODE_LABEL):
                    code = find_code(first)
        other_sheets = [
            other.title
            for other in workbook.worksheets[1:]
            if any(
                value not in (None, "")
                for row in other.iter_rows(values_only=True)
                for value in row
            )
        ]
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise UnreadableWorkbook("无法读取该文件，请上传系统导出的 .xlsx 报表原件。") from error
    return Sheet(code=code, rows=rows, other_sheets=other_sheets)


def read_report(upload, column_count, depth):
    """Read the code and the table's numbers back from a workbook written by write_report.

    Data rows run from below the header to the 合计 row, the 注 notes or a blank row.
    """
    check_size(upload)
    try:
        upload.seek(0)
        # Read-only mode streams the cells without building every style: fast on a long ledger.
        workbook = load_workbook(upload, read_only=True, data_only=True)
        ws = workbook.worksheets[0]
        code = footer_code(upload, ws._worksheet_path)
        rows, totals, code_cell, title = [], None, None, ""
        reading = True
        for number, values in enumerate(ws.iter_rows(max_col=column_count, values_only=True), 1):
            values = list(values) + [None] * (column_count - len(values))
            first = values[0]
            if number == TITLE_ROW:
                title = first or ""
            if number < FIRST_HEADER_ROW + depth:
                continue
            if isinstance(first, str) and first.startswith(CODE_LABEL):
                code_cell = find_code(first)
            if not reading:
                continue
            if all(value in (None, "") for value in values) or (
                isinstance(first, str) and first.startswith(NOTES_PREFIX)
            ):
                reading = False
            elif first == TOTALS_LABEL:
                totals = values
                reading = False
            else:
                rows.append(values)
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise UnreadableWorkbook("无法读取该文件，请上传系统导出的 .xlsx 报表原件。") from error
    return ReadBack(code=code or code_cell, rows=rows, totals=totals, title=title)


FOOTER_PATTERN = re.compile(r"<(?:\w+:)?oddFooter>(.*?)</(?:\w+:)?oddFooter>", re.DOTALL)


def footer_code(upload, worksheet_path):
    """The code in the page footer, read from the sheet's XML (read-only mode does not parse it)."""
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        xml = archive.read(worksheet_path.lstrip("/")).decode("utf-8", "replace")
    match = FOOTER_PATTERN.search(xml)
    return find_code(match.group(1)) if match else None
