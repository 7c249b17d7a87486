"""In Chromium: a city's table exported in the background shows its progress bar moving, then
the download link; the file is the city's table, one row per county."""

import io
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from reporting.exports import jobs as export_jobs
from reporting.models import ExportJob
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.reporting import enterprises
from tests.factories.reporting_tables import mixed_cases

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def long_exports_from_two_rows(settings):
    settings.QINGLING_LONG_EXPORT_ROWS = 2


@pytest.fixture
def slow_worker(monkeypatch):
    """Stand-in for a Celery worker: runs the job in another thread, a row every 0.4 s, so the
    page has time to show it queued, then running, then done."""
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 1)
    original = export_jobs.record_progress

    def slow_progress(job, rows_done, rows_total=None):
        time.sleep(0.4)
        original(job, rows_done, rows_total)

    monkeypatch.setattr(export_jobs, "record_progress", slow_progress)
    threads = []

    def enqueue(task, job):
        def work():
            time.sleep(1.0)
            try:
                export_jobs.run_export(job.pk)
            finally:
                connection.close()

        thread = threading.Thread(target=work)
        thread.start()
        threads.append(thread)

    monkeypatch.setattr(export_jobs, "_enqueue", enqueue)
    yield
    for thread in threads:
        thread.join(timeout=30)


def test_a_long_ledger_export_shows_progress_then_the_download_link(
    page, log_in, live_server, area, slow_worker
):
    enterprises(area["township_a1"], 4, name="甲一镇的厂")
    enterprises(area["township_a2"], 3, name="甲二乡的厂")
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/reports/exports/")
    page.click("#start-ledger-export")
    page.wait_for_selector("#export-progress")
    assert page.get_attribute("#export-progress", "data-state") in ("pending", "running")
    page.wait_for_selector("#export-progress[data-state=running]")
    assert "生成中" in page.inner_text("#export-state")
    page.wait_for_selector("#export-download", timeout=30000)
    assert "已写 7 / 7 行" in page.inner_text("#export-state")
    assert page.inner_text("#export-bar") == "100%"
    with page.expect_download() as info:
        page.click("#export-download")
    ws = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]
    assert ws["A1"].value == "甲县小散乱污企业排查台账"
    assert [ws.cell(row, 3).value for row in range(5, 12)] == ["甲一镇的厂"] * 4 + [
        "甲二乡的厂"
    ] * 3
    assert ExportJob.objects.get().state == ExportJob.State.DONE


def test_a_citys_table_is_exported_in_the_background_from_the_table_page(
    page, log_in, live_server, area, slow_worker
):
    mixed_cases(area)
    log_in("city", TEST_PASSWORD)
    page.goto(
        f"{live_server.url}/reports/tables/cleanup_summary/?period=2024-03&region=110100000000"
    )
    assert page.inner_text("h1") == "测试市“散乱污”问题清理整顿情况汇总表"
    page.click("#export-background")
    page.wait_for_selector("#export-progress")
    page.wait_for_selector("#export-download", timeout=30000)
    with page.expect_download() as info:
        page.click("#export-download")
    ws = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]
    assert [ws["B6"].value, ws["B7"].value, ws["A8"].value] == ["甲县", "乙县", "合计"]
    assert ws["C8"].value == 8
