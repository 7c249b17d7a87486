"""In Chromium: the county exports and submits a table, the city returns it, the county
resubmits; the downloaded stamped file passes /verify/ and a doctored copy does not."""

import io

import pytest
from openpyxl import load_workbook

from reporting.models import Submission
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.reporting import give_seal, mixed_ledger, submit_ledger

pytestmark = pytest.mark.django_db(transaction=True)


def download(page, selector):
    with page.expect_download() as info:
        page.click(selector)
    return open(info.value.path(), "rb").read()


def test_county_submits_city_returns_county_resubmits(page, log_in, live_server, area, tmp_path):
    mixed_ledger(area)
    give_seal(area["orgs"]["county_office"])
    log_in("county_a", TEST_PASSWORD)

    page.goto(f"{live_server.url}/reports/tables/survey_summary/?period=2024-03")
    assert "甲县“散乱污”问题摸底情况汇总表" in page.inner_text("h1")
    assert page.inner_text("#report-table tfoot").split()[:2] == ["合计", "4"]
    draft = load_workbook(io.BytesIO(download(page, "#export-draft"))).worksheets[0]
    assert draft["C8"].value == 4 and draft.oddFooter.center.text == "验证码：草稿，未报送"

    page.check("#confirm-submit")
    page.click("#submit-table")
    page.wait_for_selector("#verification-code")
    assert "已报送" in page.inner_text("#submission-state")
    first = Submission.objects.get()
    assert page.inner_text("#verification-code") == first.verification_code
    stamped_bytes = download(page, "#export-stamped")
    stamped = load_workbook(io.BytesIO(stamped_bytes)).worksheets[0]
    assert stamped.oddFooter.center.text == f"验证码：{first.verification_code}"
    assert len(stamped._images) == 1

    page.context.clear_cookies()
    log_in("city", TEST_PASSWORD)
    page.goto(f"{live_server.url}/reports/?period=2024-03")
    assert "甲县" in page.inner_text("#status-board") and "已报送" in page.inner_text(
        "#status-board"
    )
    page.goto(f"{live_server.url}/reports/submissions/{first.pk}/")
    page.fill("#return-form textarea", "请核对“有无手续”合计数")
    page.click("#return-submission")
    page.wait_for_selector("#return-reason")
    assert "已退回" in page.inner_text("#submission-state")

    page.context.clear_cookies()
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/reports/submissions/{first.pk}/")
    assert "请核对“有无手续”合计数" in page.inner_text("#return-reason")
    page.check("#confirm-resubmit")
    page.click("#resubmit-submission")
    page.wait_for_selector("text=第2版")
    second = Submission.objects.get(version=2)
    assert page.inner_text("#verification-code") == second.verification_code
    assert "第1版" in page.inner_text("#version-list")

    # The first version's file still verifies; a copy with one number changed does not.
    path = tmp_path / "stamped.xlsx"
    path.write_bytes(stamped_bytes)
    page.goto(f"{live_server.url}/verify/")
    page.set_input_files("#verify-file-form input[type=file]", str(path))
    page.click("#verify-file")
    page.wait_for_selector("#verdict")
    assert "文件与报送的报表完全一致" in page.inner_text("#verdict")
    workbook = load_workbook(io.BytesIO(stamped_bytes))
    workbook.worksheets[0]["C6"] = 30
    doctored = tmp_path / "doctored.xlsx"
    workbook.save(doctored)
    page.set_input_files("#verify-file-form input[type=file]", str(doctored))
    page.click("#verify-file")
    page.wait_for_selector("#verdict")
    assert "被改动过" in page.inner_text("#verdict")


def test_anyone_checks_a_code_and_reads_the_public_list_without_signing_in(page, live_server, area):
    mixed_ledger(area)
    submission = submit_ledger(area)
    page.goto(f"{live_server.url}/verify/")
    page.fill("#verify-code-form input[type=text]", submission.verification_code.lower())
    page.click("#verify-code")
    page.wait_for_selector("#verdict")
    assert "甲一镇政府" in page.inner_text("#verdict-details")
    page.goto(f"{live_server.url}/public/")
    page.select_option("#county-select", "110101000000")
    page.wait_for_selector("#public-table")
    assert page.locator("#public-table tbody tr").count() == 5  # county A's five, not county B's
