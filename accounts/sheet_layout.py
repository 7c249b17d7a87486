"""The printed page of a government-layout workbook (accounts.sheets): A4 landscape geometry,
column widths that fit the page without shrinking the text below a readable size, the
height each row needs for its wrapped text, the page breaks that keep the last rows with
注 and the signature line, and where the seal goes.

The figures follow how Excel measures a sheet: a column's width is counted in digits of the
workbook's default font (Calibri 11, seven pixels a digit at 96 dpi), a row's height in
points, and fit-to-width scales the whole sheet by a whole percentage.
"""

import datetime
import math
from dataclasses import dataclass, field

# A4 landscape and the sheet's margins (inches, as Excel stores them).
PAGE_WIDTH_PT = 297 / 25.4 * 72
PAGE_HEIGHT_PT = 210 / 25.4 * 72
MARGIN_SIDE_IN = 0.5
MARGIN_TOP_BOTTOM_IN = 0.6
PRINTABLE_WIDTH_PT = PAGE_WIDTH_PT - 2 * 72 * MARGIN_SIDE_IN
PRINTABLE_HEIGHT_PT = PAGE_HEIGHT_PT - 2 * 72 * MARGIN_TOP_BOTTOM_IN
# Rows are broken a little short of the page, so a renderer measuring a hair larger than
# this model (LibreOffice, WPS) never has to add a break of its own.
PAGE_FILL = 0.97

DIGIT_PX = 7  # Calibri 11's widest digit, the unit of a column's width
PT_PER_PX = 72 / 96
BODY_PT = 11
# Widths are chosen so the sheet fits the page unscaled: the body prints at its own 11 pt and
# the seal at its true size. LibreOffice measures a column about 6 % wider than Excel (it does
# not round the digit width to whole pixels), so the widths leave it that much room. Where
# numbers and dates cannot wrap enough for that, the sheet is scaled, never so far that the
# body falls below MIN_PRINTED_PT (the tests hold every table to it).
RENDERER_ALLOWANCE = 1.07
MIN_PRINTED_PT = 9
# 宋体 draws a Chinese character one em wide and a Latin letter or digit half an em.
HALF_EM_PX = BODY_PT / 2 / PT_PER_PX
CELL_PADDING_PX = 6
LINE_PT = 15
LINE_GAP_PT = 1.5
NOTE_LINE_PT = 15
LINE_GAP_PT = 1.5
MAX_COLUMN_WIDTH = 40
MIN_COLUMN_WIDTH = 5
MAX_ROW_LINES = 8
# Excel keeps at most 1026 manual breaks on a sheet; a longer sheet keeps its last ones.
MAX_MANUAL_BREAKS = 1000
SEAL_CM = 4.2  # a round official seal, as printed
EMU_PER_PT = 12700
EMU_PER_PX = 9525
PT_PER_CM = 72 / 2.54


def display_width(text):
    """Half-em units: a Chinese character is two, a digit or Latin letter one. UTF-8 spends
    three bytes on a CJK character and one on ASCII, so this costs no Python loop."""
    text = str(text)
    return (len(text.encode("utf-8")) + len(text)) // 2


def column_px(width):
    """The pixels Excel gives a column of `width` digits (ECMA-376 §18.3.1.13)."""
    return math.floor((256 * width + math.floor(128 / DIGIT_PX)) / 256 * DIGIT_PX)


def column_points(width):
    return column_px(width) * PT_PER_PX


def per_line(width):
    """How many half-em units of body text one line of a column holds."""
    return max(int((column_px(width) - CELL_PADDING_PX) / HALF_EM_PX), 1)


def width_for(units):
    """The narrowest width (whole digits) whose line holds `units` half-ems."""
    width = max(math.ceil((units * HALF_EM_PX + CELL_PADDING_PX) / DIGIT_PX), 1)
    while per_line(width) < units:
        width += 1
    return width


def lines_for(value, width):
    """Wrapped lines a value takes in a column of `width` (at least one)."""
    if value in (None, ""):
        return 1
    return lines_for_capacity(value, per_line(width))


def lines_for_capacity(value, capacity):
    return max(
        sum(max(math.ceil(display_width(part) / capacity), 1) for part in str(value).split("\n")),
        1,
    )


def row_lines(values, widths, capacities=None):
    """The lines the row's tallest cell wraps to. `capacities` (per_line of each width) may be
    given once for a whole sheet: a streamed ledger measures every row."""
    capacities = capacities or [per_line(width) for width in widths]
    lines = 1
    for value, capacity in zip(values, capacities, strict=False):
        if value.__class__ is str:
            # One line is the common case: the UTF-8 length bounds the width from above.
            if (len(value) * 3 > capacity and display_width(value) > capacity) or "\n" in value:
                lines = max(lines, lines_for_capacity(value, capacity))
        elif value not in (None, "") and not isinstance(value, int | float | datetime.date):
            lines = max(lines, lines_for_capacity(str(value), capacity))
    return min(lines, MAX_ROW_LINES)


def lines_height(lines):
    """A row's height for `lines` of wrapped body text, with room for a CJK font whose line
    is a little taller than 宋体's (what LibreOffice draws where 宋体 is missing)."""
    return LINE_PT * lines + LINE_GAP_PT * (lines - 1)


def fit_scale(widths):
    """The whole-percent scale fit-to-width prints the sheet at (never above 100 %)."""
    total = sum(column_points(width) for width in widths)
    if total <= PRINTABLE_WIDTH_PT:
        return 1.0
    return math.floor(PRINTABLE_WIDTH_PT * 100 / total) / 100


def fit_widths(natural, minimum):
    """Widths between `minimum` (a number or a date does not wrap) and `natural`, each column
    giving up the same share of its slack, so the sheet fits the page unscaled in Excel and
    LibreOffice alike while a wide column (企业名称) stays the widest."""
    budget = PRINTABLE_WIDTH_PT / RENDERER_ALLOWANCE

    def shared(share):
        return [
            low + math.floor((high - low) * share / 100)
            for high, low in zip(natural, minimum, strict=True)
        ]

    def fits(widths):
        return sum(column_points(width) for width in widths) <= budget

    if fits(natural):
        return list(natural)
    low, high = 0, 100
    while low < high:  # the largest share (per cent of each column's slack) that fits
        middle = (low + high + 1) // 2
        if fits(shared(middle)):
            low = middle
        else:
            high = middle - 1
    return shared(low)


@dataclass
class Pages:
    """Greedy page breaks over the rows as they are written, the way Excel breaks a sheet,
    then one decision at the end: the rows after the data (注, signature, code) go on the
    page of the last data rows, moving the last one or two data rows over with them when
    they do not fit, so no page holds only the repeated header."""

    scale: float
    title_height: float  # the header rows repeated on every page
    capacity: float = 0.0
    used: float = 0.0
    breaks: list = field(default_factory=list)  # the last row of each page but the last
    page_rows: list = field(default_factory=list)  # (row number, height) of this page's data

    def __post_init__(self):
        self.capacity = PRINTABLE_HEIGHT_PT * PAGE_FILL / self.scale

    def top(self, height):
        """A row of page 1 above the data (title, unit line, date line, header)."""
        self.used += height

    def data(self, row_number, height):
        if self.page_rows and self.used + height > self.capacity:
            self.breaks.append(row_number - 1)
            self.used = self.title_height
            self.page_rows = []
        self.used += height
        self.page_rows.append((row_number, height))

    def finish(self, tail_height):
        """Place the break the tail needs, if any; return the sheet's break rows."""
        if self.used + tail_height > self.capacity and len(self.page_rows) > 1:
            for keep in (2, 1):
                if len(self.page_rows) <= keep:
                    continue
                moved = self.page_rows[-keep:]
                if self.title_height + sum(h for _, h in moved) + tail_height <= self.capacity:
                    self.breaks.append(moved[0][0] - 1)
                    break
        return self.breaks[-MAX_MANUAL_BREAKS:]


@dataclass(frozen=True)
class SealPlace:
    """Where the seal image goes: its top-left cell (zero-based), offsets and size in EMU."""

    column: int
    column_offset: int
    row: int
    row_offset: int
    width: int
    height: int


def seal_row_height(scale):
    """The 填报单位 row is kept tall enough for the seal at its printed size, plus a margin."""
    return SEAL_CM * PT_PER_CM / scale + 3


def seal_place(unit_text, widths, row, scale, ratio=1.0):
    """The seal centred on （盖章） at the end of the left-aligned unit line, within the table;
    `ratio` is the image's height over its width."""
    width_px = SEAL_CM * PT_PER_CM / scale / PT_PER_PX
    height_px = width_px * ratio
    text_end = CELL_PADDING_PX / 2 + display_width(unit_text) * HALF_EM_PX
    mark_centre = text_end - 2 * 2 * HALF_EM_PX  # the middle of （盖章）, two ems from the end
    table_px = sum(column_px(width) for width in widths)
    left = max(0.0, min(mark_centre - width_px / 2, table_px - width_px))
    column = 0
    while column < len(widths) - 1 and left >= column_px(widths[column]):
        left -= column_px(widths[column])
        column += 1
    row_px = seal_row_height(scale) / PT_PER_PX
    return SealPlace(
        column=column,
        column_offset=round(left * EMU_PER_PX),
        row=row,
        row_offset=round(max(row_px - height_px, 0) / 2 * EMU_PER_PX),
        width=round(width_px * EMU_PER_PX),
        height=round(height_px * EMU_PER_PX),
    )
