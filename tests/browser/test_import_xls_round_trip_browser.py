"""Issue 13 end to end, in a real browser: a township clerk imports her merged-cell .xls ledger,
commits the good rows, downloads the problem rows, fixes them in the downloaded .xlsx and
imports that; the township's 附件1 export then holds exactly the corrected rows, cell for cell."""

import datetime
import io

import pytest
import xlwt
from openpyxl import load_workbook

from enterprises.ledger import LEDGER_COLUMNS
from enterprises.models import Enterprise
from rectification.models import Case
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.ledger_files import corrected, sheet_table
from tests.factories.rectification import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)

DATE = xlwt.easyxf(num_format_str="YYYY-MM-DD")
VILLAGE, NAME, REPORTED, DEADLINE, PERSON = 1, 2, 9, 10, 11
day = datetime.datetime

# The ledger as the clerk means it (the merged values filled in on every row they cover), in
# the 附件1 words the app writes back: dates as dates, 有/不全/无, seed 004's 整治要求.
MEANT = [
    [1, "甲一村三组", "宏达铸造厂", "小散乱污", "5人", "废钢", "涉气", "无", "限期拆除",
     day(2024, 3, 15), day(2024, 5, 31), "王分包", "正在拆除", None],
    [2, "甲一村三组", "兴旺砖厂", "小散乱污", "12人", "黏土", "涉气", "不全", "整改完善",
     day(2024, 3, 15), day(2024, 5, 31), "王分包", "正在整改", "群众举报"],
    [3, "甲一村三组", "顺发塑料厂", "小散乱污", "3人", "废塑料", "涉水", "有", "限期拆除",
     day(2024, 3, 15), day(2024, 6, 30), "李分包", "拆除到位（2024-05-10）", None],
    [4, "甲一村二组", "永兴家具厂", "八小", "8人", "油漆", "涉水、涉气", "无", "补办手续",
     day(2024, 4, 1), day(2024, 6, 30), "李分包", "正在补办手续", None],
]  # fmt: skip
# Row 4's 上报时间 was typed as a day that does not exist: the problem the clerk fixes offline.
TYPO = "2024年2月30日"


def merged_xls():
    """附件1 as a township keeps it in .xls: a merged title, village and 上报时间 merged over
    the first three rows, 整治期限 and 分包责任人 over two."""
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("排查台账")
    sheet.write_merge(0, 0, 0, len(LEDGER_COLUMNS) - 1, "甲一镇小散乱污企业排查台账")
    sheet.write(1, 0, "镇（办）：甲一镇 (盖章)")
    for column, label in enumerate(LEDGER_COLUMNS):
        sheet.write(2, column, label)
    first = 3
    merged = {VILLAGE: (0, 2), REPORTED: (0, 2), DEADLINE: (0, 1), PERSON: (0, 1)}
    for index, row in enumerate(MEANT):
        for column, value in enumerate(row):
            covered = column in merged and merged[column][0] <= index <= merged[column][1]
            if value is None or covered:
                continue
            if column == REPORTED and index == 3:
                value = TYPO
            if isinstance(value, datetime.datetime):
                sheet.write(first + index, column, value, DATE)
            else:
                sheet.write(first + index, column, value)
    for column, (top, bottom) in merged.items():
        value = MEANT[top][column]
        style = DATE if isinstance(value, datetime.datetime) else xlwt.Style.default_style
        sheet.write_merge(first + top, first + bottom, column, column, value, style)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(page, live_server, path):
    page.goto(f"{live_server.url}/enterprises/import/")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-rows")


def test_a_clerks_merged_xls_ledger_comes_back_as_the_corrected_rows_cell_for_cell(
    area, page, log_in, live_server, tmp_path
):
    campaign = CampaignFactory(name="甲县专项行动", region=area["county_a"])
    ledger = tmp_path / "甲一镇台账.xls"
    ledger.write_bytes(merged_xls())
    log_in("clerk_a1", TEST_PASSWORD)

    upload(page, live_server, ledger)
    assert "甲县专项行动" in page.inner_text("#import-campaign")
    page.click("#commit-good-rows")
    page.wait_for_selector("#import-done")
    assert sorted(Enterprise.objects.values_list("name", flat=True)) == sorted(
        row[NAME] for row in MEANT[:3]
    )
    with page.expect_download() as download_info:
        page.click("#download-problems")
    problems = download_info.value.path().read_bytes()
    header, rows = sheet_table(problems)
    assert header[-1] == "问题说明" and [row[NAME] for row in rows] == ["永兴家具厂"]
    assert rows[0][REPORTED] == TYPO and "上报时间" in rows[0][-1]

    fixed = tmp_path / "甲一镇台账_问题行.xlsx"
    fixed.write_bytes(corrected(problems, {(0, "上报时间"): MEANT[3][REPORTED]}))
    upload(page, live_server, fixed)
    assert "新增 1" in page.inner_text("#import-summary")
    page.click("#commit-import")
    page.wait_for_selector("#ledger-table", state="attached")  # cards on a phone

    with page.expect_download() as download_info:
        page.click("#export-ledger")
    exported = download_info.value.path().read_bytes()
    header, rows = sheet_table(exported)
    assert header == LEDGER_COLUMNS
    assert rows == MEANT
    assert load_workbook(io.BytesIO(exported)).active.max_column == len(LEDGER_COLUMNS)
    assert set(Case.objects.values_list("campaign", flat=True)) == {campaign.pk}
