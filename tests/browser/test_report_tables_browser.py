"""In Chromium: the county opens, exports and submits each table of issue 6's second pass —
督查跟踪台账, 清理整顿 / 整治提升情况汇总表 and the 月报 — and the files hold the page's numbers."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting.models import Submission
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.reporting_tables import march_effort, mixed_cases, transfers

pytestmark = pytest.mark.django_db(transaction=True)


def download(page, selector):
    with page.expect_download() as info:
        page.click(selector)
    return load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]


# key → (title, cell to check in the export, its value)
TABLES = {
    "supervision_tracking": ("甲县小散乱污企业督查跟踪台账", "C5", "甲一镇宏达铸造厂"),
    "cleanup_summary": ("甲县“散乱污”问题清理整顿情况汇总表", "C8", 7),
    "improvement_summary": ("甲县“散乱污”问题整治提升情况汇总表", "R8", "28.6%"),
    "monthly_report": ("甲县“散乱污”企业整治工作月报", "V6", 4),
}


def test_the_county_exports_each_new_table_and_submits_the_monthly_report(
    page, log_in, live_server, area
):
    march_effort(area, mixed_cases(area))
    transfers(area)
    log_in("county_a", TEST_PASSWORD)
    for key, (title, cell, value) in TABLES.items():
        page.goto(f"{live_server.url}/reports/tables/{key}/?period=2024-03")
        assert page.inner_text("h1") == title
        ws = download(page, "#export-draft")
        assert ws["A1"].value == title
        assert ws[cell].value == value, key
        assert ws.oddFooter.center.text == "验证码：草稿，未报送"

    page.goto(f"{live_server.url}/reports/tables/monthly_report/?period=2024-03")
    assert page.inner_text("#report-table tfoot").split()[:3] == ["合计", "3", "1"]
    page.check("#confirm-submit")
    page.click("#submit-table")
    page.wait_for_selector("#verification-code")
    submission = Submission.objects.get(table_key="monthly_report")
    assert page.inner_text("#verification-code") == submission.verification_code
    stamped = download(page, "#export-stamped")
    assert stamped["A1"].value == "甲县“散乱污”企业整治工作月报"
    assert stamped.oddFooter.center.text == f"验证码：{submission.verification_code}"

    page.goto(f"{live_server.url}/reports/?period=2024-03")
    own = page.inner_text("#own-status")
    assert "整治工作月报" in own and "督查跟踪台账" in own and "清理整顿情况汇总表" in own
