"""Commit what is good, fix the rest offline, in a real browser: a clerk imports a ledger with
flagged rows, commits the good ones, downloads the problem rows, fixes and imports them."""

import pytest

from enterprises.models import Enterprise
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.ledger_files import corrected, ledger_file, ledger_row, sheet_table

pytestmark = pytest.mark.django_db(transaction=True)


def upload(page, live_server, path):
    page.goto(f"{live_server.url}/enterprises/import/")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-rows")


def test_clerk_commits_good_rows_then_fixes_and_imports_the_problem_rows(
    area, page, log_in, live_server, tmp_path
):
    path = tmp_path / "甲一镇台账.xlsx"
    path.write_bytes(
        ledger_file(
            [
                ledger_row(1, "宏达铸造厂"),
                ledger_row(2, "兴旺砖厂", reported="2024年2月30日"),
                ledger_row(3, "顺发塑料厂"),
            ]
        )
    )
    log_in("clerk_a1", TEST_PASSWORD)
    upload(page, live_server, path)
    page.click("#commit-good-rows")
    page.wait_for_selector("#import-done")
    assert sorted(Enterprise.objects.values_list("name", flat=True)) == ["宏达铸造厂", "顺发塑料厂"]
    with page.expect_download() as download_info:
        page.click("#download-problems")
    problems = download_info.value.path().read_bytes()
    header, rows = sheet_table(problems)
    assert header[-1] == "问题说明" and [row[2] for row in rows] == ["兴旺砖厂"]

    fixed = tmp_path / "甲一镇台账_问题行.xlsx"
    fixed.write_bytes(corrected(problems, {(0, "上报时间"): "2024-02-28"}))
    upload(page, live_server, fixed)
    assert "新增 1" in page.inner_text("#import-summary")
    page.click("#commit-import")
    page.wait_for_selector("#ledger-table", state="attached")  # cards on a phone
    assert "兴旺砖厂" in page.inner_text("#ledger-table")
    assert Enterprise.objects.count() == 3
