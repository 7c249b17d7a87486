"""Reading a township's own 附件1 ledger, as offices send it, into a preview.

The file may be an .xlsx, an old .xls or a CSV (sources.py turns each into sheets of cell
values). The header is looked for on the first HEADER_SEARCH_ROWS rows of every sheet in turn;
the first sheet with a recognisable 附件1 header is read. Columns are found by header name,
not position: a merged title row, a "镇（办）/日期" row, wrapped header names
("完成情况\\n(完成日期)"), a 序号 column and extra or reordered columns are all expected.
The sheet is read as Excel shows it: a value merged over several rows belongs to each of
them, hidden rows and columns are left out (and named in a notice). Every cell is tidied
(full-width → half-width, stray spaces), dates are read in every form clerks write them, and
each problem is reported with its row number, column and a message a clerk understands.
Nothing is written to the ledger here: the parsed rows go into an ImportBatch, and
`services.commit_import` creates them.

Limits: files up to MAX_FILE_BYTES (5 MB), an .xlsx unpacking to at most MAX_UNPACKED_BYTES
(50 MB, sources.py), and MAX_DATA_ROWS (10,000) data rows.
"""

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from accounts.models import Role

from ..duplicates import compact, normalise_text
from .rows import RowContext
from .sources import MAX_FILE_BYTES, LedgerFileError, open_sheets
from .values import cell_text

__all__ = ["MAX_DATA_ROWS", "MAX_FILE_BYTES", "LedgerFileError", "ParsedLedger", "parse_workbook"]

# A township ledger rarely passes a few thousand rows; issue 7 benchmarks 10,000 in one file.
MAX_DATA_ROWS = 10_000
# The header is looked for among the first rows only (title, 镇（办）, 日期 rows come first).
HEADER_SEARCH_ROWS = 20
# This many blank rows in a row end the table: sheets often carry formatting far below it.
BLANK_ROWS_END_TABLE = 200
# A notice lists this many hidden rows by number; a filtered sheet may hide hundreds.
LISTED_HIDDEN_ROWS = 20

# Header text (compacted: no spaces, punctuation or line breaks) → what the column holds.
HEADER_ALIASES = {
    "序号": "number",
    "编号": "number",
    "所在村组": "village_group",
    "村组": "village_group",
    "所在村": "village_group",
    "所在村社区": "village_group",
    "企业名称": "name",
    "名称": "name",
    "企业作坊名称": "name",
    "企业类型": "enterprise_type",
    "类型": "enterprise_type",
    "企业规模人员等": "scale",
    "企业规模": "scale",
    "规模": "scale",
    "原辅材料": "raw_materials",
    "原材料": "raw_materials",
    "涉水涉气": "water_air",
    "有无手续": "permits",
    "手续情况": "permits",
    "整治要求": "requirement",
    "上报时间": "reported_on",
    "上报日期": "reported_on",
    "整治期限": "deadline",
    "分包责任人": "responsible_person",
    "责任人": "responsible_person",
    "完成情况完成日期": "completion",
    "完成情况": "completion",
    "备注": "remarks",
    "统一社会信用代码": "credit_code",
    "社会信用代码": "credit_code",
    "信用代码": "credit_code",
    "地址": "address",
    "企业地址": "address",
    "详细地址": "address",
    "经营者": "operator",
    "法人": "operator",
    "法定代表人": "operator",
    "经营者法人": "operator",
    "联系电话": "phone",
    "电话": "phone",
    "行业": "industry",
    "所属行业": "industry",
    "领域": "sector",
    "来源": "source",
    "用电户号": "electricity_accounts",
    "电力户号": "electricity_accounts",
    "供电户号": "electricity_accounts",
    "户号": "electricity_accounts",
}


@dataclass
class ParsedLedger:
    sheet_name: str
    columns: dict
    rows: list = field(default_factory=list)

    @property
    def error_count(self):
        return sum(1 for row in self.rows if row["status"] == "error")

    @property
    def new_count(self):
        return sum(1 for row in self.rows if row["status"] == "new")

    @property
    def existing_count(self):
        return sum(1 for row in self.rows if row["status"] == "existing")


def header_field(text, aliases=HEADER_ALIASES, shortest_prefix=3, fold_case=False):
    """The field a header cell names in `aliases` ({compacted header: field}; the ledger's by
    default), or None. The power company's export (metering.reading) has its own aliases."""
    key = compact(text)
    if fold_case:
        key = key.lower()
    if not key:
        return None
    if key in aliases:
        return aliases[key]
    # "企业规模(人员、设备)" and the like: the longest known name the header starts with.
    for alias in sorted(aliases, key=len, reverse=True):
        if len(alias) >= shortest_prefix and key.startswith(alias):
            return aliases[alias]
    return None


def header_columns(cells, **naming):
    """{column index: field} of a row's cells that name a field, each field once (the first);
    `naming` as header_field takes it."""
    mapping = {}
    for index, value in enumerate(cells):
        if value is None:
            continue
        found = header_field(value, **naming)
        if found and found not in mapping.values():
            mapping[index] = found
    return mapping


def map_header(cells):
    """{column index: field} for a candidate header row, or None if it is not the header."""
    mapping = header_columns(cells)
    fields = set(mapping.values())
    if "name" in fields and len(fields - {"number"}) >= 3:
        return mapping
    return None


class VisibleRows:
    """The rows of a sheet as Excel shows them, one (row number, [values]) at a time.

    Hidden rows are skipped and hidden columns read as empty, so a hidden stale column can
    never be taken for the visible one with the same header. Once `header_row` is set, a value
    merged over several data rows is given to each row it covers: townships merge a village
    or a date over the rows of its enterprises, and Excel stores it only in the first. Only
    the first column of a merge is filled: a value merged across 整治要求 and 整治期限 is one
    cell, not one per column. What was left out is recorded for the notices.
    """

    def __init__(self, sheet):
        self.sheet = sheet
        self.header_row = None
        self.hidden_rows_read = []
        self.hidden_columns_read = set()
        # The values of hidden columns on the last row read: the header's, when the header
        # is found, name the hidden columns in the notice.
        self.last_hidden_values = {}
        self._rows = self._read()

    def __iter__(self):
        return self._rows

    def _read(self):
        sheet = self.sheet
        starts = {}
        for first_row, first_column, last_row, _last_column in sheet.merges:
            if last_row > first_row:
                starts.setdefault(first_row, []).append((first_column, last_row))
        carried = {}
        hidden_rows = sheet.hidden_rows
        hidden_columns = sorted(sheet.hidden_columns)
        for number, cells in sheet.rows:
            if self.header_row is not None and number > self.header_row and (starts or carried):
                self._fill_merged(number, cells, starts.get(number, ()), carried)
            if number in hidden_rows:
                if self.header_row is not None and any(cell_text(value) for value in cells):
                    self.hidden_rows_read.append(number)
                continue
            if hidden_columns:
                self.last_hidden_values = {}
                for index in hidden_columns:
                    if index < len(cells) and cells[index] is not None:
                        self.last_hidden_values[index] = cells[index]
                        cells[index] = None
                if self.header_row is not None:
                    self.hidden_columns_read.update(self.last_hidden_values)
            yield number, cells

    @staticmethod
    def _fill_merged(number, cells, starting, carried):
        for column, (value, last_row) in list(carried.items()):
            if number > last_row:
                del carried[column]
                continue
            if column >= len(cells):
                cells.extend([None] * (column + 1 - len(cells)))
            if cells[column] is None:
                cells[column] = value
        for column, last_row in starting:
            if column < len(cells) and cells[column] is not None:
                carried[column] = (cells[column], last_row)


def find_header(sheet_rows):
    """Consume rows until the header; return (header row number, mapping, header cells,
    the texts of the rows above it)."""
    preamble = []
    for number, cells in sheet_rows:
        if number > HEADER_SEARCH_ROWS:
            break
        mapping = map_header(cells)
        if mapping:
            return number, mapping, cells, preamble
        preamble.extend(cell_text(value) for value in cells if value is not None)
    return None, None, None, preamble


UNIT_PATTERN = re.compile(
    r"^(?:镇[（(]办[)）]|乡镇|填报单位)\s*[:：]\s*(.*?)\s*(?:[（(]盖章[)）])?$"
)
# What may follow the unit's name on the same line: the seal mark, the date.
UNIT_END = re.compile(r"[（(]盖章[)）]|\s{2,}|填报日期|日期|时间")


def other_unit(preamble, township):
    """The unit a "镇（办）：…" line names when it is not `township`, else None."""
    for text in preamble:
        match = UNIT_PATTERN.match(text)
        if not match:
            continue
        unit = UNIT_END.split(match.group(1), maxsplit=1)[0].strip()
        if unit and township.name not in unit and unit not in township.name:
            return unit
    return None


def imports_own_township_only(by):
    # A township clerk imports her own township's ledger; a file naming another township is
    # someone else's ledger. The county office may import on a township's behalf.
    return by is not None and by.role == Role.TOWNSHIP_CLERK and not by.is_superuser


def unit_notices(preamble, township, by):
    """A 镇（办）line naming another township refuses a clerk's import and warns anyone else."""
    unit = other_unit(preamble, township)
    if unit is None:
        return []
    if imports_own_township_only(by):
        raise LedgerFileError(
            f"文件中填报单位写的是“{unit}”，不是{township.name}。乡镇填报员只能导入本乡镇的台账，"
            f"请核对是否选错了文件；如确是本乡镇的台账，请把“镇（办）”一行改为{township.name}后再上传。"
        )
    return [f"文件中填报单位写的是“{unit}”，而您要导入到{township.name}，请确认没有选错乡镇。"]


def hidden_notices(reader, header_hidden):
    """Sentences naming the hidden rows and columns that held something and were left out."""
    notices = []
    rows = reader.hidden_rows_read
    if len(rows) > LISTED_HIDDEN_ROWS:
        listed = "、".join(str(number) for number in rows[:LISTED_HIDDEN_ROWS])
        notices.append(f"已忽略隐藏的第 {listed} 等共 {len(rows)} 行。")
    elif rows:
        notices.append(f"已忽略隐藏的第 {'、'.join(str(number) for number in rows)} 行。")
    names = {index: normalise_text(value) for index, value in header_hidden.items()}
    columns = sorted(reader.hidden_columns_read | set(names))
    if columns:
        listed = "、".join(
            get_column_letter(index + 1) + (f"（{names[index]}）" if names.get(index) else "")
            for index in columns
        )
        notices.append(f"已忽略隐藏列 {listed}。")
    return notices


def is_note_row(values):
    first = next((text for text in values if text), "")
    return first.startswith(("注", "备注：", "说明", "填表说明", "填报人", "审核人"))


def parse_workbook(upload, township, by=None):
    """Parse an uploaded ledger for `township` into a ParsedLedger, or raise LedgerFileError.

    `by` is the importer: a 镇（办）line naming another township refuses a township clerk's
    file and only warns the county office (or a caller without a user, such as a script)."""
    with open_sheets(upload) as (file_format, sheets):
        notices, skipped, hidden_with_header = [], [], []
        for sheet in sheets:
            reader = VisibleRows(sheet)
            header_number, mapping, header_cells, preamble = find_header(reader)
            if sheet.hidden:
                if mapping:
                    hidden_with_header.append(sheet.title)
                    notices.append(f"已忽略隐藏的工作表“{sheet.title}”（其中也有台账表头）。")
                continue
            if not mapping:
                skipped.append(sheet.title)
                continue
            # The hidden columns' header texts, before the first data row replaces them.
            header_hidden = dict(reader.last_hidden_values)
            reader.header_row = header_number
            notices.extend(unit_notices(preamble, township, by))
            if skipped:
                notices.append(
                    f"台账表头在工作表“{sheet.title}”的第 {header_number} 行；"
                    f"前面的工作表“{'”“'.join(skipped)}”中没有台账表头，已跳过。"
                )
            parsed = read_sheet(sheet.title, reader, header_number, mapping, header_cells, township)
            notices.extend(hidden_notices(reader, header_hidden))
            parsed.columns["notices"] = notices
            parsed.columns["format"] = file_format
            return parsed
    if hidden_with_header:
        raise LedgerFileError(
            f"只在隐藏的工作表“{'”“'.join(hidden_with_header)}”中找到台账表头，隐藏的内容不导入。"
            "请在 Excel 中取消隐藏该工作表（或把台账复制到显示的工作表）后再上传。"
        )
    raise LedgerFileError(
        "没有找到台账的表头。表头一行应包含“企业名称”以及“所在村组”“企业类型”“上报时间”等列名"
        "（与附件1一致，列的顺序可以不同）。"
    )


def read_sheet(sheet_name, rows, header_number, mapping, header_cells, township):
    columns = {
        "recognised": {
            str(index): normalise_text(header_cells[index]) for index in sorted(mapping)
        },
        "ignored": [
            normalise_text(value)
            for index, value in enumerate(header_cells)
            if value is not None and index not in mapping and compact(value)
        ],
        "header_row": header_number,
    }
    parsed = ParsedLedger(sheet_name=sheet_name, columns=columns)
    context = RowContext(township)
    data_rows = 0
    blank_run = 0
    wanted = [(index, field_name) for index, field_name in mapping.items()]
    data_fields = [field_name for field_name in mapping.values() if field_name != "number"]
    for number, cells in rows:
        # Each cell is tidied once; parse_row reads these texts instead of tidying again.
        texts = [cell_text(value) for value in cells]
        if not any(texts):
            blank_run += 1
            if blank_run >= BLANK_ROWS_END_TABLE:
                break
            continue
        blank_run = 0
        if is_note_row(texts):
            continue
        width = len(cells)
        values, text = {}, {}
        for index, field_name in wanted:
            if index < width:
                values[field_name], text[field_name] = cells[index], texts[index]
            else:
                values[field_name], text[field_name] = None, ""
        if data_fields and not any(text[name] for name in data_fields):
            # Only a 序号 and nothing else: an empty numbered line at the end of the form.
            continue
        data_rows += 1
        if data_rows > MAX_DATA_ROWS:
            raise LedgerFileError(
                f"文件的数据行超过 {MAX_DATA_ROWS} 行，一次最多导入 {MAX_DATA_ROWS} 行，请分成几个文件导入。"
            )
        parsed.rows.append(context.parse_row(number, values, text))
    if not parsed.rows:
        raise LedgerFileError("表头下面没有任何企业数据行。")
    context.mark_existing(parsed.rows)
    return parsed
