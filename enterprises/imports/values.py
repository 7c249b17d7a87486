"""Reading one cell of a township's Excel ledger: dates in every form clerks write them,
有无手续 as free text, 涉水涉气, head counts ("约12人"), 企业类型 and choice labels.

Each parser returns the value (and, where a cell can be wrong, a message a clerk
understands) and never raises on what a person typed.
"""

import datetime
import functools
import re

from openpyxl.utils.datetime import from_excel

from accounts.cleaning import clean_text

from ..duplicates import compact, normalise_text
from ..models import EnterpriseType, PermitDepartment

TYPE_VALUES = {
    "小散乱污": EnterpriseType.SMALL_SCATTERED,
    "散乱污": EnterpriseType.SMALL_SCATTERED,
    "小散乱污企业": EnterpriseType.SMALL_SCATTERED,
    "散乱污企业": EnterpriseType.SMALL_SCATTERED,
    "八小": EnterpriseType.EIGHT_SMALL,
    "八小企业": EnterpriseType.EIGHT_SMALL,
}

# Words naming each department's permit in free text ("无环评、土地手续").
PERMIT_KEYWORDS = {
    PermitDepartment.ENVIRONMENT: ["环评", "环保", "排污"],
    PermitDepartment.LAND: ["土地", "用地", "国土", "自然资源"],
    PermitDepartment.PLANNING: ["规划"],
    PermitDepartment.BUSINESS_LICENCE: ["营业执照", "执照", "工商", "市场"],
    PermitDepartment.SAFETY: ["安全", "安评", "应急"],
    PermitDepartment.INDUSTRY: ["工信"],
    PermitDepartment.DEVELOPMENT_REFORM: ["发改", "立项"],
    PermitDepartment.WATER: ["取水", "水务"],
    PermitDepartment.POWER: ["电力", "用电"],
    PermitDepartment.QUALITY: ["质监", "质量"],
}
NEGATIONS = ("无", "缺", "未", "没有", "不全")
AFFIRMATIONS = ("有", "已")

DATE_PATTERN = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
COMPACT_DATE_PATTERN = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
PERMIT_SEPARATORS = re.compile(r"[,，、;；。/和及]")
HEADCOUNT_PATTERN = re.compile(r"(\d+)\s*(?:人|名|个人)")
# Plausible Excel serial day numbers: 1954 to 2119.
SERIAL_RANGE = (20000, 80000)


def parse_date(value):
    """(date, None) or (None, message) for any way a clerk writes a date; (None, None) if empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_serial(value)
    text = normalise_text(value)
    if text.isdigit() and len(text) == 5:
        return parse_serial(int(text))
    match = DATE_PATTERN.match(text) or COMPACT_DATE_PATTERN.match(text)
    if not match:
        return None, f"“{text}”不是可识别的日期，请写成 2024年3月15日 或 2024-03-15。"
    year, month, day = (int(part) for part in match.groups())
    try:
        parsed = datetime.date(year, month, day)
    except ValueError:
        return None, f"日期“{text}”不存在（请核对月份和日子）。"
    if not 1990 <= year <= 2100:
        return None, f"日期“{text}”的年份不合理。"
    return parsed, None


def parse_serial(number):
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        return None, f"“{number}”不是有效的日期。"
    return from_excel(number).date(), None


NONE_WORDS = {"无", "没有", "无手续", "均无", "手续均无", "否"}
PARTIAL_WORDS = {"不全", "部分", "不齐全", "手续不全", "部分有"}
COMPLETE_WORDS = {"有", "齐全", "全", "手续齐全", "有手续", "是"}
# A segment whose polarity follows the name ("营业执照有，环评无").
TRAILING_NEGATIONS = ("无", "缺", "未办", "没有")
TRAILING_AFFIRMATIONS = ("有", "已办", "齐全")


def parse_permits(text):
    """有无手续 as free text → ({department: held}, stated status, message).

    Only the departments the text names are recorded, each with the polarity of the nearest
    有/无 before it (or right after it); the others stay unknown. Without names the text states
    the status alone (有/不全/无: PermitStatus values), so "不全" never becomes "缺环保"; a
    leading 不全 is kept as stated beside the names it lists ("不全（缺环保、规划）")."""
    key = compact(text)
    if not key:
        return {}, "", None
    permits = {}
    polarity = not key.startswith(NEGATIONS)
    for segment in PERMIT_SEPARATORS.split(normalise_text(text)):
        segment = compact(segment).strip("()（）")
        own = None
        if segment.startswith(NEGATIONS):
            polarity = False
        elif segment.startswith(AFFIRMATIONS) or segment.startswith(("仅有", "只有")):
            polarity = True
        elif segment.endswith(TRAILING_NEGATIONS):
            own = False
        elif segment.endswith(TRAILING_AFFIRMATIONS):
            own = True
        for department, words in PERMIT_KEYWORDS.items():
            if any(word in segment for word in words):
                permits[str(department)] = polarity if own is None else own
    stated = ""
    if key.startswith(tuple(PARTIAL_WORDS)) or key.startswith(("仅有", "只有")):
        stated = "partial"
    if permits:
        return permits, stated, None
    if key in NONE_WORDS:
        return {}, "none", None
    if key in PARTIAL_WORDS:
        return {}, "partial", None
    if key in COMPLETE_WORDS:
        return {}, "complete", None
    return (
        None,
        "",
        f"有无手续“{normalise_text(text)}”无法识别，请填写“有”“无”“不全”或写明缺少的手续。",
    )


def parse_water_air(text):
    key = compact(text)
    return "水" in key and "不涉水" not in key, "气" in key and "不涉气" not in key


CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
CHINESE_DIGITS |= {"七": 7, "八": 8, "九": 9}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_HEADCOUNT_PATTERN = re.compile(r"([零〇一二两三四五六七八九十百千]+)\s*(?:人|名|个人)")


def chinese_number(text):
    """十二 → 12, 二十 → 20, 一百零五 → 105; None when `text` is not a Chinese numeral."""
    total, digit = 0, None
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        elif char in CHINESE_UNITS:
            total += (1 if digit is None else digit) * CHINESE_UNITS[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def parse_headcount(text):
    """The head count in 企业规模 ("约12人", "五人", "十二人", "约二十人"), or None."""
    text = normalise_text(text)
    match = HEADCOUNT_PATTERN.search(text)
    if match:
        return int(match.group(1))
    if text.isdigit():
        return int(text)
    match = CHINESE_HEADCOUNT_PATTERN.search(text)
    return chinese_number(match.group(1)) if match else None


def parse_choice(text, choices):
    """A choice by its Chinese label (or its code); None when not recognised."""
    return choice_index(tuple(choices)).get(compact(text))


@functools.cache
def choice_index(choices):
    """{compacted label or upper-case code: code}; the first choice wins, as in a scan."""
    index = {}
    for value, label in choices:
        index.setdefault(compact(label), value)
        index.setdefault(value.upper(), value)
    return index


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    # A file is input like a form: its text is cleaned the same way (accounts.cleaning).
    return normalise_text(clean_text(value))
