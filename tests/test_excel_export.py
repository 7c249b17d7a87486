"""Exported workbooks opened with openpyxl: layout, values cell by cell, print settings, the seal."""

import io

from openpyxl import load_workbook

from accounts.sheets import ExcelReport, report_bytes
from reporting.submissions.workbooks import submission_report
from reporting.tables import Column
from tests.factories.reporting import (
    county_survey_draft,
    enterprises,
    give_seal,
    mixed_ledger,
    submit_ledger,
    submit_survey,
)


def open_sheet(content):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def merged(ws):
    return {str(cell_range) for cell_range in ws.merged_cells.ranges}


def row_values(ws, row, width):
    return [ws.cell(row, column).value for column in range(1, width + 1)]


def test_survey_summary_export_has_the_government_layout_cell_by_cell(area):
    mixed_ledger(area)
    submission = submit_survey(area)
    ws = open_sheet(report_bytes(submission_report(submission)))
    assert ws["A1"].value == "甲县“散乱污”问题摸底情况汇总表"
    assert ws["A1"].font.name == "黑体"
    assert ws["A2"].value == "填报单位：甲县整治办（盖章）"
    assert ws["A3"].value.startswith("日期：") and ws["A3"].value.endswith("日")
    assert row_values(ws, 4, 7) == ["序号", "乡镇（街道）", "问题总数", "领域", None, None, None]
    assert row_values(ws, 5, 15)[3:] == [
        "工业", "农业", "建筑业", "服务业", "小散乱污", "八小",
        "散", "乱", "污", "有", "不全", "无",
    ]  # fmt: skip
    assert row_values(ws, 6, 15) == [1, "甲一镇", 3, 2, 0, 0, 1, 2, 1, 2, 0, 3, 2, 1, 0]
    assert row_values(ws, 7, 15) == [2, "甲二乡", 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1]
    assert row_values(ws, 8, 15) == ["合计", None, 4, 2, 1, 0, 1, 3, 1, 2, 1, 4, 2, 1, 1]
    assert ws["A9"].value.startswith("注：1. 此表由各乡镇（街道）")
    assert ws["A12"].value.startswith("\u3000\u30004. 有无手续")
    assert ws["A13"].value.startswith("主要负责同志签字：")
    assert "填表人：" in ws["A13"].value and "联系电话：" in ws["A13"].value
    assert ws["A14"].value.startswith(f"验证码：{submission.verification_code}")
    assert {
        "A1:O1",
        "A2:O2",
        "A3:O3",
        "A4:A5",
        "B4:B5",
        "C4:C5",
        "D4:G4",
        "H4:I4",
        "J4:L4",
        "M4:O4",
        "A8:B8",
        "A9:O9",
        "A13:O13",
        "A14:O14",
    } <= merged(ws)
    assert ws["D6"].border.left.style == "thin"
    assert ws["B6"].font.name == "宋体"


def test_every_export_prints_a4_landscape_fit_to_width_with_repeated_header_rows(area):
    mixed_ledger(area)
    ws = open_sheet(report_bytes(submission_report(submit_survey(area))))
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4 in ECMA-376
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$4:$5"


def test_the_verification_code_is_in_the_page_footer(area):
    submission = submit_survey(area)
    ws = open_sheet(report_bytes(submission_report(submission)))
    assert ws.oddFooter.center.text == f"验证码：{submission.verification_code}"
    assert "&P" in ws.oddFooter.right.text


def test_column_widths_fit_the_chinese_header_text(area):
    mixed_ledger(area)
    ws = open_sheet(report_bytes(submission_report(submit_survey(area))))
    # "乡镇（街道）" is six Chinese characters: about twelve digit-widths.
    assert ws.column_dimensions["B"].width >= 12
    assert ws.column_dimensions["A"].width >= 6


def test_the_seal_image_is_placed_over_the_unit_line_when_the_organisation_has_one(area):
    give_seal(area["orgs"]["county_office"])
    ws = open_sheet(report_bytes(submission_report(submit_survey(area))))
    assert len(ws._images) == 1
    image = ws._images[0]
    assert image.anchor._from.row == 1  # zero-based: row 2, the 填报单位 line
    # The drawing is scaled to about 4 cm across (360,000 EMU per centimetre).
    assert 3.8 <= image.anchor.ext.width / 360000 <= 4.2


def test_without_a_seal_the_space_is_left_for_a_wet_stamp(area):
    ws = open_sheet(report_bytes(submission_report(submit_survey(area))))
    assert ws._images == []
    assert ws["A2"].value == "填报单位：甲县整治办（盖章）"


def test_the_ledger_export_has_seed_004_columns_and_the_townships_rows(area):
    enterprises(area["township_a1"], 2, name="甲一镇铸造厂")
    submission = submit_ledger(area)
    ws = open_sheet(report_bytes(submission_report(submission)))
    assert ws["A1"].value == "甲县小散乱污企业排查台账"
    assert ws["A2"].value == "镇（办）：甲一镇政府（盖章）"
    assert row_values(ws, 4, 14) == [
        "序号", "所在村组", "企业名称", "企业类型", "企业规模(人员等)", "原辅材料", "涉水涉气",
        "有无手续", "整治要求", "上报时间", "整治期限", "分包责任人", "完成情况(完成日期)", "备注",
    ]  # fmt: skip
    assert row_values(ws, 5, 4) == [1, None, "甲一镇铸造厂", "小散乱污"]
    assert ws["A6"].value == 2
    assert ws["J5"].value == "2024-03-10"
    assert ws["A7"].value.startswith("注：1. 此表各镇、办事处环保部门填报")
    assert ws.print_title_rows == "$4:$4"
    assert "A4:A5" not in merged(ws)


def test_a_submission_export_is_built_from_its_snapshot_not_from_todays_ledger(area):
    enterprises(area["township_a1"], 1, name="报送时就有的厂")
    submission = submit_ledger(area)
    enterprises(area["township_a1"], 1, name="报送后补录的厂")
    ws = open_sheet(report_bytes(submission_report(submission)))
    assert ws["C5"].value == "报送时就有的厂"
    assert ws["A6"].value.startswith("注：")


def test_a_draft_export_carries_no_verification_code_and_no_seal(area):
    mixed_ledger(area)
    give_seal(area["orgs"]["county_office"])
    report = county_survey_draft(area)
    ws = open_sheet(report_bytes(report))
    assert ws.oddFooter.center.text == "验证码：草稿，未报送"
    assert ws["A6"].value == 1 and ws["C6"].value == 3
    assert ws._images == []


def test_a_single_level_header_spans_one_row_and_long_text_wraps():
    report = ExcelReport(
        title="测试",
        columns=[Column("序号", numeric=True), Column("说明")],
        rows=[[1, "很长的说明" * 20]],
        notes=("一条注释",),
        unit_name="某单位",
    )
    ws = open_sheet(report_bytes(report))
    assert ws.print_title_rows == "$4:$4"
    assert ws["B5"].alignment.wrap_text is True
    assert ws.column_dimensions["B"].width <= 42
    assert ws["A6"].value == "注：一条注释"
