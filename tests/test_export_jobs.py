"""Long exports: a large ledger or a city's table is built by a Celery task with a progress bar,
downloadable only by the user who asked and only inside their area; in-process without Redis,
through a real worker with it."""

import io
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

import config.settings as configured_settings
from reporting.exports import jobs as export_jobs
from reporting.models import ExportJob
from reporting.periods import Period
from reporting.tasks import run_export_job
from tests.factories.reporting import enterprises
from tests.factories.reporting_tables import mixed_cases

MARCH = Period(2024, 3)


@pytest.fixture(autouse=True)
def long_exports_from_two_rows(settings):
    settings.QINGLING_LONG_EXPORT_ROWS = 2


def start_ledger_export(client, django_capture_on_commit_callbacks, **filters):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("reporting:export_start"), {"kind": "ledger", **filters})


def start_table_export(client, django_capture_on_commit_callbacks, key, region, period="2024-03"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("reporting:export_start"),
            {"kind": "table", "table": key, "region": region.code, "period": period},
        )


def workbook_of(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_a_long_ledger_export_runs_as_a_job_and_without_redis_is_done_at_once(
    area, client_for, django_capture_on_commit_callbacks
):
    enterprises(area["township_a1"], 2, name="甲一镇的厂")
    enterprises(area["township_a2"], 1, name="甲二乡的厂")
    enterprises(area["township_b1"], 1, name="乙县的厂")
    client = client_for(area["users"]["county"])
    response = start_ledger_export(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:export_detail", args=[job.pk])
    assert job.state == ExportJob.State.DONE
    assert (job.rows_done, job.rows_total, job.percent) == (3, 3, 100)
    assert job.region == area["county_a"] and job.requested_by == area["users"]["county"]
    page = client.get(response["Location"]).content.decode()
    assert 'id="export-download"' in page and "hx-trigger" not in page
    download = client.get(reverse("reporting:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    ws = workbook_of(download)
    assert ws["A1"].value == "甲县小散乱污企业排查台账"
    assert ws["A2"].value == "填报单位：甲县整治办（盖章）"
    assert ws["A4"].value == "序号" and ws["C4"].value == "企业名称"
    assert [ws.cell(row, 3).value for row in (5, 6, 7)] == [
        "甲一镇的厂",
        "甲一镇的厂",
        "甲二乡的厂",
    ]
    assert [ws.cell(row, 1).value for row in (5, 6, 7)] == [1, 2, 3]
    assert ws["A8"].value.startswith("注：1. 此表各镇、办事处环保部门填报")
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape"


def test_a_short_filtered_ledger_downloads_at_once_through_the_ledger_export(
    area, client_for, django_capture_on_commit_callbacks
):
    enterprises(area["township_a1"], 1)
    enterprises(area["township_a2"], 3)
    client = client_for(area["users"]["county"])
    response = start_ledger_export(
        client, django_capture_on_commit_callbacks, township=area["township_a1"].code
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('enterprises:export')}?township=110101100000"
    assert not ExportJob.objects.exists()


def test_the_filter_of_the_list_narrows_the_background_ledger(
    area, client_for, django_capture_on_commit_callbacks
):
    enterprises(area["township_a1"], 3, sector="industry")
    enterprises(area["township_a1"], 2, sector="services")
    client = client_for(area["users"]["county"])
    start_ledger_export(
        client, django_capture_on_commit_callbacks, sector="industry", q="", township=""
    )
    job = ExportJob.objects.get()
    assert job.parameters == {"query": "sector=industry"}
    assert job.rows_total == 3


def test_a_bad_filter_is_refused_in_chinese_and_starts_nothing(
    area, client_for, django_capture_on_commit_callbacks
):
    client = client_for(area["users"]["county"])
    response = start_ledger_export(
        client, django_capture_on_commit_callbacks, reported_after="不是日期"
    )
    assert response.status_code == 302
    assert not ExportJob.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "筛选条件有误，未能导出" in page


def test_only_the_user_who_asked_can_see_or_download_the_file(
    area, client_for, django_capture_on_commit_callbacks
):
    enterprises(area["township_a1"], 3)
    users = area["users"]
    start_ledger_export(client_for(users["county"]), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    for other in ("leader", "county_b", "city", "clerk"):
        client = client_for(users[other])
        for name in ("export_detail", "export_status", "export_download"):
            assert client.get(reverse(f"reporting:{name}", args=[job.pk])).status_code == 404
        assert job.title not in client.get(reverse("reporting:export_list")).content.decode()


def test_a_job_left_outside_the_users_area_answers_404(
    area, client_for, django_capture_on_commit_callbacks
):
    enterprises(area["township_a1"], 3)
    county = area["users"]["county"]
    start_ledger_export(client_for(county), django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    county.organisation = area["orgs"]["county_b_office"]
    county.save()
    response = client_for(county).get(reverse("reporting:export_download", args=[job.pk]))
    assert response.status_code == 404


def test_progress_is_recorded_while_the_rows_stream(area, users, monkeypatch):
    enterprises(area["township_a1"], 5)
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    seen = []
    original = export_jobs.record_progress

    def spy(job, rows_done, rows_total=None):
        original(job, rows_done, rows_total)
        seen.append(ExportJob.objects.values_list("state", "rows_done", "rows_total").get())

    monkeypatch.setattr(export_jobs, "record_progress", spy)
    job = ExportJob.objects.create(
        kind="ledger", title="甲县台账", region=area["county_a"], requested_by=users["county"]
    )
    assert export_jobs.run_export(job.pk) == ExportJob.State.DONE
    assert seen == [("running", 0, 5), ("running", 2, 5), ("running", 4, 5)]
    job.refresh_from_db()
    assert (job.state, job.rows_done) == ("done", 5)


def test_the_status_fragment_polls_until_the_job_is_done(area, users, client_for):
    enterprises(area["township_a1"], 3)
    job = ExportJob.objects.create(
        kind="ledger", title="甲县台账", region=area["county_a"], requested_by=users["county"]
    )
    client = client_for(users["county"])
    fragment = client.get(reverse("reporting:export_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "排队中" in fragment
    assert "export-download" not in fragment
    run_export_job.delay(job.pk)
    fragment = client.get(reverse("reporting:export_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and 'id="export-download"' in fragment
    assert "已写 3 / 3 行" in fragment and "width: 100%" in fragment


def test_a_redelivered_task_does_not_build_the_file_twice(area, users):
    job = ExportJob.objects.create(
        kind="ledger", title="甲县台账", region=area["county_a"], requested_by=users["county"]
    )
    assert export_jobs.run_export(job.pk) == ExportJob.State.DONE
    first = ExportJob.objects.get(pk=job.pk).file.name
    assert export_jobs.run_export(job.pk) is None
    assert ExportJob.objects.get(pk=job.pk).file.name == first


def test_a_failing_build_marks_the_job_failed_with_a_chinese_message(area, users, monkeypatch):
    def broken(report, stream):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_jobs, "write_report", broken)
    job = ExportJob.objects.create(
        kind="ledger", title="甲县台账", region=area["county_a"], requested_by=users["county"]
    )
    assert export_jobs.run_export(job.pk) == ExportJob.State.FAILED
    job.refresh_from_db()
    assert job.state == "failed" and "导出失败" in job.error and not job.file


def test_a_citys_table_is_exported_in_the_background(
    area, client_for, django_capture_on_commit_callbacks
):
    mixed_cases(area)
    client = client_for(area["users"]["city"])
    page = client.get(
        reverse("reporting:table", args=["cleanup_summary"]) + "?period=2024-03&region=110100000000"
    ).content.decode()
    assert 'id="export-background"' in page and 'id="export-draft"' not in page
    response = start_table_export(
        client, django_capture_on_commit_callbacks, "cleanup_summary", area["city"]
    )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reporting:export_detail", args=[job.pk])
    assert job.state == ExportJob.State.DONE and job.rows_total == 2
    ws = workbook_of(client.get(reverse("reporting:export_download", args=[job.pk])))
    assert ws["A1"].value == "测试市“散乱污”问题清理整顿情况汇总表"
    assert ws["B4"].value == "县（市、区）"
    assert [ws["B6"].value, ws["C6"].value, ws["B7"].value, ws["C7"].value] == [
        "甲县",
        7,
        "乙县",
        1,
    ]
    assert ws["A8"].value == "合计" and ws["C8"].value == 8
    assert ws.oddFooter.center.text == "验证码：草稿，未报送"


def test_a_countys_table_page_keeps_the_direct_draft_export(area, client_for):
    page = (
        client_for(area["users"]["county"])
        .get(reverse("reporting:table", args=["cleanup_summary"]) + "?period=2024-03")
        .content.decode()
    )
    assert 'id="export-draft"' in page and 'id="export-background"' not in page


def test_a_table_outside_the_area_or_at_a_wrong_level_starts_nothing(
    area, client_for, django_capture_on_commit_callbacks
):
    client = client_for(area["users"]["county"])
    response = start_table_export(
        client, django_capture_on_commit_callbacks, "cleanup_summary", area["city"]
    )
    assert response.status_code == 404
    response = start_table_export(
        client, django_capture_on_commit_callbacks, "monthly_report", area["township_a1"]
    )
    assert response.status_code == 302
    assert "不能按乡镇（街道、农场）导出" in client.get(response["Location"]).content.decode()
    response = start_table_export(
        client, django_capture_on_commit_callbacks, "cleanup_summary", area["county_a"], "2024-13"
    )
    assert "报送期间无效" in client.get(response["Location"]).content.decode()
    assert not ExportJob.objects.exists()


def test_the_export_list_shows_my_jobs_and_the_ledger_filters(area, users, client_for):
    ExportJob.objects.create(
        kind="ledger", title="我的台账导出", region=area["county_a"], requested_by=users["county"]
    )
    page = client_for(users["county"]).get(reverse("reporting:export_list")).content.decode()
    assert "我的台账导出" in page and "排队中" in page
    assert 'name="sector"' in page and 'id="start-ledger-export"' in page


def test_the_export_list_runs_the_same_queries_whatever_the_number_of_jobs(
    area, users, client_for, django_assert_num_queries
):
    client = client_for(users["county"])

    def make(count):
        ExportJob.objects.bulk_create(
            ExportJob(
                kind="ledger",
                title=f"导出{index}",
                region=area["county_a"],
                region_path=area["county_a"].path,
                requested_by=users["county"],
            )
            for index in range(count)
        )

    make(1)
    client.get(reverse("reporting:export_list"))  # warm the session and the navigation
    # session, user, organisation, region, unread bell, township choices, the jobs
    with django_assert_num_queries(7) as first:
        client.get(reverse("reporting:export_list"))
    make(15)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("reporting:export_list"))


def test_the_api_starts_polls_and_downloads_a_job_for_its_owner_only(
    area, users, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    mixed_cases(area)
    client = APIClient()
    client.force_authenticate(users["city"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/export-jobs/",
            {
                "kind": "table",
                "table": "monthly_report",
                "region": "110100000000",
                "period": "2024-03",
            },
            format="json",
        )
    assert response.status_code == 201, response.data
    job_id = response.data["id"]
    detail = client.get(f"/api/export-jobs/{job_id}/").data
    assert detail["state"] == "done" and detail["percent"] == 100
    assert detail["download_url"].endswith(f"/api/export-jobs/{job_id}/download/")
    download = client.get(f"/api/export-jobs/{job_id}/download/")
    assert download.status_code == 200
    assert workbook_of(download)["A1"].value == "测试市“散乱污”企业整治工作月报"
    assert [job["id"] for job in client.get("/api/export-jobs/").data["results"]] == [job_id]
    other = APIClient()
    other.force_authenticate(users["county"])
    assert other.get(f"/api/export-jobs/{job_id}/").status_code == 404
    assert other.get(f"/api/export-jobs/{job_id}/download/").status_code == 404
    bad = other.post("/api/export-jobs/", {"kind": "everything"}, format="json")
    assert bad.status_code == 400 and "导出内容只能是" in str(bad.data)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_long_export_runs_on_a_real_worker_through_redis(
    area, client_for, celery_worker_process, settings
):
    # The worker is a separate process with the project's own MEDIA_ROOT (or object-store
    # prefix): use it here too.
    settings.MEDIA_ROOT = settings.BASE_DIR / "media"
    settings.STORAGES = configured_settings.STORAGES
    settings.QINGLING_EXPORT_QUEUE = celery_worker_process
    enterprises(area["township_a1"], 4)
    client = client_for(area["users"]["county"])
    response = client.post(reverse("reporting:export_start"), {"kind": "ledger"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reporting:export_detail", args=[job.pk])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.3)
    try:
        assert job.state == ExportJob.State.DONE, job.error
        assert job.task_id
        ws = workbook_of(client.get(reverse("reporting:export_download", args=[job.pk])))
        assert ws["A1"].value == "甲县小散乱污企业排查台账"
        assert [ws.cell(row, 1).value for row in range(5, 9)] == [1, 2, 3, 4]
    finally:
        if job.file:
            job.file.delete(save=False)
