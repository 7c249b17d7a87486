"""Turning an uploaded ledger file into sheets of cell values, whatever form an office sends it
in: an Excel workbook (.xlsx), an old Excel 97–2003 workbook (.xls) or a CSV text file saved
in UTF-8 (with or without BOM) or GB18030/GBK.

The format is told from the file's first bytes, not its name: offices rename files freely.
Every sheet comes with what Excel shows but the values alone do not say: its merged ranges,
hidden rows and hidden columns, and whether the sheet itself is hidden. reading.py decides
what to do with them. Each unreadable file raises LedgerFileError with a message a clerk can
act on.
"""

import codecs
import contextlib
import csv
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import xlrd
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from accounts.refusals import Refused
from accounts.uploads import check_zip_size

MAX_FILE_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: a 0.55 MB "zip bomb" can unpack to 160 MB and hold a worker half a minute.
# A real 10,000-row ledger unpacks to well under 20 MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Columns read per row: 附件1 has 14, real files a few more; a sheet claiming thousands of
# formatted-but-empty columns must not make every row that wide.
MAX_COLUMNS = 60

ZIP_MAGIC = b"PK\x03\x04"
# Old .xls workbooks and password-protected .xlsx files are both OLE2 compound documents.
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an encrypted .xlsx keeps its (encrypted) workbook in, as named in the OLE2 directory.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

SAVE_AS_XLSX = "请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再上传。"
NOT_A_LEDGER_FILE = "这不是 Excel 工作簿（.xlsx、.xls）或 CSV 文件，系统无法读取。" + SAVE_AS_XLSX
ENCRYPTED = (
    "这个文件设置了打开密码（已加密），系统无法读取。请在 Excel 中取消密码并重新保存后再上传。"
)


class LedgerFileError(Refused):
    """The file as a whole cannot be read; the message tells the clerk what to do."""

    def __init__(self, message):
        super().__init__(message, field="file")


@dataclass
class Sheet:
    """One sheet: `rows` yields (row number from 1, [cell values]) lazily, at most MAX_COLUMNS
    wide; merged ranges are (first row, first column, last row, last column), rows numbered
    from 1 and columns indexed from 0 like the values; hidden columns are indexed from 0."""

    title: str
    rows: Iterator
    merges: list = field(default_factory=list)
    hidden_rows: frozenset = frozenset()
    hidden_columns: frozenset = frozenset()
    hidden: bool = False


@contextlib.contextmanager
def open_sheets(upload, max_bytes=MAX_FILE_BYTES):
    """Yield (format, the file's Sheets in order) for an uploaded ledger file, or raise
    LedgerFileError. The sheets and their rows are read while the context is open.
    `max_bytes`: another import (metering's consumption files) may allow larger files."""
    data = read_upload(upload, max_bytes)
    if data.startswith(ZIP_MAGIC):
        check_unpacked_size(data, max(MAX_UNPACKED_BYTES, max_bytes * 10))
        with xlsx_sheets(data) as sheets:
            yield "xlsx", sheets
    elif data.startswith(CFB_MAGIC):
        yield "xls", xls_sheets(data)
    else:
        yield "csv", [csv_sheet(data, getattr(upload, "name", "") or "")]


def read_upload(upload, max_bytes=MAX_FILE_BYTES):
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise LedgerFileError("上传的文件是空的。")
    if size > max_bytes:
        raise LedgerFileError(
            f"文件太大（{size / 1024 / 1024:.1f} MB），一次最多导入 {max_bytes // 1024 // 1024} MB，"
            "请删去图片或分成几个文件。"
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    return data


# --- .xlsx ------------------------------------------------------------------------------


def check_unpacked_size(data, limit=MAX_UNPACKED_BYTES):
    try:
        check_zip_size(
            io.BytesIO(data),
            limit,
            f"文件解压后超过 {limit // 1024 // 1024} MB，不像是企业台账，系统拒绝读取。"
            "请检查文件（删去图片、多余的工作表）后重新保存为 .xlsx 再上传。",
        )
    except ValidationError as error:
        raise LedgerFileError(error.messages[0]) from error
    except XLSX_ERRORS as error:
        raise LedgerFileError(CORRUPT_XLSX) from error


XLSX_ERRORS = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError)
CORRUPT_XLSX = (
    "文件已损坏或不是 Excel 工作簿，无法读取。请用 Excel 打开检查后重新保存为 .xlsx 再上传。"
)


@contextlib.contextmanager
def xlsx_sheets(data):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except XLSX_ERRORS as exc:
        raise LedgerFileError(CORRUPT_XLSX) from exc
    try:
        # Sheets are scanned as they are asked for: reading stops at the first with a header.
        yield (xlsx_sheet(worksheet) for worksheet in workbook.worksheets)
    finally:
        workbook.close()


def xlsx_sheet(worksheet):
    merges, hidden_rows, hidden_columns = scan_xlsx_sheet(worksheet)
    return Sheet(
        title=worksheet.title,
        rows=xlsx_rows(worksheet),
        merges=merges,
        hidden_rows=hidden_rows,
        hidden_columns=hidden_columns,
        hidden=worksheet.sheet_state != "visible",
    )


def xlsx_rows(worksheet):
    try:
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, list(cells[:MAX_COLUMNS])
    except XLSX_ERRORS as exc:
        raise LedgerFileError(
            "文件内容已损坏，读到一半无法继续。请重新保存为 .xlsx 后再上传。"
        ) from exc


# The sheet XML's <row>, <col> and <mergeCell> start tags (any namespace prefix). Read-only
# openpyxl, which keeps memory flat for ten thousand rows, does not expose them; this scan of
# the raw XML costs a few percent of the cell parse.
SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|col|mergeCell)\b([^>]*)>")
ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
SCAN_CHUNK = 1 << 20


def scan_xlsx_sheet(worksheet):
    """(merged ranges, hidden row numbers, hidden column indices) of a read-only worksheet."""
    merges, hidden_rows, hidden_columns = [], set(), set()
    row_counter = 0
    try:
        with worksheet._get_source() as source:
            tail = b""
            while True:
                chunk = source.read(SCAN_CHUNK)
                if not chunk:
                    break
                buffer = tail + chunk
                # Only tags closed inside this buffer; the rest waits for the next chunk.
                cut = buffer.rfind(b">") + 1
                for match in SHEET_TAG.finditer(buffer, 0, cut):
                    tag = match.group(1)
                    attrs = {
                        key.rsplit(b":", 1)[-1]: double or single
                        for key, double, single in ATTRIBUTE.findall(match.group(2))
                    }
                    if tag == b"row":
                        row_counter = int(attrs.get(b"r") or row_counter + 1)
                        if is_true(attrs.get(b"hidden")):
                            hidden_rows.add(row_counter)
                    elif tag == b"col":
                        if is_true(attrs.get(b"hidden")):
                            first = int(attrs.get(b"min", b"1"))
                            last = min(int(attrs.get(b"max", first)), MAX_COLUMNS)
                            hidden_columns.update(range(first - 1, last))
                    elif attrs.get(b"ref"):
                        merges.append(merge_from_ref(attrs[b"ref"].decode("ascii")))
                tail = buffer[cut:]
    except (*XLSX_ERRORS, TypeError) as exc:
        raise LedgerFileError(CORRUPT_XLSX) from exc
    return [merge for merge in merges if merge], frozenset(hidden_rows), frozenset(hidden_columns)


def is_true(value):
    return value in (b"1", b"true")


def merge_from_ref(ref):
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    if None in (min_col, min_row, max_col, max_row):
        return None
    return min_row, min_col - 1, max_row, max_col - 1


# --- .xls -------------------------------------------------------------------------------


XLS_ERRORS = (
    xlrd.XLRDError,
    xlrd.compdoc.CompDocError,
    struct.error,
    AssertionError,
    IndexError,
    KeyError,
    ValueError,
    OverflowError,
    EOFError,
)


def xls_sheets(data):
    if ENCRYPTED_PACKAGE in data:
        raise LedgerFileError(ENCRYPTED)
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except XLS_ERRORS as exc:
        message = str(exc)
        if "encrypted" in message.lower():
            raise LedgerFileError(ENCRYPTED) from exc
        if "Can't find workbook" in message:
            raise LedgerFileError(NOT_A_LEDGER_FILE) from exc
        raise LedgerFileError(
            "无法读取这个文件：它可能设置了打开密码（已加密），或者已损坏。"
            "请用 Excel 打开检查、取消密码，“另存为”Excel 工作簿（.xlsx）后再上传。"
        ) from exc
    return [xls_sheet(book, sheet) for sheet in book.sheets()]


def xls_sheet(book, sheet):
    hidden_rows = frozenset(index + 1 for index, info in sheet.rowinfo_map.items() if info.hidden)
    hidden_columns = frozenset(
        index for index, info in sheet.colinfo_map.items() if info.hidden and index < MAX_COLUMNS
    )
    merges = [
        (first_row + 1, first_col, last_row, last_col - 1)
        for first_row, last_row, first_col, last_col in sheet.merged_cells
    ]
    return Sheet(
        title=sheet.name,
        rows=xls_rows(book, sheet),
        merges=merges,
        hidden_rows=hidden_rows,
        hidden_columns=hidden_columns,
        hidden=sheet.visibility != 0,
    )


def xls_rows(book, sheet):
    width = min(sheet.ncols, MAX_COLUMNS)
    for index in range(sheet.nrows):
        yield index + 1, [xls_value(book, sheet.cell(index, col)) for col in range(width)]


def xls_value(book, cell):
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, book.datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value


# --- .csv -------------------------------------------------------------------------------


def csv_sheet(data, file_name):
    text = decode_text(data)
    head = text[:4096].lstrip().lower()
    if head.startswith(("<html", "<!doctype", "<?xml", "<table")) or "<html" in head:
        raise LedgerFileError(
            "这个文件实际是网页（HTML/XML）格式，不是真正的 Excel 或 CSV 文件（常见于从其他系统导出的“.xls”）。"
            "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再上传。"
        )
    title = re.sub(r"\.[A-Za-z]{2,4}$", "", file_name.rsplit("/", 1)[-1]) or "CSV"
    return Sheet(title=title, rows=csv_rows(text))


def decode_text(data):
    """The text of a CSV file in UTF-8 (BOM or not), UTF-16 with BOM, or GB18030 (which
    includes GBK and GB2312): Excel and WPS on Chinese Windows save "CSV" as GBK."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif b"\x00" in data:
        # Text files hold no NUL bytes; images, PDF and other binary files do.
        raise LedgerFileError(NOT_A_LEDGER_FILE)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise LedgerFileError(NOT_A_LEDGER_FILE)
        return text
    raise LedgerFileError(
        "无法识别这个文件的文字编码，不是 UTF-8 或 GBK 编码的 CSV 文件。" + SAVE_AS_XLSX
    )


def csv_rows(text):
    sample = "\n".join(text[:8192].splitlines()[:20])
    delimiter = max((",", "\t", ";"), key=sample.count)
    if not sample.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [value if value.strip() else None for value in cells[:MAX_COLUMNS]]
    except csv.Error as exc:
        raise LedgerFileError(
            f"CSV 文件第 {number + 1} 行格式有误（引号不成对或内容过长），无法读取。"
            "请用 Excel 打开检查后重新保存再上传。"
        ) from exc
