"""The government-layout workbook: the one writer of every table a county office prints, stamps
and sends upward (附件1, 附件2, the summary tables, the 月报, the 问责台账).

Layout, top to bottom: the title (merged across the table), "填报单位：…（盖章）", "日期：…",
one or two header rows (a two-level header merges its group cells), the data rows, an
optional 合计 row, the 注 notes (merged, wrapped), the signature line and the verification
code. A4 landscape, fit to one page wide, header rows repeated on every printed page, the
code also in the page footer, the seal image over the 填报单位 line when there is one.

The sheet is written with openpyxl's write-only mode and the rows may be any iterable, so a
county's whole ledger streams from the database to the file without sitting in memory.
It lives at the left-most layer so the apps that own a table's rows (enterprises for 附件1,
inspections for 附件2) and reporting's registry all write through it; reporting.submissions.reading reads
the same layout back for /verify/.

No cell is ever a formula: text beginning with = + - @ (or a tab or CR) is written as text with
Excel's quote prefix, shown as typed; control characters .xlsx cannot hold are dropped as the
cell is written (accounts.cleaning.clean_text), whatever was stored before input was cleaned.
"""

import datetime
import io
import re
import tempfile
from copy import copy
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from .cleaning import clean_text
from .sheet_layout import (
    BODY_PT,
    EMU_PER_PX,
    LINE_PT,
    MARGIN_SIDE_IN,
    MARGIN_TOP_BOTTOM_IN,
    MAX_COLUMN_WIDTH,
    MAX_ROW_LINES,
    MIN_COLUMN_WIDTH,
    NOTE_LINE_PT,
    Pages,
    display_width,
    fit_scale,
    fit_widths,
    lines_for,
    lines_height,
    per_line,
    row_lines,
    seal_place,
    seal_row_height,
    width_for,
)

TITLE_FONT = Font(name="黑体", size=18)
HEADER_FONT = Font(name="黑体", size=BODY_PT)
BODY_FONT = Font(name="宋体", size=BODY_PT)
NOTE_FONT = Font(name="仿宋", size=BODY_PT)
# The code line and footer stay readable too once fit-to-width has scaled the sheet.
CODE_PT = 10
CODE_FONT = Font(name="宋体", size=CODE_PT)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
NOTE_ALIGNMENT = Alignment(horizontal="left", vertical="top", wrap_text=True)
DATE_FORMAT = "yyyy-mm-dd"
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")

TITLE_ROW, UNIT_ROW, DATE_ROW, FIRST_HEADER_ROW = 1, 2, 3, 4
TITLE_HEIGHT, DATE_HEIGHT, SIGNATURE_HEIGHT = 30, 18, 24
PAPER_SIZE_A4 = "9"  # ECMA-376 paper size code
BLANK_SIGNATURE = "__________"
DEFAULT_UNIT_LABEL = "填报单位"
TOTALS_LABEL = "合计"
NOTES_PREFIX = "注："
CODE_LABEL = "验证码："
DRAFT_CODE = "草稿，未报送"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text a spreadsheet would take for a formula (or a DDE call) if it were typed in the cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    label: str
    group: str = ""  # upper header cell shared by adjacent columns with the same group
    width: int = 0  # minimum width in Excel character units; 0 = fit the text
    numeric: bool = False  # centred; everything else aligns left
    date: bool = False  # holds dates: never narrower than one, even before its rows are seen


@dataclass
class ExcelReport:
    """Everything one exported table needs. `rows` may be a list or any iterable of rows."""

    title: str
    columns: list
    rows: object
    totals: list | None = None
    notes: tuple = ()  # the first is printed after 注：, the rest indented under it
    unit_label: str = DEFAULT_UNIT_LABEL
    unit_name: str = ""
    report_date: datetime.date | None = None
    seal: object = None  # a binary file object holding a PNG, or None for a wet stamp
    verification_code: str = ""
    signer_name: str = ""  # recorded in the system; the paper still needs the wet signature
    filled_by: str = ""
    phone: str = ""
    sheet_title: str = "报表"
    extra: dict = field(default_factory=dict)


def title_place(region):
    """The place a seed table is titled with: seed 004 titles a township's ledger with its
    county's name (惠济区小散乱污企业排查台账); a county's or a wider area's has its own."""
    if region.level <= region.Level.COUNTY:
        return region
    return region.ancestor_at(region.Level.COUNTY) or region


def own_organisation(user, region):
    """The user's organisation when the table is of its own region, else None: a county office
    looking at one township's table signs nothing for the township."""
    organisation = user.organisation if user.organisation_id else None
    if organisation is not None and organisation.region_id == region.pk:
        return organisation
    return None


def signing_unit(user, region):
    """The 填报单位 name: the user's own organisation (own_organisation), else the region's."""
    organisation = own_organisation(user, region)
    return organisation.name if organisation is not None else region.name


def header_depth(columns):
    return 2 if any(column.group for column in columns) else 1


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日" if day else "    年  月  日"


def column_widths(columns, rows, sample=500):
    """Widths that fit the labels and the first rows, narrowed to fit the printed page
    (sheet_layout.fit_widths). Streamed rows (not a list) cannot be looked ahead at, so their
    columns fit the label and the column's declared width."""
    sampled = rows[:sample] if isinstance(rows, list | tuple) else ()
    natural, minimum = [], []
    for index, column in enumerate(columns):
        widest = display_width(column.label)
        rigid = 4  # the label wraps down to two characters a line
        for row in sampled:
            value = row[index] if index < len(row) else None
            if value in (None, ""):
                continue
            width = display_width(value)
            widest = max(widest, width)
            if isinstance(value, int | float | datetime.date) or DATE_TEXT.fullmatch(str(value)):
                rigid = max(rigid, width)  # numbers and dates never wrap
        if column.date:
            rigid = max(rigid, 10)
        if not column.numeric and not column.date:
            rigid = max(rigid, min(widest, 6))  # three characters a line at the least
        wanted = max(column.width + 2, width_for(min(widest, MAX_COLUMN_WIDTH)))
        natural.append(max(min(wanted, MAX_COLUMN_WIDTH + 2), 6))
        minimum.append(max(width_for(rigid), MIN_COLUMN_WIDTH))
    minimum = [min(low, high) for low, high in zip(minimum, natural, strict=True)]
    return fit_widths(natural, minimum)


def sheet_text(value):
    """A value as it may go into a cell: text without the control characters .xlsx cannot hold
    (input is cleaned at the boundary; this also covers what was stored before)."""
    return clean_text(value) if value.__class__ is str else value


def formula_like(value):
    return value.__class__ is str and value.startswith(FORMULA_STARTS)


def set_text(cell, value):
    """Put a (cleaned) value in a cell; text that looks like a formula stays text."""
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"


def append_plain_row(sheet, values):
    """Append a row to an ordinary (not write-only) worksheet the way write_report writes
    cells: for the few plain listings that are not a government-layout table."""
    sheet.append([sheet_text(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def styled(
    ws, value, font=BODY_FONT, alignment=CENTRE, border=BOX, number_format=None, quoted=None
):
    """A write-only cell with the given style. Assigning openpyxl style objects hashes them each
    time, so each combination is resolved once per workbook and copied. Text beginning like a
    formula is written as text with Excel's quote prefix (shown as typed, and still text when
    the cell is edited); `quoted` forces that style for a cell reused for many values."""
    value = sheet_text(value)
    quoted = formula_like(value) if quoted is None else quoted
    cell = WriteOnlyCell(ws)
    set_text(cell, value)
    # Style indexes belong to one workbook, so the cache lives on the workbook itself.
    cache = ws.parent.__dict__.setdefault("_report_styles", {})
    key = (id(font), id(alignment), id(border), number_format, quoted)
    style = cache.get(key)
    if style is None:
        cell.font = font
        cell.alignment = alignment
        if border is not None:
            cell.border = border
        if number_format is not None:
            cell.number_format = number_format
        if quoted:
            cell.quotePrefix = True
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
    if header_depth(columns) == 1:
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


def header_heights(columns, widths):
    """The height of each header row: a group label wraps across the columns it spans, an
    ungrouped label across both rows of a two-level header."""
    labels, merges = header_rows(columns)
    if len(labels) == 1:
        return [lines_height(row_lines(labels[0], widths))]
    upper = lower = 1
    for top, left, bottom, right in merges:
        label = labels[0][left]
        span = sum(widths[left : right + 1])
        lines = min(lines_for(label, span), MAX_ROW_LINES)
        if bottom == top:
            upper = max(upper, lines)
    lower = row_lines(labels[1], widths)
    for top, left, bottom, _right in merges:
        if bottom > top:
            upper = max(upper, lines_for(labels[0][left], widths[left]) - lower)
    return [lines_height(min(upper, MAX_ROW_LINES)), lines_height(lower)]


def add_seal(ws, seal, unit_text, widths, scale):
    """The seal image over （盖章） in the tall 填报单位 row kept for it, at SEAL_CM printed."""
    seal.seek(0)
    image = SheetImage(io.BytesIO(seal.read()))
    ratio = image.height / image.width if image.width else 1
    place = seal_place(unit_text, widths, UNIT_ROW - 1, scale, ratio)
    image.width = round(place.width / EMU_PER_PX)
    image.height = round(place.height / EMU_PER_PX)
    image.anchor = OneCellAnchor(
        _from=AnchorMarker(
            col=place.column, colOff=place.column_offset, row=place.row, rowOff=place.row_offset
        ),
        ext=XDRPositiveSize2D(place.width, place.height),
    )
    ws.add_image(image)


def set_up_page(ws, first_data_row, code_text):
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_SIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    # Rows without a height of their own are one line tall, in Excel and LibreOffice alike
    # (customHeight: not re-fitted on opening), so the page breaks fall where they were set.
    ws.sheet_format.defaultRowHeight = LINE_PT
    ws.sheet_format.customHeight = True
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE_IN
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TOP_BOTTOM_IN
    ws.print_title_rows = f"{FIRST_HEADER_ROW}:{first_data_row - 1}"
    ws.oddFooter.center.text = f"{CODE_LABEL}{code_text}"
    ws.oddFooter.center.font = "宋体"
    ws.oddFooter.center.size = CODE_PT
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.size = CODE_PT


def write_line(ws, row_number, count, value, font=BODY_FONT, alignment=LEFT, height=None):
    """One text line merged across the table (title, unit, date, notes, signature, code)."""
    if height is not None:
        ws.row_dimensions[row_number].height = height
    ws.append([styled(ws, value, font, alignment, None)])
    merge(ws, row_number, 1, row_number, count)


def column_cells(ws, columns, number_format=None, quoted=False):
    """One styled cell per column, placed in its column once for the whole sheet."""
    cells = []
    for index, column in enumerate(columns, start=1):
        cell = styled(
            ws,
            None,
            alignment=CENTRE if column.numeric else LEFT,
            number_format=number_format,
            quoted=quoted,
        )
        cell.column = index
        cells.append(cell)
    return cells


def placed_cells(ws):
    # Stands in for WriteOnlyWorksheet._values_to_row, which takes a styled cell only after
    # failing to store it as a value (a ValueError and the cell's repr per value) and then
    # builds a fresh cell to replace it: most of what styling cost over bare openpyxl.
    # The row before has been written by now, so its height entry is dropped: a streamed
    # ledger keeps no per-row object in memory.
    heights = ws.row_dimensions

    def place(cells, row_index):
        heights.pop(row_index - 1, None)
        for cell in cells:
            cell.row = row_index
            yield cell

    return place


def write_data_rows(ws, columns, rows, widths, first_row, pages):
    """Append the data rows with their column styles and the height their wrapped text
    needs (measured as they stream, so the page breaks are known when the last is written);
    return the row number after the last."""
    # Write-only mode serialises a row as soon as it is appended, so the same two styled cells
    # per column carry every row: no cell objects or style copies are made per value. Dates get
    # the column's date-formatted cell, so an empty date stays a plain bordered cell; text that
    # begins like a formula gets the column's quoted cell.
    plain_cells = column_cells(ws, columns)
    date_cells = column_cells(ws, columns, number_format=DATE_FORMAT)
    quoted_cells = column_cells(ws, columns, quoted=True)
    heights = ws.row_dimensions
    capacities = [per_line(width) for width in widths]
    row_number = first_row
    # If openpyxl ever renames the hook, rows still go through its own path: slower, same file.
    ws._values_to_row = placed_cells(ws)
    try:
        for values in rows:
            height = lines_height(row_lines(values, widths, capacities))
            if height != LINE_PT:  # a one-line row takes the sheet's default height
                heights[row_number].height = height
            pages.data(row_number, height)
            row = []
            for value, plain, dated, quoted in zip(
                values, plain_cells, date_cells, quoted_cells, strict=False
            ):
                if value.__class__ is str:
                    value = clean_text(value)
                    if value.startswith(FORMULA_STARTS):
                        quoted.value = value
                        quoted.data_type = "s"
                        row.append(quoted)
                        continue
                cell = dated if isinstance(value, datetime.date) else plain
                cell.value = value
                row.append(cell)
            ws.append(row)
            row_number += 1
    finally:
        del ws._values_to_row
    return row_number


def unit_line(report):
    return f"{report.unit_label}：{report.unit_name}（盖章）"


def date_line(report):
    return f"日期：{chinese_date(report.report_date)}"


def note_lines(report):
    return [
        f"{NOTES_PREFIX}{note}" if index == 0 else f"{'　' * 2}{note}"
        for index, note in enumerate(report.notes)
    ]


def signature_line(report):
    return (
        f"主要负责同志签字：{BLANK_SIGNATURE}　　　"
        f"填表人：{report.filled_by or BLANK_SIGNATURE}　　　"
        f"联系电话：{report.phone or BLANK_SIGNATURE}"
    )


def code_line(report):
    line = f"{CODE_LABEL}{report.verification_code or DRAFT_CODE}"
    if report.verification_code:
        line += "（可在系统“验证报表”页面 /verify/ 核验本表数字是否与报送一致）"
        if report.signer_name:
            line += f"　签字负责人：{report.signer_name}"
    return line


def top_lines(report):
    """The cells above the data, row by row, as written: title, unit, date, header rows."""
    labels, _merges = header_rows(list(report.columns))
    return [[report.title], [unit_line(report)], [date_line(report)], *labels]


def bottom_lines(report):
    """The cells below the data (and 合计), row by row, as written: 注, signature, code."""
    return [*([line] for line in note_lines(report)), [signature_line(report)], [code_line(report)]]


def write_report(report, stream):
    """Write the workbook to a binary stream (a file, an HttpResponse, a BytesIO)."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(report.sheet_title[:31])
    columns = list(report.columns)
    count = len(columns)
    widths = column_widths(columns, report.rows)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    scale = fit_scale(widths)
    first_data_row = FIRST_HEADER_ROW + header_depth(columns)
    set_up_page(ws, first_data_row, report.verification_code or DRAFT_CODE)
    header_height = header_heights(columns, widths)
    pages = Pages(scale=scale, title_height=sum(header_height))

    unit_text = unit_line(report)
    unit_height = seal_row_height(scale)
    for height in (TITLE_HEIGHT, unit_height, DATE_HEIGHT, *header_height):
        pages.top(height)
    write_line(ws, TITLE_ROW, count, report.title, TITLE_FONT, CENTRE, height=TITLE_HEIGHT)
    # The 填报单位 row is as tall as the seal, so a seal (or a wet stamp) pressed over （盖章）
    # covers neither the date line nor the header below it.
    write_line(ws, UNIT_ROW, count, unit_text, height=unit_height)
    write_line(ws, DATE_ROW, count, date_line(report), height=DATE_HEIGHT)
    if report.seal is not None:
        add_seal(ws, report.seal, unit_text, widths, scale)

    labels, merges = header_rows(columns)
    for offset, labels_row in enumerate(labels):
        ws.row_dimensions[FIRST_HEADER_ROW + offset].height = header_height[offset]
        ws.append([styled(ws, label, HEADER_FONT) for label in labels_row])
    for top, left, bottom, right in merges:
        merge(ws, FIRST_HEADER_ROW + top, left + 1, FIRST_HEADER_ROW + bottom, right + 1)

    row_number = write_data_rows(ws, columns, report.rows, widths, first_data_row, pages)
    if report.totals:
        height = lines_height(row_lines(report.totals, widths))
        ws.row_dimensions[row_number].height = height
        pages.data(row_number, height)
        ws.append([styled(ws, value, HEADER_FONT) for value in report.totals])
        if count > 1 and report.totals[1] in ("", None):
            merge(ws, row_number, 1, row_number, 2)
        row_number += 1

    total_width = sum(widths)
    tail = []
    for text in note_lines(report):
        tail.append((text, NOTE_FONT, NOTE_ALIGNMENT, NOTE_LINE_PT * lines_for(text, total_width)))
    tail.append((signature_line(report), BODY_FONT, LEFT, SIGNATURE_HEIGHT))
    tail.append(
        (code_line(report), CODE_FONT, LEFT, LINE_PT * lines_for(code_line(report), total_width))
    )
    for brk in pages.finish(sum(height for *_, height in tail)):
        ws.row_breaks.append(Break(id=brk))
    for text, font, alignment, height in tail:
        write_line(ws, row_number, count, text, font, alignment, height=height)
        row_number += 1
    workbook.save(stream)


def report_bytes(report):
    buffer = io.BytesIO()
    write_report(report, buffer)
    return buffer.getvalue()


def report_file(report):
    """The workbook in a temporary file, rewound, for a streamed download of a long table."""
    # Handed to FileResponse, which streams and then closes it; a `with` would close it too early.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    write_report(report, output)
    output.seek(0)
    return output
