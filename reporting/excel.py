"""The government-layout workbook: what a county office prints, stamps and sends upward.

Layout, top to bottom: the title (merged across the table), "填报单位：…（盖章）", "日期：…",
one or two header rows (a two-level header merges its group cells), the data rows, an
optional 合计 row, the 注 notes (merged, wrapped), the signature line and the verification
code. A4 landscape, fit to one page wide, header rows repeated on every printed page, the
code also in the page footer. The sheet is written with openpyxl's write-only mode, so
rows stream out as they come; `read_report` reads the same layout back for /verify/.
"""

import datetime
import io
import math
import re
import zipfile
from copy import copy
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from .digest import find_code
from .tables import header_depth

TITLE_FONT = Font(name="黑体", size=18)
HEADER_FONT = Font(name="黑体", size=11)
BODY_FONT = Font(name="宋体", size=11)
NOTE_FONT = Font(name="仿宋", size=11)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
NOTE_ALIGNMENT = Alignment(horizontal="left", vertical="top", wrap_text=True)

TITLE_ROW, UNIT_ROW, DATE_ROW, FIRST_HEADER_ROW = 1, 2, 3, 4
MAX_COLUMN_WIDTH = 40
PAPER_SIZE_A4 = "9"  # ECMA-376 paper size code
SEAL_SIZE_CM = 4.0
PIXELS_PER_CM = 96 / 2.54
BLANK_SIGNATURE = "__________"
TOTALS_LABEL = "合计"
NOTES_PREFIX = "注："
CODE_LABEL = "验证码："
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# /verify/ is public: refuse a workbook that would unpack to more than this (a zip bomb).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


@dataclass
class ExcelReport:
    """Everything one exported table needs; `columns` are reporting.tables.Column objects."""

    title: str
    columns: list
    rows: list
    totals: list | None = None
    notes: tuple = ()
    unit_label: str = "填报单位"
    unit_name: str = ""
    report_date: datetime.date | None = None
    seal: object = None  # a binary file object holding a PNG, or None for a wet stamp
    verification_code: str = ""
    signer_name: str = ""  # recorded in the system; the paper still needs the wet signature
    filled_by: str = ""
    phone: str = ""
    sheet_title: str = "报表"
    extra: dict = field(default_factory=dict)


def display_width(text):
    """Excel width units: a Chinese character is about two digits wide."""
    return sum(2 if ord(character) > 0x2E7F else 1 for character in str(text))


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日" if day else "    年  月  日"


def column_widths(columns, rows, sample=500):
    """Widths from the labels and the first rows; streamed rows (not a list) cannot be looked
    ahead at, so their columns fit the label and the column's declared minimum width."""
    sampled = rows[:sample] if isinstance(rows, list | tuple) else ()
    widths = []
    for index, column in enumerate(columns):
        widest = display_width(column.label)
        for row in sampled:
            if index < len(row) and row[index] not in (None, ""):
                widest = max(widest, display_width(row[index]))
        width = max(column.width, min(widest, MAX_COLUMN_WIDTH)) + 2
        widths.append(max(width, 6))
    return widths


def line_count(values, widths):
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if value not in (None, ""):
            lines = max(lines, math.ceil(display_width(value) / max(width - 1, 1)))
    return lines


def styled(ws, value, font=BODY_FONT, alignment=CENTRE, border=BOX):
    """A write-only cell with the given style. Assigning openpyxl style objects hashes them each
    time (slow on a long ledger), so each combination is resolved once per workbook and copied."""
    cell = WriteOnlyCell(ws, value=value)
    # Style indexes belong to one workbook, so the cache lives on the workbook itself.
    cache = ws.parent.__dict__.setdefault("_report_styles", {})
    key = (id(font), id(alignment), id(border))
    style = cache.get(key)
    if style is None:
        cell.font = font
        cell.alignment = alignment
        if border is not None:
            cell.border = border
        style = cache[key] = copy(cell._style)
    else:
        cell._style = copy(style)
    return cell


def merge(ws, first_row, first_column, last_row, last_column):
    if first_row == last_row and first_column == last_column:
        return
    ws.merged_cells.add(
        f"{get_column_letter(first_column)}{first_row}:{get_column_letter(last_column)}{last_row}"
    )


def header_rows(columns):
    """The header grid: (rows of labels, merges). Grouped columns share a merged upper cell;
    ungrouped columns span both header rows."""
    depth = header_depth(columns)
    if depth == 1:
        return [[column.label for column in columns]], []
    upper, lower, merges = [], [], []
    index = 0
    while index < len(columns):
        column = columns[index]
        if not column.group:
            upper.append(column.label)
            lower.append(None)
            merges.append((0, index, 1, index))
            index += 1
            continue
        end = index
        while end + 1 < len(columns) and columns[end + 1].group == column.group:
            end += 1
        for position in range(index, end + 1):
            upper.append(column.group if position == index else None)
            lower.append(columns[position].label)
        merges.append((0, index, 0, end))
        index = end + 1
    return [upper, lower], merges


def seal_image(seal):
    seal.seek(0)
    image = SheetImage(io.BytesIO(seal.read()))
    target = SEAL_SIZE_CM * PIXELS_PER_CM
    ratio = image.height / image.width if image.width else 1
    image.width = round(target)
    image.height = round(target * ratio)
    return image


def write_report(report, stream):
    """Write the workbook to a binary stream (a file, an HttpResponse, a BytesIO)."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(report.sheet_title[:31])
    columns = list(report.columns)
    count = len(columns)
    widths = column_widths(columns, report.rows)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    depth = header_depth(columns)
    first_data_row = FIRST_HEADER_ROW + depth

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_SIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"{FIRST_HEADER_ROW}:{first_data_row - 1}"
    code_text = report.verification_code or "草稿，未报送"
    ws.oddFooter.center.text = f"{CODE_LABEL}{code_text}"
    ws.oddFooter.center.font = "宋体"
    ws.oddFooter.center.size = 9
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.size = 9

    ws.row_dimensions[TITLE_ROW].height = 36
    ws.append([styled(ws, report.title, TITLE_FONT, CENTRE, None)])
    merge(ws, TITLE_ROW, 1, TITLE_ROW, count)
    ws.row_dimensions[UNIT_ROW].height = 24
    ws.append(
        [styled(ws, f"{report.unit_label}：{report.unit_name}（盖章）", BODY_FONT, LEFT, None)]
    )
    merge(ws, UNIT_ROW, 1, UNIT_ROW, count)
    ws.row_dimensions[DATE_ROW].height = 20
    ws.append([styled(ws, f"日期：{chinese_date(report.report_date)}", BODY_FONT, LEFT, None)])
    merge(ws, DATE_ROW, 1, DATE_ROW, count)
    if report.seal is not None:
        # Anchored over the 填报单位 line, where the official seal is pressed on paper.
        ws.add_image(seal_image(report.seal), f"B{UNIT_ROW}" if count > 1 else f"A{UNIT_ROW}")

    labels, merges = header_rows(columns)
    for offset, labels_row in enumerate(labels):
        ws.row_dimensions[FIRST_HEADER_ROW + offset].height = 15 * line_count(labels_row, widths)
        ws.append([styled(ws, label, HEADER_FONT) for label in labels_row])
    for top, left, bottom, right in merges:
        merge(ws, FIRST_HEADER_ROW + top, left + 1, FIRST_HEADER_ROW + bottom, right + 1)

    row_number = first_data_row
    for values in report.rows:
        ws.row_dimensions[row_number].height = 15 * min(line_count(values, widths), 8)
        ws.append(
            [
                styled(ws, value, alignment=CENTRE if column.numeric else LEFT)
                for value, column in zip(values, columns, strict=False)
            ]
        )
        row_number += 1
    if report.totals:
        ws.append([styled(ws, value, HEADER_FONT) for value in report.totals])
        if count > 1 and report.totals[1] in ("", None):
            merge(ws, row_number, 1, row_number, 2)
        row_number += 1

    total_width = sum(widths)
    for index, note in enumerate(report.notes):
        text = f"{NOTES_PREFIX}{note}" if index == 0 else f"{'　' * 2}{note}"
        ws.row_dimensions[row_number].height = 16 * math.ceil(
            display_width(text) / max(total_width - 4, 1)
        )
        ws.append([styled(ws, text, NOTE_FONT, NOTE_ALIGNMENT, None)])
        merge(ws, row_number, 1, row_number, count)
        row_number += 1

    signature = (
        f"主要负责同志签字：{BLANK_SIGNATURE}　　　"
        f"填表人：{report.filled_by or BLANK_SIGNATURE}　　　"
        f"联系电话：{report.phone or BLANK_SIGNATURE}"
    )
    ws.row_dimensions[row_number].height = 30
    ws.append([styled(ws, signature, BODY_FONT, LEFT, None)])
    merge(ws, row_number, 1, row_number, count)
    row_number += 1
    code_line = f"{CODE_LABEL}{code_text}"
    if report.verification_code:
        code_line += "（可在系统“验证报表”页面 /verify/ 核验本表数字是否与报送一致）"
        if report.signer_name:
            code_line += f"　签字负责人：{report.signer_name}"
    ws.append([styled(ws, code_line, Font(name="宋体", size=9), LEFT, None)])
    merge(ws, row_number, 1, row_number, count)
    workbook.save(stream)


def report_bytes(report):
    buffer = io.BytesIO()
    write_report(report, buffer)
    return buffer.getvalue()


class UnreadableWorkbook(ValueError):
    pass


@dataclass
class ReadBack:
    code: str | None
    rows: list
    totals: list | None
    title: str


def read_report(upload, column_count, depth):
    """Read the code and the table's numbers back from a workbook written by write_report.

    Data rows run from below the header to the 合计 row, the 注 notes or a blank row.
    """
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableWorkbook("无法读取该文件，请上传系统导出的 .xlsx 报表原件。") from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableWorkbook("文件内容过大，不是系统导出的报表。")
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
