"""The clerk's working export of the (filtered) ledger as .xlsx in the 附件1 layout.

Title row ("XX镇 小散乱污企业排查台账"), "镇（办）：… (盖章)", "日期：…", the 14 columns of
seed 004, the 注 notes under the table, A4 landscape with the header repeated on every
printed page. Written with openpyxl's write-only mode from a streamed queryset, so a
county's whole ledger never sits in memory; the finished file is streamed to the browser.
"""

import datetime
import tempfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from .ledger import LEDGER_COLUMNS, LEDGER_NOTES, ledger_rows

COLUMN_WIDTHS = [6, 14, 24, 10, 12, 14, 10, 14, 12, 12, 12, 10, 18, 16]
DATE_FORMAT = "yyyy-mm-dd"
HEADER_ROW = 4
# 序号, 企业类型, 涉水涉气, 有无手续, 上报时间, 整治期限 are centred; the rest align left.
CENTRED_COLUMNS = (0, 3, 6, 7, 9, 10)

_thin = Side(style="thin")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
WRAP_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def ledger_title(place_name):
    return f"{place_name} 小散乱污企业排查台账"


def _cell(sheet, value, *, font=None, alignment=None, border=None, number_format=None):
    cell = WriteOnlyCell(sheet, value=value)
    if font:
        cell.font = font
    if alignment:
        cell.alignment = alignment
    if border:
        cell.border = border
    if number_format:
        cell.number_format = number_format
    return cell


def _column_cells(sheet, number_format=None):
    """One styled cell per column, placed in its column once for the whole sheet."""
    cells = []
    for index in range(len(LEDGER_COLUMNS)):
        cell = _cell(
            sheet,
            None,
            alignment=WRAP_CENTRE if index in CENTRED_COLUMNS else WRAP_LEFT,
            border=BORDER,
            number_format=number_format,
        )
        cell.column = index + 1
        cells.append(cell)
    return cells


def _placed_cells(cells, row_index):
    # Stands in for WriteOnlyWorksheet._values_to_row, which takes a styled cell only after
    # failing to store it as a value (a ValueError and the cell's repr per value) and then
    # builds a fresh cell to replace it: most of what styling cost over bare openpyxl.
    for cell in cells:
        cell.row = row_index
        yield cell


def _write_data_rows(sheet, rows):
    """Append the ledger rows with their column styles; return how many were written."""
    # Write-only mode serialises a row as soon as it is appended, so the same 2 × 14 styled
    # cells can carry every row: no cell objects or style copies are made per value. Dates get
    # the column's date-formatted cell, so an empty 整治期限 stays a plain bordered cell.
    plain_cells = _column_cells(sheet)
    date_cells = _column_cells(sheet, number_format=DATE_FORMAT)
    count = 0
    # If openpyxl ever renames the hook, rows still go through its own path: slower, same file.
    sheet._values_to_row = _placed_cells
    try:
        for values in rows:
            count += 1
            row = []
            for value, plain, dated in zip(values, plain_cells, date_cells, strict=True):
                cell = dated if isinstance(value, datetime.date) else plain
                cell.value = value
                row.append(cell)
            sheet.append(row)
    finally:
        del sheet._values_to_row
    return count


def write_ledger_workbook(queryset, *, place_name, unit_name, on_date=None):
    """Write the ledger workbook to a temporary file and return it, rewound, ready to stream."""
    on_date = on_date or timezone.localdate()
    last_column = len(LEDGER_COLUMNS)
    last_letter = chr(ord("A") + last_column - 1)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("排查台账")
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    for row_range in (f"A1:{last_letter}1", f"A2:{last_letter}2", f"A3:{last_letter}3"):
        sheet.merged_cells.add(CellRange(row_range))

    sheet.append(
        [
            _cell(
                sheet,
                ledger_title(place_name),
                font=Font(size=16, bold=True),
                alignment=WRAP_CENTRE,
            )
        ]
    )
    sheet.append([_cell(sheet, f"镇（办）：{unit_name}  (盖章)", alignment=WRAP_LEFT)])
    sheet.append(
        [
            _cell(
                sheet,
                f"日期：{on_date.year}年{on_date.month}月{on_date.day}日",
                alignment=WRAP_LEFT,
            )
        ]
    )
    sheet.append(
        [
            _cell(sheet, title, font=Font(bold=True), alignment=WRAP_CENTRE, border=BORDER)
            for title in LEDGER_COLUMNS
        ]
    )
    count = _write_data_rows(sheet, ledger_rows(queryset))
    first_note_row = HEADER_ROW + count + 1
    for offset, note in enumerate(LEDGER_NOTES):
        row = first_note_row + offset
        sheet.merged_cells.add(CellRange(f"A{row}:{last_letter}{row}"))
        sheet.append([_cell(sheet, note, font=Font(size=9), alignment=WRAP_LEFT)])
    # Handed to FileResponse, which streams and then closes it; a `with` would close it too early.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output
