"""How a saved workbook prints, computed from the file alone (its column widths, row heights,
margins, paper, fit-to-width setting, manual breaks and fonts), the way Excel lays it out:
the scale fit-to-width prints at, the effective size of the smallest text, the rows on each
page, and where a drawing lands. Kept apart from accounts.sheet_layout on purpose, so the
tests measure the file rather than repeat the writer's own sums."""

import io
import math
import re

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

POINTS_PER_INCH = 72
PAPER_MM = {9: (210, 297)}  # ECMA-376 paper size 9: A4 (portrait width, height)
DEFAULT_ROW_PT = 15
EMU_PER_PT = 12700
EMU_PER_CM = 360000


def open_sheet(content):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def column_pt(width):
    pixels = math.floor((256 * width + math.floor(128 / 7)) / 256 * 7)
    return pixels * 0.75


def paper_pt(ws):
    short, long = PAPER_MM[int(ws.page_setup.paperSize)]
    width, height = (long, short) if ws.page_setup.orientation == "landscape" else (short, long)
    return width / 25.4 * POINTS_PER_INCH, height / 25.4 * POINTS_PER_INCH


def printable_pt(ws):
    width, height = paper_pt(ws)
    margins = ws.page_margins
    return (
        width - (margins.left + margins.right) * POINTS_PER_INCH,
        height - (margins.top + margins.bottom) * POINTS_PER_INCH,
    )


def used_columns(ws):
    return range(1, ws.max_column + 1)


def sheet_width_pt(ws):
    from openpyxl.utils import get_column_letter

    default = ws.sheet_format.defaultColWidth or 9.140625
    return sum(
        column_pt(ws.column_dimensions[get_column_letter(index)].width or default)
        for index in used_columns(ws)
    )


def print_scale(ws):
    """The scale the sheet prints at: fit-to-width's whole percentage, or the stated scale."""
    if ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage:
        width, _height = printable_pt(ws)
        return min(100, math.floor(width * 100 / sheet_width_pt(ws))) / 100
    return (ws.page_setup.scale or 100) / 100


def effective_font_pt(content):
    """The printed size of the smallest text in any non-empty cell of the first sheet."""
    ws = open_sheet(content)
    sizes = [
        cell.font.size
        for row in ws.iter_rows()
        for cell in row
        if cell.value not in (None, "") and cell.font is not None
    ]
    return min(sizes) * print_scale(ws)


def row_height(ws, row):
    return ws.row_dimensions[row].height or ws.sheet_format.defaultRowHeight or DEFAULT_ROW_PT


def title_rows(ws):
    if not ws.print_title_rows:
        return []
    first, last = (int(part) for part in re.findall(r"\d+", ws.print_title_rows))
    return list(range(first, last + 1))


def last_row(ws):
    return max(
        (cell.row for row in ws.iter_rows() for cell in row if cell.value not in (None, "")),
        default=0,
    )


def pages(content):
    """Rows on each printed page: rows fill a page until the next does not fit or a manual
    break ends it; pages after the first begin with the repeated header rows."""
    ws = open_sheet(content)
    scale = print_scale(ws)
    _width, height = printable_pt(ws)
    capacity = height / scale
    breaks = {brk.id for brk in ws.row_breaks.brk}
    titles = title_rows(ws)
    title_height = sum(row_height(ws, row) for row in titles)
    result, page, used = [], [], 0.0
    for row in range(1, last_row(ws) + 1):
        needed = row_height(ws, row)
        if page and used + needed > capacity:
            result.append(page)
            page, used = [], title_height
        page.append(row)
        used += needed
        if row in breaks:
            result.append(page)
            page, used = [], title_height
    if page:
        result.append(page)
    return result


def row_top_pt(ws, row):
    """Zero-based row's top edge, in sheet points from the top of the sheet."""
    return sum(row_height(ws, number) for number in range(1, row + 1))


def drawing_box(ws, image):
    """(left, top, right, bottom) of a one-cell-anchored drawing, in sheet points."""
    from openpyxl.utils import get_column_letter

    anchor = image.anchor
    marker = anchor._from
    default = ws.sheet_format.defaultColWidth or 9.140625
    left = sum(
        column_pt(ws.column_dimensions[get_column_letter(index)].width or default)
        for index in range(1, marker.col + 1)
    )
    left += marker.colOff / EMU_PER_PT
    top = row_top_pt(ws, marker.row) + marker.rowOff / EMU_PER_PT
    return (
        left,
        top,
        left + anchor.ext.width / EMU_PER_PT,
        top + anchor.ext.height / EMU_PER_PT,
    )


def column_left_pt(ws, letter):
    from openpyxl.utils import get_column_letter

    default = ws.sheet_format.defaultColWidth or 9.140625
    return sum(
        column_pt(ws.column_dimensions[get_column_letter(index)].width or default)
        for index in range(1, column_index_from_string(letter))
    )
