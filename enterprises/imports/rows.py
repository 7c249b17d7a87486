"""The rows of an imported Excel ledger: each row checked and turned into the ledger's fields
(`RowContext.parse_row`), with a problem per bad cell, and rows already on the ledger marked so
they are skipped (`mark_existing`). reading.py reads the file and calls these."""

from accounts.models import Region
from accounts.refusals import Refused

from ..credit_code import validate_credit_code
from ..duplicates import compact, compacted_places, core_of, import_key
from ..electricity import parse_account_numbers
from ..ledger import read_case_columns
from ..models import Enterprise, Industry, PermitDepartment, PermitStatus, Sector, Source
from .values import (
    TYPE_VALUES,
    cell_text,
    parse_choice,
    parse_date,
    parse_headcount,
    parse_permits,
    parse_water_air,
)

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
    "electricity_accounts": "用电户号",
}


# 涉水涉气 cells that say "neither".
NOT_INVOLVED = {"否", "无", "不涉及", "均不涉及", "不涉水不涉气", "/", "-"}

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
        self.account_rows = {}  # 用电户号 → the file row that first gave it
        self.current_row = None
        # Ten thousand rows repeat a few hundred distinct cells (dates, 无, 村组): each distinct
        # cell is parsed once per file.
        self._villages_found = {}
        self._dates = {}
        self._permits = {}
        self._cases = {}

    def parse_row(self, number, values, text=None):
        problems = []
        warnings = []

        def problem(column, message):
            problems.append({"column": COLUMN_LABELS.get(column, column), "message": message})

        def warning(column, message):
            warnings.append({"column": COLUMN_LABELS.get(column, column), "message": message})

        if text is None:
            text = {name: cell_text(value) for name, value in values.items()}
        self.current_row = number
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
        if data["scale"] and data["employee_count"] is None:
            warning("scale", f"未能从“{data['scale']}”读出人数，按原文保存，人数留空。")
        data["raw_materials"] = text.get("raw_materials", "")
        water_air = text.get("water_air", "")
        data["involves_water"], data["involves_air"] = parse_water_air(water_air)
        if water_air and not (
            data["involves_water"] or data["involves_air"] or compact(water_air) in NOT_INVOLVED
        ):
            warning("water_air", f"涉水涉气“{water_air}”无法识别，按不涉水、不涉气导入。")
        permits, stated, message = self.parse_permits(text.get("permits", ""))
        data["permits"] = dict(permits) if permits else {}
        data["permits_stated"] = stated
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
        data["electricity_accounts"] = self.read_accounts(text.get("electricity_accounts"), problem)
        for name, choices, default in CHOICE_COLUMNS:
            raw = text.get(name, "")
            chosen = parse_choice(raw, choices) if raw else default
            if chosen is None:
                chosen = default
                if name == "industry":
                    data["industry_other"] = raw
                label = dict(choices)[default]
                warning(name, f"{COLUMN_LABELS[name]}“{raw}”无法识别，按“{label}”导入。")
            data[name] = chosen
        if data["industry"] == Industry.OTHER and not data.get("industry_other"):
            data["industry_other"] = ""
        data.setdefault("industry_other", "")
        case, case_warnings = self.read_case_columns(
            text.get("requirement", ""),
            deadline.isoformat() if deadline else None,
            text.get("completion", ""),
        )
        for column, message in case_warnings:
            warning(column, message)
        self.check_lengths(data, problem)
        key = import_key(code, data["name"], self.township) if data["name"] else None
        if key and key in self.seen:
            problem(
                "credit_code" if code else "name",
                f"与第 {self.seen[key]} 行是同一企业（{'信用代码' if code else '名称'}相同），请删去重复行。",
            )
        elif key:
            self.seen[key] = number
        return {
            "row": number,
            "data": data,
            "permits_text": "、".join(
                ([PermitStatus(stated).label] if stated else [])
                + [
                    f"{PermitDepartment(code).label}{'有' if held else '无'}"
                    for code, held in data["permits"].items()
                ]
            ),
            "case": case,
            "key": key,
            "problems": problems,
            "warnings": warnings,
            "status": "error" if problems else "new",
            "notice": "",
            # The cells as typed, kept for the rows the clerk must fix: the problem-rows file
            # (imports.problems) gives them back as they were, not as they were understood.
            "cells": dict(text) if problems else {},
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

    def read_case_columns(self, requirement, deadline, completion):
        key = (requirement, deadline, completion)
        if key not in self._cases:
            self._cases[key] = read_case_columns(
                {"requirement": requirement, "deadline": deadline, "completion": completion}
            )
        values, warnings = self._cases[key]
        return dict(values), warnings

    def parse_permits(self, text):
        if text not in self._permits:
            self._permits[text] = parse_permits(text)
        return self._permits[text]

    @staticmethod
    def check_lengths(data, problem):
        for name, limit in LENGTH_LIMITS:
            if len(data.get(name) or "") > limit:
                problem(name, f"内容过长（最多 {limit} 个字）。")

    def read_accounts(self, text, problem):
        """The row's 用电户号; one number on two rows of the file is a problem on the second."""
        try:
            numbers = parse_account_numbers(text or "")
        except Refused as refusal:
            problem("electricity_accounts", refusal.message)
            return []
        for number in numbers:
            if number in self.account_rows:
                problem(
                    "electricity_accounts",
                    f"用电户号 {number} 在第 {self.account_rows[number]} 行已出现，同一户号只能属于一家企业。",
                )
        for number in numbers:
            self.account_rows.setdefault(number, self.current_row)
        return numbers

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
            if existing.township_id == township.pk:
                row["notice"] = (
                    f"已在台账中（“{existing.name}”，{existing.township.name}），将跳过。"
                )
            else:
                # Another township's enterprise may lie outside the importer's area: not named.
                row["notice"] = "已由其他乡镇登记，将跳过。"
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
