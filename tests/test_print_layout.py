"""Every table out of the app printed on A4 landscape, measured from the saved file: the body
prints at 9 pt or more, 注 and the signature stay on the page of the last rows, no page holds
only the repeated header, and the seal sits over （盖章） at 4.2 cm in a row kept for it."""

import re
import shutil
import subprocess

import pytest

from accounts.sheets import Column, ExcelReport, report_bytes
from enterprises.ledger_table import COLUMNS as LEDGER_COLUMNS
from enterprises.ledger_table import ledger_report
from enterprises.models import Enterprise
from inspections.models import SupervisionTransfer
from inspections.supervision import tracking_report
from reporting.submissions.workbooks import draft_report, submission_report
from reporting.tables import all_tables
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import SupervisionTransferFactory
from tests.factories.printing import (
    EMU_PER_CM,
    column_pt,
    drawing_box,
    effective_font_pt,
    open_sheet,
    pages,
    print_scale,
    row_top_pt,
)
from tests.factories.reporting import PERIOD, give_seal, mixed_ledger, submit_ledger, submit_survey

LONG_NAME = "郑州市惠济区花园口镇八堡村东风精密铸造有限责任公司第二分厂"
LONG_NOTE = "群众举报后复查：原址死灰复燃，已责令停产并断水断电，待县局验收"


def wordy_ledger(area, count=3):
    """Rows with the longest values a township types, so widths are measured at their worst."""
    for _ in range(count):
        EnterpriseFactory(
            township=area["township_a1"],
            name=LONG_NAME,
            raw_materials="废铁、焦炭、石英砂、膨润土",
            remarks=LONG_NOTE,
            address="花园口镇八堡村东风路与滨河路交叉口向北二百米路东",
        )


def table_export(table, area):
    township = table.key == "ledger"
    region = area["township_a1"] if township else area["county_a"]
    organisation = area["orgs"]["township_a1"] if township else area["orgs"]["county_office"]
    user = area["users"]["clerk"] if township else area["users"]["county"]
    return report_bytes(draft_report(table, region, PERIOD, organisation, user))


@pytest.mark.parametrize("table", all_tables(), ids=lambda table: table.key)
def test_every_registered_table_prints_its_body_at_nine_points_or_more(area, table):
    mixed_ledger(area)
    wordy_ledger(area)
    for enterprise in Enterprise.objects.filter(township=area["township_a1"])[:2]:
        SupervisionTransferFactory(enterprise=enterprise, found_by=area["orgs"]["county_office"])
    assert effective_font_pt(table_export(table, area)) >= 9


def test_the_ledger_list_export_prints_at_nine_points_or_more(area):
    wordy_ledger(area, 5)
    content = report_bytes(
        ledger_report(
            Enterprise.objects.filter(township=area["township_a1"]),
            region=area["township_a1"],
            user=area["users"]["clerk"],
        )
    )
    assert effective_font_pt(content) >= 9


def test_the_supervision_list_export_prints_at_nine_points_or_more(area):
    for _ in range(3):
        SupervisionTransferFactory(
            enterprise=EnterpriseFactory(
                township=area["township_a1"], name=LONG_NAME, address=LONG_NOTE
            ),
            found_by=area["orgs"]["county_office"],
        )
    content = report_bytes(
        tracking_report(
            SupervisionTransfer.objects.all(), region=area["county_a"], user=area["users"]["county"]
        )
    )
    assert effective_font_pt(content) >= 9


def test_the_ledger_submission_prints_at_ten_points_where_it_used_to_shrink_to_six(area):
    wordy_ledger(area, 4)
    content = report_bytes(submission_report(submit_ledger(area)))
    ws = open_sheet(content)
    assert ws["C5"].font.size * print_scale(ws) >= 9.9
    assert effective_font_pt(content) >= 9  # the 10 pt code line too


def test_a_long_value_wraps_inside_its_column_and_its_row_is_tall_enough(area):
    wordy_ledger(area, 1)
    ws = open_sheet(report_bytes(submission_report(submit_ledger(area))))
    assert ws["C5"].value == LONG_NAME and ws["C5"].alignment.wrap_text
    name_width_pt = column_pt(ws.column_dimensions["C"].width)
    # 宋体 11 pt: one Chinese character is 11 pt wide; every line of the name fits the row.
    lines = -(-len(LONG_NAME) * 11 // int(name_width_pt - 4.5))
    assert ws.row_dimensions[5].height >= 15 * lines


def ledger_of(count):
    rows = [
        [number, "八堡村", f"第{number}号铸造厂", "小散乱污", "5人", "废铁", "涉气", "不全",
         "限期拆除", "2024-03-10", "2024-05-31", "王分包", "正在拆除", ""]
        for number in range(1, count + 1)
    ]  # fmt: skip
    return ExcelReport(
        title="甲县小散乱污企业排查台账",
        columns=list(LEDGER_COLUMNS),
        rows=rows,
        notes=("1. 此表各镇、办事处环保部门填报。", "2. 类型分为：小散乱污、八小。"),
        unit_label="镇（办）",
        unit_name="甲一镇政府",
    )


def test_a_short_ledger_is_one_page(area):
    enterprises = [EnterpriseFactory(township=area["township_a1"]) for _ in range(6)]
    content = report_bytes(
        ledger_report(
            Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]),
            region=area["township_a1"],
            user=area["users"]["clerk"],
        )
    )
    assert len(pages(content)) == 1


def test_when_the_notes_no_longer_fit_under_a_full_first_page_two_rows_move_over_with_them():
    count = next(n for n in range(1, 60) if len(pages(report_bytes(ledger_of(n)))) == 2)
    first, last = pages(report_bytes(ledger_of(count)))
    last_data = 4 + count
    # Every data row would fit on page 1; the page breaks two rows early instead.
    assert first[-1] == last_data - 2
    assert last[:2] == [last_data - 1, last_data]
    assert len(pages(report_bytes(ledger_of(count - 1)))) == 1


@pytest.mark.parametrize("count", range(5, 61, 3))
def test_notes_and_signature_stay_with_the_last_rows_and_no_page_holds_only_the_header(count):
    content = report_bytes(ledger_of(count))
    ws = open_sheet(content)
    first_data, last_data = 5, 4 + count
    signature = last_data + 3  # two notes, then the signature line
    assert ws.cell(signature, 1).value.startswith("主要负责同志签字")
    printed = pages(content)
    for page in printed:
        assert any(first_data <= row <= last_data for row in page), page
    assert last_data in printed[-1] and signature in printed[-1] and signature + 1 in printed[-1]


def test_the_seal_prints_at_four_point_two_centimetres_over_the_unit_line_in_its_own_row(area):
    mixed_ledger(area)
    give_seal(area["orgs"]["county_office"])
    ws = open_sheet(report_bytes(submission_report(submit_survey(area))))
    image = ws._images[0]
    scale = print_scale(ws)
    assert image.anchor._from.row == 1  # zero-based: row 2, the 填报单位 line
    assert image.anchor.ext.width * scale / EMU_PER_CM == pytest.approx(4.2, abs=0.02)
    assert image.anchor.ext.height * scale / EMU_PER_CM == pytest.approx(4.2, abs=0.02)
    left, top, right, bottom = drawing_box(ws, image)
    # Within the 填报单位 row: clear of the title above and the date line and header below.
    assert top >= row_top_pt(ws, 1) and bottom <= row_top_pt(ws, 2)
    # Over （盖章）: the last four characters of the left-aligned unit line (11 pt each).
    text_end = len(ws["A2"].value) * 11
    assert left <= text_end - 3 * 11 and right >= text_end - 11


def test_the_seal_stays_within_the_table_on_a_narrow_sheet(area):
    from tests.factories.reporting import seal_upload

    report = ExcelReport(
        title="测试",
        columns=[Column("序号", numeric=True), Column("说明", width=30)],
        rows=[[1, "一"]],
        unit_name="某某县某某某某某某某某整治工作领导小组办公室",
        seal=seal_upload().file,
    )
    ws = open_sheet(report_bytes(report))
    left, _top, right, _bottom = drawing_box(ws, ws._images[0])
    table = column_pt(ws.column_dimensions["A"].width) + column_pt(ws.column_dimensions["B"].width)
    assert left >= 0 and right <= table + 1


def test_without_a_seal_the_unit_row_still_keeps_the_space_for_a_wet_stamp(area):
    ws = open_sheet(report_bytes(submission_report(submit_survey(area))))
    assert ws._images == []
    assert ws.row_dimensions[2].height * print_scale(ws) >= 4.2 / 2.54 * 72


def calibri_metrics_installed():
    """LibreOffice measures columns in the workbook's font (Calibri); without Calibri or its
    metric twin Carlito it substitutes a wider font and scales the whole sheet down."""
    if shutil.which("fc-match") is None:
        return False
    found = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout
    return "Carlito" in found or "Calibri" in found


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo") and calibri_metrics_installed()),
    reason="需要 LibreOffice、poppler-utils 与 Carlito（或 Calibri）字体",
)
def test_libreoffice_prints_a_short_ledger_on_one_page_at_full_size(area, tmp_path):
    for _ in range(6):
        EnterpriseFactory(township=area["township_a1"])
    give_seal(area["orgs"]["township_a1"])
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(report_bytes(submission_report(submit_ledger(area))))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pdf = tmp_path / "ledger.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    words = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    # The unit line's glyph box is about 1.3 em tall: 11 pt text, unscaled.
    unit = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">镇（办）', words)
    assert unit and float(unit.group(2)) - float(unit.group(1)) >= 1.25 * 9
