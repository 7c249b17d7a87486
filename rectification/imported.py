"""How the case columns of an imported 附件1 row read (seed 004 注3, 注4): 整治要求 as one of
the three requirements (and through REQUIREMENT_DISPOSAL its disposal), 完成情况（完成日期）
as the reported progress, its date, and the state it states — for the preview's warnings and
for the case the import opens (hooks.open_case_for_imported_row)."""

import re

from enterprises.duplicates import compact, normalise_text
from enterprises.imports.values import parse_date

from .models import REQUIREMENT_DISPOSAL, CaseState, Requirement

# What clerks write for each 整治要求, compacted; the label itself comes first.
REQUIREMENT_WORDS = {
    "补办手续": Requirement.OBTAIN_PERMITS,
    "补办": Requirement.OBTAIN_PERMITS,
    "完善手续": Requirement.OBTAIN_PERMITS,
    "办理手续": Requirement.OBTAIN_PERMITS,
    "整改完善": Requirement.IMPROVE,
    "整改": Requirement.IMPROVE,
    "完善": Requirement.IMPROVE,
    "升级改造": Requirement.IMPROVE,
    "整治提升": Requirement.IMPROVE,
    "限期拆除": Requirement.DEMOLISH,
    "拆除": Requirement.DEMOLISH,
    "关停取缔": Requirement.DEMOLISH,
    "关停": Requirement.DEMOLISH,
    "取缔": Requirement.DEMOLISH,
}

# 完成情况 words (注4) and the state each states, most telling first.
NOT_DETERMINED_WORDS = ("待认定", "排查发现")
DONE_WORDS = (
    "到位",
    "销号",
    "已完成",
    "已拆除",
    "已关停",
    "已取缔",
    "已补办",
    "已整改",
    "已搬迁",
    "完成",
)
NOT_STARTED_WORDS = ("未开始", "未整治", "待整治", "已认定", "未启动")
UNDER_WAY_WORDS = ("正在", "中", "补办手续", "整治", "整改", "拆除", "搬迁", "关停")

# "拆除到位（2024年5月10日）", "拆除到位(2024.5.10)", "拆除到位 2024-05-10".
DATED = re.compile(r"^(.*?)[\s,，:：]*[(（]\s*([^()（）]*)\s*[)）]\s*$")
TRAILING_DATE = re.compile(
    r"^(.*?)[\s,，:：]*(\d{4}\s*[年./\-]\s*\d{1,2}\s*[月./\-]\s*\d{1,2}\s*日?)$"
)


def read_requirement(text):
    """(Requirement or "", warning or None)."""
    key = compact(text)
    if not key:
        return "", None
    for word, requirement in REQUIREMENT_WORDS.items():
        if key == word:
            return requirement, None
    matches = {requirement for word, requirement in REQUIREMENT_WORDS.items() if word in key}
    if len(matches) == 1:
        return matches.pop(), None
    return "", (
        f"整治要求“{normalise_text(text)}”无法对应到补办手续、整改完善、限期拆除，"
        "未记入案件，请认定时选择。"
    )


def read_completion(text):
    """(progress text, completion date or None, state it states, warning or None)."""
    text = normalise_text(text)
    if not text:
        return "", None, "", None
    progress, completed_on, warning = text, None, None
    match = DATED.match(text) or TRAILING_DATE.match(text)
    if match:
        date, message = parse_date(match.group(2))
        if date is not None:
            progress, completed_on = match.group(1).strip(), date
        elif any(char.isdigit() for char in match.group(2)):
            warning = f"完成日期：{message}"
    key = compact(progress)
    if any(word in key for word in NOT_DETERMINED_WORDS):
        state = CaseState.FOUND
    elif "待验收" in key:
        state = CaseState.AWAITING_VERIFICATION
    elif any(word in key for word in DONE_WORDS) and not key.endswith("中"):
        state = CaseState.AWAITING_VERIFICATION
        if completed_on is None and warning is None:
            warning = "完成情况写明已完成，但未注明完成日期（附件1注4），按“整治中”记录。"
            state = CaseState.IN_PROGRESS
    elif any(word in key for word in NOT_STARTED_WORDS):
        state = CaseState.DETERMINED
    elif any(word in key for word in UNDER_WAY_WORDS):
        state = CaseState.IN_PROGRESS
    else:
        state = CaseState.DETERMINED
        warning = warning or (
            f"完成情况“{progress}”无法识别，按原文记入案件，状态按“已认定”处理（仅按台账建档时）。"
        )
    if "销号" in key and warning is None:
        warning = "台账写明已销号：导入后为“待验收”，销号须由县整治办验收。"
    return progress, completed_on, str(state), warning


def read_import(texts):
    """The case values of one imported row and the warnings on the cells that do not map:
    see enterprises.ledger.read_case_columns."""
    values = dict(texts)
    warnings = []
    requirement, message = read_requirement(texts.get("requirement", ""))
    if message:
        warnings.append(("requirement", message))
    progress, completed_on, state, message = read_completion(texts.get("completion", ""))
    if message:
        warnings.append(("completion", message))
    values.update(
        requirement_code=str(requirement),
        disposal=str(REQUIREMENT_DISPOSAL[requirement]) if requirement else "",
        progress=progress,
        completed_on=completed_on.isoformat() if completed_on else None,
        state=state,
    )
    return values, warnings
