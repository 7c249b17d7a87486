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

from accounts.models import Region

from .credit_code import validate_credit_code
from .duplicates import compact, compacted_places, core_of, import_key, normalise_text
from .import_values import (
    TYPE_VALUES,
    cell_text,
    parse_choice,
    parse_date,
    parse_headcount,
    parse_permits,
    parse_water_air,
)
from .models import Enterprise, Industry, PermitDepartment, Sector, Source

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

COLUMN_LABELS = {
    "village_group": "所在村组",
    "name": "企业名称",
    "enterprise_type": "企业类型",
    "scale": "企业规模(人员等)",
    "raw_materials": "原辅材料",
    "water_air": "涉水涉气",
    "permits": "有无手续",
    "requirement": "整治要求",
    "reported_on": "上报时间",
    "deadline": "整治期限",
    "responsible_person": "分包责任人",
    "completion": "完成情况(完成日期)",
    "remarks": "备注",
    "credit_code": "统一社会信用代码",
    "address": "地址",
    "operator": "经营者/法人",
    "phone": "联系电话",
    "industry": "行业",
    "sector": "领域",
    "source": "来源",
}


class LedgerFileError(Exception):
    """The file as a whole cannot be read; the message tells the clerk what to do."""


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


# Choice columns: (field, its choices, the default for an empty cell). Read once: an enum's
# .choices is rebuilt on every access.
CHOICE_COLUMNS = (
    ("industry", tuple(Industry.choices), Industry.OTHER),
    ("sector", tuple(Sector.choices), Sector.INDUSTRY),
    ("source", tuple(Source.choices), Source.SWEEP),
)
LENGTH_LIMITS = tuple(
    (name, Enterprise._meta.get_field(name).max_length)
    for name in (
        "name",
        "village_group",
        "scale",
        "raw_materials",
        "address",
        "operator",
        "responsible_person",
        "phone",
    )
)


class RowContext:
    """Per-file state: the township's villages, keys already seen in the file."""

    def __init__(self, township):
        self.township = township
        self.places = [township.name, township.parent.name if township.parent_id else ""]
        self.villages = list(
            Region.objects.filter(parent=township, level=Region.Level.VILLAGE).values_list(
                "pk", "name"
            )
        )
        # Longest name first, so 新华村 is matched before 新村 in "新华村三组".
        self.village_keys = [
            (pk, compact(name))
            for pk, name in sorted(self.villages, key=lambda item: len(item[1]), reverse=True)
        ]
        self.seen = {}
        # Ten thousand rows repeat a few hundred distinct cells (dates, 无, 村组): each distinct
        # cell is parsed once per file.
        self._villages_found = {}
        self._dates = {}
        self._permits = {}

    def parse_row(self, number, values, text=None):
        problems = []

        def problem(column, message):
            problems.append({"column": COLUMN_LABELS.get(column, column), "message": message})

        if text is None:
            text = {name: cell_text(value) for name, value in values.items()}
        data = {}
        data["name"] = text.get("name", "")
        if not data["name"]:
            problem("name", "缺少企业名称。")
        raw_type = text.get("enterprise_type", "")
        data["enterprise_type"] = TYPE_VALUES.get(compact(raw_type))
        if not raw_type:
            problem("enterprise_type", "缺少企业类型（应为“小散乱污”或“八小”）。")
        elif data["enterprise_type"] is None:
            problem("enterprise_type", f"企业类型“{raw_type}”无法识别，应为“小散乱污”或“八小”。")
        data["village_group"] = text.get("village_group", "")
        data["village"] = self.match_village(data["village_group"])
        data["scale"] = text.get("scale", "")
        data["employee_count"] = parse_headcount(data["scale"])
        data["raw_materials"] = text.get("raw_materials", "")
        data["involves_water"], data["involves_air"] = parse_water_air(text.get("water_air", ""))
        permits, message = self.parse_permits(text.get("permits", ""))
        data["permits"] = dict(permits) if permits else {}
        if message:
            problem("permits", message)
        reported_on, message = self.parse_date(values.get("reported_on"))
        if message:
            problem("reported_on", f"上报时间：{message}")
        elif reported_on is None:
            problem("reported_on", "缺少上报时间。")
        data["reported_on"] = reported_on.isoformat() if reported_on else None
        deadline, message = self.parse_date(values.get("deadline"))
        if message:
            problem("deadline", f"整治期限：{message}")
        if deadline and reported_on and deadline < reported_on:
            problem(
                "deadline",
                f"整治期限 {deadline:%Y-%m-%d} 早于上报时间 {reported_on:%Y-%m-%d}，请核对。",
            )
        code = text.get("credit_code", "").replace(" ", "").upper()
        data["credit_code"] = code
        if code:
            try:
                validate_credit_code(code)
            except Exception as exc:  # ValidationError: its message is already Chinese
                problem("credit_code", " ".join(getattr(exc, "messages", [str(exc)])))
        for name in ("responsible_person", "remarks", "address", "operator", "phone"):
            data[name] = text.get(name, "")
        for name, choices, default in CHOICE_COLUMNS:
            raw = text.get(name, "")
            chosen = parse_choice(raw, choices) if raw else default
            if chosen is None:
                chosen = default
                if name == "industry":
                    data["industry_other"] = raw
            data[name] = chosen
        if data["industry"] == Industry.OTHER and not data.get("industry_other"):
            data["industry_other"] = ""
        data.setdefault("industry_other", "")
        case = {
            "requirement": text.get("requirement", ""),
            "deadline": deadline.isoformat() if deadline else None,
            "completion": text.get("completion", ""),
        }
        self.check_lengths(data, problem)
        key = import_key(code, data["name"], self.township) if data["name"] else None
        if key and key in self.seen:
            problem(
                "name",
                f"与第 {self.seen[key]} 行是同一企业（{'信用代码' if code else '名称'}相同），请删去重复行。",
            )
        elif key:
            self.seen[key] = number
        return {
            "row": number,
            "data": data,
            "permits_text": "、".join(
                f"{PermitDepartment(code).label}{'有' if held else '无'}"
                for code, held in data["permits"].items()
            ),
            "case": case,
            "key": key,
            "problems": problems,
            "status": "error" if problems else "new",
            "notice": "",
        }

    def match_village(self, village_group):
        key = compact(village_group)
        if key not in self._villages_found:
            self._villages_found[key] = next(
                (pk for pk, name in self.village_keys if key and key.startswith(name)), None
            )
        return self._villages_found[key]

    def parse_date(self, value):
        # bool is an int: the type is part of the key so True is not taken for serial 1.
        key = (type(value), value)
        if key not in self._dates:
            self._dates[key] = parse_date(value)
        return self._dates[key]

    def parse_permits(self, text):
        if text not in self._permits:
            self._permits[text] = parse_permits(text)
        return self._permits[text]

    @staticmethod
    def check_lengths(data, problem):
        for name, limit in LENGTH_LIMITS:
            if len(data.get(name) or "") > limit:
                problem(name, f"内容过长（最多 {limit} 个字）。")

    def mark_existing(self, rows):
        mark_existing(rows, self.township, self.places)


def mark_existing(rows, township, places):
    """Flag rows already on the ledger (same credit code anywhere, or same normalised name in
    the township) as "existing": they are skipped, so importing a file twice adds nothing.
    A name whose core (without place names and suffixes like 厂/有限公司) matches an existing
    one gets a warning to check, but is still imported."""
    codes = {row["data"]["credit_code"] for row in rows if row["data"]["credit_code"]}
    by_code = {}
    code_list = sorted(codes)
    for start in range(0, len(code_list), 500):
        for enterprise in Enterprise.objects.select_related("township").filter(
            credit_code__in=code_list[start : start + 500]
        ):
            by_code[enterprise.credit_code] = enterprise
    places = compacted_places(places)
    by_name, by_core = {}, {}
    # The ledger's own order decides which of several equal names a notice quotes.
    for name in Enterprise.objects.filter(township=township).values_list("name", flat=True):
        key = compact(name)
        by_name.setdefault(key, name)
        by_core.setdefault(core_of(key, places), name)
    for row in rows:
        data = row["data"]
        row["notice"] = ""
        if row["status"] == "existing":
            row["status"] = "error" if row["problems"] else "new"
        existing = by_code.get(data["credit_code"])
        key = compact(data["name"]) if data["name"] else ""
        if existing is not None:
            label = "已在台账中" if existing.township_id == township.pk else "已由其他乡镇登记"
            row["notice"] = f"{label}（“{existing.name}”，{existing.township.name}），将跳过。"
        elif key and key in by_name:
            row["notice"] = f"本乡镇台账中已有“{by_name[key]}”，将跳过。"
        elif key and core_of(key, places) in by_core:
            row["notice"] = (
                f"与已有企业“{by_core[core_of(key, places)]}”名称相近，请核实是否重复；"
                "确认导入后将作为新企业录入。"
            )
            continue
        else:
            continue
        if not row["problems"]:
            row["status"] = "existing"
