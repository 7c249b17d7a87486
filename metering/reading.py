"""Reading the power company's consumption export (.xlsx, .xls or .csv: 户号, 户名, 用电地址,
期间, 用电量) into staged rows, each with its problems by column. The file is opened by the
ledger import's reader (enterprises.imports.sources: format told from the bytes, merged and
hidden cells as Excel shows them, GBK CSV); only the columns and values differ.

A province's monthly file holds about a million accounts, so rows are yielded one at a time
and written to the staging table in chunks by metering.imports."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from enterprises.duplicates import normalise_text
from enterprises.electricity import ACCOUNT_NUMBER
from enterprises.imports.reading import VisibleRows, header_columns
from enterprises.imports.sources import LedgerFileError, open_sheets
from enterprises.imports.values import cell_text, parse_date

from .models import PeriodKind

# A province's file: a million rows of about 60 bytes as CSV; an .xlsx is smaller.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_DATA_ROWS = 2_000_000
HEADER_SEARCH_ROWS = 20
MAX_KWH = Decimal("999999999999")

HEADER_ALIASES = {
    "户号": "account_number",
    "用电户号": "account_number",
    "用户编号": "account_number",
    "电力户号": "account_number",
    "户名": "account_name",
    "用户名称": "account_name",
    "用电户名": "account_name",
    "用电地址": "address",
    "地址": "address",
    "期间": "period",
    "账期": "period",
    "电费年月": "period",
    "月份": "period",
    "日期": "period",
    "用电日期": "period",
    "用电量": "kwh",
    "电量": "kwh",
    "用电量kwh": "kwh",
    "用电量千瓦时": "kwh",
    "用电量度": "kwh",
}
REQUIRED = ("account_number", "period", "kwh")
COLUMN_LABELS = {
    "account_number": "户号",
    "account_name": "户名",
    "address": "用电地址",
    "period": "期间",
    "kwh": "用电量",
}

MONTH_PATTERN = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?(?:份)?$")
COMPACT_MONTH_PATTERN = re.compile(r"^(\d{4})(\d{2})$")


def map_header(cells):
    """{column index: field} for a candidate header row, or None if it is not the header."""
    # Headers as the utility writes them: "用电量(kWh)" in any case; 户号 and 期间 are two
    # characters, so a two-character name may begin a longer header.
    mapping = header_columns(cells, aliases=HEADER_ALIASES, shortest_prefix=2, fold_case=True)
    return mapping if all(name in mapping.values() for name in REQUIRED) else None


def parse_period(value):
    """(kind, first day, None) or (None, None, message): a month (2026-11, 2026年11月, 202611)
    or a day (2026-11-05, an Excel date)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None, "缺少期间（月份如 2026-11，或日期如 2026-11-05）。"
    if isinstance(value, datetime.datetime | datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return PeriodKind.DAY, day, None
    text = normalise_text(value).replace(" ", "")
    match = MONTH_PATTERN.match(text) or COMPACT_MONTH_PATTERN.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or not 1990 <= year <= 2100:
            return None, None, f"期间“{text}”不是有效的月份。"
        return PeriodKind.MONTH, datetime.date(year, month, 1), None
    day, message = parse_date(value)
    if day is None:
        if message and "不存在" in message:
            return None, None, f"期间{message[2:]}"
        return None, None, f"期间“{text}”无法识别，请写成 2026-11（月）或 2026-11-05（日）。"
    return PeriodKind.DAY, day, None


def parse_kwh(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "缺少用电量。"
    if isinstance(value, bool):
        return None, "用电量应为数字（kWh）。"
    text = normalise_text(value).replace(",", "").replace(" ", "")
    text = re.sub(r"(?i)(kwh|千瓦时|度)$", "", text)
    try:
        kwh = Decimal(text)
    except InvalidOperation:
        return None, f"用电量“{text}”不是数字。"
    if not kwh.is_finite() or kwh < 0:
        return None, f"用电量“{text}”不能为负数。"
    if kwh > MAX_KWH:
        return None, f"用电量“{text}”过大，请核对单位（应为 kWh）。"
    return kwh.quantize(Decimal("0.01")), None


def parse_row(number, cells, mapping, seen):
    """A staged row (a dict of ConsumptionRow's fields) from one data row of the file."""
    values = {
        name: (cells[index] if index < len(cells) else None) for index, name in mapping.items()
    }
    problems = []

    def problem(column, message):
        problems.append({"column": COLUMN_LABELS[column], "message": message})

    account = cell_text(values.get("account_number")).replace(" ", "").upper()
    if account.endswith(".0") and account[:-2].isdigit():
        account = account[:-2]  # a number cell read as a float
    if not account:
        problem("account_number", "缺少户号。")
    elif not ACCOUNT_NUMBER.match(account):
        problem("account_number", f"户号“{account}”格式不正确，应为 4–30 位数字或字母。")
    kind, start, message = parse_period(values.get("period"))
    if message:
        problem("period", message)
    kwh, message = parse_kwh(values.get("kwh"))
    if message:
        problem("kwh", message)
    if account and start and not problems:
        key = (account, kind, start)
        if key in seen:
            problem(
                "period", f"与第 {seen[key]} 行的户号和期间相同，同一户同一期间只能有一个读数。"
            )
        else:
            seen[key] = number
    return {
        "row_number": number,
        "account_number": account[:30],
        "account_name": cell_text(values.get("account_name"))[:200],
        "address": cell_text(values.get("address"))[:200],
        "period_kind": kind or "",
        "period_start": start,
        "period_month": start.replace(day=1) if start else None,
        "kwh": kwh,
        "problems": problems,
        "has_problems": bool(problems),
    }


def read_consumption(upload):
    """Yield (sheet name, recognised columns) once, then the staged rows; LedgerFileError for
    a file that cannot be read or has no 户号/期间/用电量 header."""
    with open_sheets(upload, MAX_FILE_BYTES) as (_format, sheets):
        for sheet in sheets:
            if sheet.hidden:
                continue
            reader = VisibleRows(sheet)
            mapping = None
            for number, cells in reader:
                if number > HEADER_SEARCH_ROWS:
                    break
                mapping = map_header(cells)
                if mapping:
                    reader.header_row = number
                    break
            if not mapping:
                continue
            yield sheet.title, {COLUMN_LABELS[name]: index for index, name in mapping.items()}
            seen, count = {}, 0
            for number, cells in reader:
                if not any(cell_text(value) for value in cells):
                    continue
                count += 1
                if count > MAX_DATA_ROWS:
                    raise LedgerFileError(
                        f"文件的数据行超过 {MAX_DATA_ROWS} 行，请分成几个文件导入。"
                    )
                yield parse_row(number, cells, mapping, seen)
            if not count:
                raise LedgerFileError("表头下面没有任何用电数据行。")
            return
    raise LedgerFileError(
        "没有找到用电数据的表头。表头一行应包含“户号”“期间”“用电量”（可另有“户名”“用电地址”）。"
    )
