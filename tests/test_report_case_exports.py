"""The 附件2–4 and 月报 exports opened with openpyxl: title, headers, values cell by cell, merged
cells, print settings and the seal — and each one submitted, verified and caught when doctored."""

import io

import pytest
from openpyxl import load_workbook

from accounts.sheets import report_bytes
from reporting.periods import Period
from reporting.submissions import services
from reporting.submissions.workbooks import submission_report, verify_upload
from tests.factories.reporting import give_seal
from tests.factories.reporting_tables import march_effort, mixed_cases, transfers
from tests.test_report_case_tables import (
    CLEANUP_A1,
    CLEANUP_A2,
    CLEANUP_TOTALS,
    IMPROVEMENT_A1,
    IMPROVEMENT_A2,
    IMPROVEMENT_TOTALS,
    MONTHLY_COUNTY_A,
)

MARCH = Period(2024, 3)


def submit(area, key):
    county = area["users"]["county"]
    return services.submit_table(key, area["county_a"], MARCH, by=county, signed_by=county)


def open_sheet(content):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def sheet_of(submission):
    """The first sheet of the submission's exported workbook."""
    return open_sheet(report_bytes(submission_report(submission)))


def submitted_sheet(area, key):
    """The county office submits table `key` for March and exports it."""
    return sheet_of(submit(area, key))


def row_values(ws, row, width):
    return [ws.cell(row, column).value for column in range(1, width + 1)]


def merged(ws):
    return {str(cell_range) for cell_range in ws.merged_cells.ranges}


def assert_government_print_settings(ws, header_rows):
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == header_rows


def test_cleanup_summary_export_cell_by_cell(area):
    mixed_cases(area)
    submission = submit(area, "cleanup_summary")
    ws = sheet_of(submission)
    assert ws["A1"].value == "甲县“散乱污”问题清理整顿情况汇总表"
    assert ws["A2"].value == "填报单位：甲县整治办（盖章）"
    assert ws["A3"].value.startswith("日期：")
    assert row_values(ws, 4, 19) == [
        "序号", "乡镇（街道）", "问题总数", "领域", None, None, None,
        "分类处置", None, None, None, "整治进度", None, None, None, None,
        "逾期未完成", "反弹", "完成率",
    ]  # fmt: skip
    assert row_values(ws, 5, 19) == [
        None, None, None, "工业", "农业", "建筑业", "服务业",
        "关停取缔", "集聚搬迁", "升级改造", "待认定",
        "排查发现", "已认定", "整治中", "待验收", "已销号", None, None, None,
    ]  # fmt: skip
    assert row_values(ws, 6, 19) == CLEANUP_A1
    assert row_values(ws, 7, 19) == CLEANUP_A2
    assert row_values(ws, 8, 19) == [CLEANUP_TOTALS[0], None, *CLEANUP_TOTALS[2:]]
    assert ws["A9"].value.startswith("注：1. 此表由县（市、区）")
    assert ws["A13"].value.startswith("主要负责同志签字：")
    assert ws["A14"].value.startswith(f"验证码：{submission.verification_code}")
    assert {
        "A1:S1", "A4:A5", "B4:B5", "C4:C5", "D4:G4", "H4:K4", "L4:P4",
        "Q4:Q5", "R4:R5", "S4:S5", "A8:B8", "A9:S9", "A13:S13",
    } <= merged(ws)  # fmt: skip
    assert_government_print_settings(ws, "$4:$5")
    assert ws.oddFooter.center.text == f"验证码：{submission.verification_code}"


def test_improvement_summary_export_cell_by_cell_with_the_seal(area):
    mixed_cases(area)
    give_seal(area["orgs"]["county_office"])
    submission = submit(area, "improvement_summary")
    ws = sheet_of(submission)
    assert ws["A1"].value == "甲县“散乱污”问题整治提升情况汇总表"
    assert row_values(ws, 4, 18) == [
        "序号", "乡镇（街道）", "问题总数", "关停取缔类", None, None,
        "集聚搬迁类", None, None, None, "升级改造类", None, None, None,
        "待认定", "类散乱污", "已销号合计", "完成率",
    ]  # fmt: skip
    assert row_values(ws, 5, 18)[3:14] == [
        "小计", "已销号", "反弹", "小计", "已销号", "搬迁中", "逾期未完成",
        "小计", "已达标销号", "整治中", "逾期未完成",
    ]  # fmt: skip
    assert row_values(ws, 6, 18) == IMPROVEMENT_A1
    assert row_values(ws, 7, 18) == IMPROVEMENT_A2
    assert row_values(ws, 8, 18) == [IMPROVEMENT_TOTALS[0], None, *IMPROVEMENT_TOTALS[2:]]
    assert ws["A9"].value.startswith("注：1. ")
    assert {"D4:F4", "G4:J4", "K4:N4", "O4:O5", "P4:P5", "Q4:Q5", "R4:R5"} <= merged(ws)
    assert len(ws._images) == 1 and ws._images[0].anchor._from.row == 1
    assert_government_print_settings(ws, "$4:$5")


def test_monthly_report_export_cell_by_cell(area):
    march_effort(area, mixed_cases(area))
    ws = submitted_sheet(area, "monthly_report")
    assert ws["A1"].value == "甲县“散乱污”企业整治工作月报"
    assert row_values(ws, 4, 23) == [
        "序号", "县（市、区）", "本月新发现", None, None, None, None,
        "累计发现", None, None, None, None, "销号", None,
        "整治中", "待验收", "逾期未完成", "反弹", "完成率",
        "本月执法检查", None, None, None,
    ]  # fmt: skip
    assert row_values(ws, 5, 23) == [
        None, None, "合计", "关停取缔", "集聚搬迁", "升级改造", "待认定",
        "合计", "关停取缔", "集聚搬迁", "升级改造", "待认定", "本月", "累计",
        None, None, None, None, None, "执法组", "人次", "检查企业（点位）", "新发现",
    ]  # fmt: skip
    assert row_values(ws, 6, 23) == [1, "甲县", *MONTHLY_COUNTY_A]
    assert row_values(ws, 7, 23) == ["合计", None, *MONTHLY_COUNTY_A]
    assert ws["A8"].value.startswith("注：1. 此表由县（市、区）")
    assert {"C4:G4", "H4:L4", "M4:N4", "O4:O5", "S4:S5", "T4:W4", "A7:B7"} <= merged(ws)
    assert_government_print_settings(ws, "$4:$5")


def test_tracking_export_cell_by_cell(area):
    transfers(area)
    ws = submitted_sheet(area, "supervision_tracking")
    assert ws["A1"].value == "甲县小散乱污企业督查跟踪台账"
    assert ws["A2"].value == "填报单位：甲县整治办（盖章）"
    assert row_values(ws, 4, 9) == [
        "序号", "所在乡(镇)、办", "企业名称", "地址", "企业类型", "整治要求", "移交日期",
        "完成情况(完成日期)", "分包责任人",
    ]  # fmt: skip
    assert row_values(ws, 5, 9) == [
        1, "甲一镇", "甲一镇宏达铸造厂", "甲一村三组", "小散乱污", "整改完善", "2024-03-05",
        "正在整治", "王分包",
    ]  # fmt: skip
    assert row_values(ws, 6, 9) == [
        2, "甲二乡", "甲二乡红星砖厂", "甲二村", "小散乱污", "限期拆除", "2024-02-10",
        "正在拆除", "李分包",
    ]  # fmt: skip
    assert ws["A7"].value == "注：1. 此表区本级填报。自2月起每月23日前上报。"
    assert ws["A10"].value.startswith("\u3000\u30004. 完成情况为报送时企业情况")
    assert ws["A11"].value.startswith("主要负责同志签字：")
    assert {"A1:I1", "A7:I7"} <= merged(ws)
    assert "A4:A5" not in merged(ws)
    assert ws.column_dimensions["C"].width >= 24
    assert_government_print_settings(ws, "$4:$4")


@pytest.mark.parametrize(
    "key", ["supervision_tracking", "cleanup_summary", "improvement_summary", "monthly_report"]
)
def test_each_new_table_verifies_and_a_changed_number_is_caught(area, key):
    march_effort(area, mixed_cases(area))
    transfers(area)
    submission = submit(area, key)
    content = report_bytes(submission_report(submission))
    upload = io.BytesIO(content)
    upload.name = "报表.xlsx"
    assert verify_upload(upload).ok
    workbook = load_workbook(io.BytesIO(content))
    ws = workbook.worksheets[0]
    ws["C6"] = "篡改" if key == "supervision_tracking" else 999
    doctored = io.BytesIO()
    workbook.save(doctored)
    doctored.name = "报表.xlsx"
    verdict = verify_upload(doctored)
    assert not verdict.ok and verdict.file_checked
    assert verdict.submission == submission


def test_a_submitted_summary_keeps_its_numbers_when_cases_change_later(area):
    cases = mixed_cases(area)
    submission = submit(area, "cleanup_summary")
    type(cases["c4"]).objects.filter(pk=cases["c4"].pk).update(state="in_progress")
    ws = sheet_of(submission)
    assert row_values(ws, 6, 19) == CLEANUP_A1
