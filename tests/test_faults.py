"""Faults survived: with Redis stopped every page still answers, quickly; a change committed
before a failing side effect is reported as done; an export the queue cannot take is failed at
once (never left pending); a job whose worker died is failed with 重新生成; Redis restarted,
everything works again.

The Redis tests start a private redis-server on a free loopback port and stop and restart it;
they are skipped where no redis-server is installed."""

import datetime
import io
import logging
import time

import pytest
import redis
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from rest_framework.test import APIClient

from accounts.side_effects import after_commit
from reporting.exports import jobs as export_jobs
from reporting.models import ExportJob
from reporting.tasks import sweep_export_jobs
from tests.factories.rectification import in_progress_case
from tests.factories.reporting import enterprises
from tests.factories.services import needs_redis_server
from tests.test_dashboard import spread
from tests.test_tip_public import tip_data

# What "answers at once" means here: the settings bound every Redis wait to about a second.
QUICK_SECONDS = 2.0


@pytest.fixture
def redis_cache(settings, private_redis):
    """The cache and the dashboard cache on the private Redis, as production has them."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    settings.DASHBOARD_CACHE = True
    return private_redis


@pytest.fixture
def api_for():
    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


# --- Redis down: every page answers -------------------------------------------------------


@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_the_dashboard_is_computed_and_cached_again_once_it_is_back(
    area, client_for, redis_cache
):
    spread(area)
    client = client_for(area["users"]["leader"])
    cached = client.get(reverse("reporting:dashboard")).context["dash"]
    redis_cache.stop()
    response, seconds = timed(lambda: client.get(reverse("reporting:dashboard")))
    assert response.status_code == 200 and seconds < QUICK_SECONDS
    assert response.context["dash"].totals == cached.totals
    redis_cache.start()  # empty: nothing was persisted
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    assert redis.Redis(port=redis_cache.port).keys("*dashboard:*")


@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_a_citizen_still_files_a_tip_and_looks_it_up(area, client, redis_cache):
    redis_cache.stop()
    response, seconds = timed(lambda: client.post("/tips/", tip_data(area)))
    assert response.status_code == 302 and seconds < QUICK_SECONDS
    receipt = client.session["tip_receipt"]
    response, seconds = timed(lambda: client.get("/tips/lookup/", {"receipt_number": receipt}))
    assert response.status_code == 200 and seconds < QUICK_SECONDS
    assert receipt in response.content.decode()


@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_a_committed_case_extension_answers_200_and_the_failure_is_logged(
    area, client_for, redis_cache, caplog
):
    case = in_progress_case(area)
    new_deadline = case.deadline + datetime.timedelta(days=7)
    redis_cache.stop()
    with caplog.at_level(logging.ERROR, logger="accounts.side_effects"):
        response, seconds = timed(
            lambda: client_for(area["users"]["clerk"]).post(
                f"/api/cases/{case.pk}/extend/",
                {
                    "new_deadline": new_deadline.isoformat(),
                    "reason": "雨季",
                    "approver": area["users"]["county"].pk,
                },
                content_type="application/json",
            )
        )
    assert response.status_code == 200, response.content
    assert seconds < QUICK_SECONDS
    case.refresh_from_db()
    assert case.deadline == new_deadline
    assert any("dashboard token" in record.getMessage() for record in caplog.records)


# --- export jobs and the queue ------------------------------------------------------------


@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_with_the_queue_stopped_an_export_is_refused_at_once_then_queued_once_it_is_back(
    area, client_for, redis_queue
):
    enterprises(area["township_a1"], 3)
    client = client_for(area["users"]["county"])
    redis_queue.stop()
    response, seconds = timed(
        lambda: client.post(reverse("reporting:export_start"), {"kind": "ledger"}, follow=True)
    )
    assert response.status_code == 200 and seconds < QUICK_SECONDS
    assert "后台任务队列暂时不可用" in response.content.decode()
    refused = ExportJob.objects.get()
    assert refused.state == ExportJob.State.FAILED and "暂时不可用" in refused.error
    redis_queue.start()
    response = client.post(reverse("reporting:export_start"), {"kind": "ledger"})
    queued = ExportJob.objects.exclude(pk=refused.pk).get()
    assert response["Location"] == reverse("reporting:export_detail", args=[queued.pk])
    assert queued.state == ExportJob.State.PENDING and queued.task_id
    assert redis.Redis(port=redis_queue.port).llen("celery") == 1


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_with_the_reason_when_the_queue_refuses_a_job(
    area, api_for, monkeypatch
):
    def queue_down(task, job):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(export_jobs, "_enqueue", queue_down)
    response = api_for(area["users"]["county"]).post(
        "/api/export-jobs/", {"kind": "ledger"}, format="json"
    )
    assert response.status_code == 503
    assert "后台任务队列暂时不可用" in response.json()["detail"]
    assert ExportJob.objects.get().state == ExportJob.State.FAILED


def test_a_job_the_queue_refuses_after_the_callers_commit_is_failed_not_left_pending(
    area, client_for, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.QINGLING_LONG_EXPORT_ROWS = 2
    enterprises(area["township_a1"], 3)

    def queue_down(task, job):
        raise OperationalError("connection refused")

    monkeypatch.setattr(export_jobs, "_enqueue", queue_down)
    client = client_for(area["users"]["county"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:export_start"), {"kind": "ledger"})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reporting:export_detail", args=[job.pk])
    assert job.state == ExportJob.State.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "后台任务队列暂时不可用" in page and 'id="export-retry"' in page


# --- a worker that died -------------------------------------------------------------------


def abandoned_job(area, minutes_ago, state=ExportJob.State.RUNNING, attempts=2):
    """A job last heard of `minutes_ago`; by default on its last allowed attempt (two)."""
    then = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    running = state == ExportJob.State.RUNNING
    return ExportJob.objects.create(
        kind=export_jobs.KIND_LEDGER,
        title="甲县排查台账",
        region=area["county_a"],
        requested_by=area["users"]["county"],
        parameters={"query": ""},
        state=state,
        rows_total=10,
        rows_done=3,
        created_at=then,
        queued_at=then,
        started_at=then if running else None,
        progress_at=then if running else None,
        attempts=attempts if running else 0,
    )


@pytest.fixture
def stale_after_five_minutes(settings):
    settings.QINGLING_EXPORT_STALE_SECONDS = 300
    settings.QINGLING_EXPORT_REQUEUE_SECONDS = 120
    settings.QINGLING_EXPORT_ATTEMPTS = 2


def test_a_job_left_running_without_progress_fails_when_polled_and_regenerates(
    area, client_for, stale_after_five_minutes, django_capture_on_commit_callbacks
):
    enterprises(area["township_a1"], 2)
    job = abandoned_job(area, minutes_ago=6)
    client = client_for(area["users"]["county"])
    fragment = client.get(reverse("reporting:export_status", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.finished_at is not None
    assert "超过 5 分钟没有进展" in fragment and "重新生成" in fragment
    assert "hx-trigger" not in fragment  # the page stops polling
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:export_retry", args=[job.pk]))
    again = ExportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("reporting:export_detail", args=[again.pk])
    assert again.state == ExportJob.State.DONE and again.rows_total == 2
    assert again.parameters == job.parameters


def test_a_job_still_making_progress_is_left_running(area, client_for, stale_after_five_minutes):
    job = abandoned_job(area, minutes_ago=4)
    client_for(area["users"]["county"]).get(reverse("reporting:export_status", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING


def test_a_job_whose_worker_died_is_resumed_when_polled_while_it_has_attempts_left(
    area, client_for, stale_after_five_minutes, django_capture_on_commit_callbacks
):
    enterprises(area["township_a1"], 2)
    job = abandoned_job(area, minutes_ago=6, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(area["users"]["county"]).get(reverse("reporting:export_status", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.attempts == 2 and job.rows_done == 2


def test_the_periodic_sweep_resumes_fails_and_requeues_exactly_the_lost_exports(
    area, stale_after_five_minutes, settings, django_capture_on_commit_callbacks
):
    enterprises(area["township_a1"], 2)
    last_attempt = abandoned_job(area, minutes_ago=30)
    first_attempt = abandoned_job(area, minutes_ago=30, attempts=1)
    never_queued = abandoned_job(area, minutes_ago=30, state=ExportJob.State.PENDING)
    ExportJob.objects.filter(pk=never_queued.pk).update(queued_at=None)
    fresh = abandoned_job(area, minutes_ago=1)
    queued = abandoned_job(area, minutes_ago=1, state=ExportJob.State.PENDING)
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["reporting.sweep_export_jobs"] == datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        counts = sweep_export_jobs.delay().get(timeout=10)
    assert counts == {"resumed": 1, "failed": 1, "requeued": 1}
    states = dict(ExportJob.objects.values_list("pk", "state"))
    assert states[last_attempt.pk] == ExportJob.State.FAILED
    assert states[first_attempt.pk] == states[never_queued.pk] == ExportJob.State.DONE
    assert states[fresh.pk] == ExportJob.State.RUNNING
    assert states[queued.pk] == ExportJob.State.PENDING


def test_a_job_sent_twice_is_generated_once(area, temporary_media):
    enterprises(area["township_a1"], 2)
    job = export_jobs.request_ledger_export(by=area["users"]["county"], query="")
    assert export_jobs.dispatch(job) is True  # the same job on the queue a second time
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.attempts == 1
    assert export_jobs.run_export(job.pk) is None
    assert len(list((temporary_media.parent / "private_exports").rglob("*.xlsx"))) == 1


def test_a_worker_taken_for_dead_cannot_finish_the_job_it_lost(area, temporary_media):
    enterprises(area["township_a1"], 2)
    job = abandoned_job(area, minutes_ago=1, state=ExportJob.State.PENDING)
    claimed = export_jobs.start_job(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(attempts=claimed.attempts + 1)  # resumed elsewhere
    export_jobs.record_progress(claimed, 1, 2)
    with io.BytesIO(b"PK") as stream:
        assert export_jobs.finish_job(claimed, stream, "x.xlsx", 2) is None
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING and job.rows_done == 0 and not job.file
    assert not list((temporary_media.parent / "private_exports").rglob("*.xlsx"))


def test_the_api_fails_an_abandoned_job_when_polled_and_retries_it(
    area, api_for, stale_after_five_minutes, django_capture_on_commit_callbacks
):
    enterprises(area["township_a1"], 2)
    job = abandoned_job(area, minutes_ago=6)
    client = api_for(area["users"]["county"])
    polled = client.get(f"/api/export-jobs/{job.pk}/").json()
    assert polled["state"] == "failed" and "重新生成" in polled["error"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/export-jobs/{job.pk}/retry/")
    assert response.status_code == 201
    assert response.json()["id"] != job.pk
    assert ExportJob.objects.get(pk=response.json()["id"]).state == ExportJob.State.DONE


def test_only_a_failed_job_of_ones_own_can_be_regenerated(area, api_for):
    job = abandoned_job(area, minutes_ago=1)
    owner = api_for(area["users"]["county"])
    response = owner.post(f"/api/export-jobs/{job.pk}/retry/")
    assert response.status_code == 400
    assert response.json()["detail"] == "只有失败的导出任务可以重新生成。"
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED)
    other = api_for(area["users"]["clerk"])
    assert other.post(f"/api/export-jobs/{job.pk}/retry/").status_code == 404
    assert ExportJob.objects.count() == 1


# --- side effects after commit ------------------------------------------------------------


def test_a_failing_side_effect_after_commit_is_logged_not_raised(
    db, caplog, django_capture_on_commit_callbacks
):
    ran = []

    def broken():
        raise ConnectionError("redis is down")

    with (
        caplog.at_level(logging.ERROR, logger="accounts.side_effects"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        after_commit(broken, "send the notice")
        after_commit(lambda: ran.append("next"))
    assert ran == ["next"]
    assert "side effect after commit failed: send the notice" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_job_being_built_beats_so_a_long_phase_without_rows_is_not_taken_for_dead(area, settings):
    settings.QINGLING_EXPORT_STALE_SECONDS = 3  # a beat every second
    job = abandoned_job(area, minutes_ago=10, attempts=1)
    with export_jobs.Heartbeat(job):
        deadline = time.monotonic() + 30
        while ExportJob.objects.get(pk=job.pk).progress_at == job.progress_at:
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.1)
    assert export_jobs.sweep_jobs() == {"resumed": 0, "failed": 0, "requeued": 0}
    assert ExportJob.objects.get(pk=job.pk).state == ExportJob.State.RUNNING
