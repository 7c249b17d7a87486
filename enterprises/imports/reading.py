"""Reading a township's own Excel ledger (附件1 as townships really keep it) into a preview.

Columns are found by header name, not position: a merged title row, a "镇（办）/日期" row,
wrapped header names ("完成情况\\n(完成日期)"), a 序号 column and extra or reordered columns
are all expected. Every cell is tidied (full-width → half-width, stray spaces), dates are
read in every form clerks write them, and each problem is reported with its row number,
column and a message a clerk understands. Nothing is written to the ledger here: the
parsed rows go into an ImportBatch, and `services.commit_import` creates them.

Limits: files up to MAX_FILE_BYTES (5 MB) and MAX_DATA_ROWS (10,000) data rows.
"""

import re
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from accounts.refusals import Refused

from ..duplicates import compact, normalise_text
from .rows import RowContext
from .values import (
    cell_text,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
# A township ledger rarely passes a few thousand rows; issue 7 benchmarks 10,000 in one file.
MAX_DATA_ROWS = 10_000
# The header is looked for among the first rows only (title, 镇（办）, 日期 rows come first).
HEADER_SEARCH_ROWS = 20
# Columns read per row: 附件1 has 14, real files a few more; a sheet claiming thousands of
# formatted-but-empty columns must not make every row that wide.
MAX_COLUMNS = 60
# This many blank rows in a row end the table: sheets often carry formatting far below it.
BLANK_ROWS_END_TABLE = 200

ZIP_MAGIC = b"PK\x03\x04"
# Password-protected .xlsx files (and old .xls files) are OLE2 compound documents.
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

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
}


class LedgerFileError(Refused):
    """The file as a whole cannot be read; the message tells the clerk what to do."""

    def __init__(self, message):
        super().__init__(message, field="file")


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


def header_field(text):
    key = compact(text)
    if not key:
        return None
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    # "企业规模(人员、设备)" and the like: the longest known name the header starts with.
    for alias in sorted(HEADER_ALIASES, key=len, reverse=True):
        if len(alias) >= 3 and key.startswith(alias):
            return HEADER_ALIASES[alias]
    return None


def map_header(cells):
    """{column index: field} for a candidate header row, or None if it is not the header."""
    mapping = {}
    for index, value in enumerate(cells):
        if value is None:
            continue
        found = header_field(value)
        if found and found not in mapping.values():
            mapping[index] = found
    fields = set(mapping.values())
    if "name" in fields and len(fields - {"number"}) >= 3:
        return mapping
    return None


def open_workbook(upload):
    """Check the upload is a readable .xlsx and open it read-only, or raise LedgerFileError."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise LedgerFileError("上传的文件是空的。")
    if size > MAX_FILE_BYTES:
        raise LedgerFileError(
            f"文件太大（{size / 1024 / 1024:.1f} MB），一次最多导入 {MAX_FILE_BYTES // 1024 // 1024} MB，"
            "请删去图片或分成几个文件。"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head == CFB_MAGIC:
        raise LedgerFileError(
            "这个文件设置了打开密码（已加密），或是旧版 .xls 格式，系统无法读取。"
            "请在 Excel 中取消密码，并“另存为”Excel 工作簿（.xlsx）后再上传。"
        )
    if not head.startswith(ZIP_MAGIC):
        raise LedgerFileError(
            "这不是 Excel 工作簿（.xlsx）文件。请在 Excel 或 WPS 中“另存为”.xlsx 格式后再上传。"
        )
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise LedgerFileError(
            "文件已损坏或不是 Excel 工作簿，无法读取。请用 Excel 打开检查后重新保存为 .xlsx 再上传。"
        ) from exc


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


def unit_warnings(preamble, township):
    """A "镇（办）：…" line naming another township is worth a second look before importing."""
    for text in preamble:
        match = UNIT_PATTERN.match(text)
        if not match:
            continue
        unit = match.group(1).strip()
        if unit and township.name not in unit and unit not in township.name:
            return [
                f"文件中填报单位写的是“{unit}”，而您要导入到{township.name}，请确认没有选错乡镇。"
            ]
    return []


def iterate_rows(sheet):
    try:
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerFileError(
            "文件内容已损坏，读到一半无法继续。请重新保存为 .xlsx 后再上传。"
        ) from exc


def is_note_row(values):
    first = next((text for text in values if text), "")
    return first.startswith(("注", "备注：", "说明", "填表说明", "填报人", "审核人"))


def parse_workbook(upload, township):
    """Parse an uploaded ledger for `township` into a ParsedLedger, or raise LedgerFileError."""
    workbook = open_workbook(upload)
    try:
        for sheet in workbook.worksheets:
            rows = iterate_rows(sheet)
            header_number, mapping, header_cells, preamble = find_header(rows)
            if mapping:
                parsed = read_sheet(
                    sheet.title, rows, header_number, mapping, header_cells, township
                )
                parsed.columns["warnings"] = unit_warnings(preamble, township)
                return parsed
    finally:
        workbook.close()
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
