"""Faults survived with real processes: a Celery worker killed (SIGKILL) in the middle of a long
export, and a Redis restarted (without persistence) while an export waits in its queue. In both
the job's database row is the truth: a fresh worker's beat sweep (reporting.exports.jobs
sweep_jobs) resumes the job or sends it again, and the file is produced once.

The worker is a real `celery worker -B` subprocess on a private redis-server and the test's
PostgreSQL database, its deadlines set to seconds through the environment. The worker is held
mid-export by a table lock the test takes on the enterprises, so the kill always lands while the
job is 生成中. Skipped on SQLite (the test database is in memory, a subprocess cannot share it)
and where no redis-server is installed."""

import os
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection, connections

from reporting.exports import jobs as export_jobs
from reporting.models import ExportJob
from tests.factories.reporting import enterprises
from tests.factories.services import REDIS_SERVER

pytestmark = [
    pytest.mark.skipif(
        REDIS_SERVER is None, reason="没有 redis-server：真实进程的故障测试需要它。"
    ),
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="SQLite 的测试库在内存中，另一个进程（Celery worker）无法共用：只在 PostgreSQL 上运行。",
    ),
]

# The deadlines the worker runs with: a lost worker is noticed after STALE seconds, a lost
# message after REQUEUE seconds, by a beat sweep every SWEEP seconds.
STALE, REQUEUE, SWEEP = 3, 2, 1
# How long the test waits for a recovery before it calls it lost (not a speed target).
RECOVERY_BOUND = 90


def database_url():
    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


class Worker:
    """A real `celery -A config worker -B` on the private Redis and the test database."""

    def __init__(self, redis_url, media_root, tmp_path):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(media_root),
            "QINGLING_EXPORT_STALE_SECONDS": str(STALE),
            "QINGLING_EXPORT_REQUEUE_SECONDS": str(REQUEUE),
            "QINGLING_EXPORT_SWEEP_SECONDS": str(SWEEP),
            "QINGLING_EXPORT_ATTEMPTS": "2",
        }
        self.tmp_path = tmp_path
        self.process = None

    def start(self):
        # Its own process group, so a kill takes the worker and its embedded beat together,
        # as a node lost would.
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "--pool=solo"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
        command += ["-s", str(self.tmp_path / f"beat-{time.monotonic_ns()}")]
        self.process = subprocess.Popen(
            command,
            env=self.env,
            cwd=django_settings.BASE_DIR,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(private_redis, temporary_media, tmp_path):
    started = []

    def start():
        worker = Worker(private_redis.url, temporary_media, tmp_path)
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(predicate, bound=RECOVERY_BOUND):
    """Poll the job's row until `predicate(job)`; returns (job, seconds waited)."""
    started = time.monotonic()
    while True:
        job = ExportJob.objects.get()
        if predicate(job):
            return job, time.monotonic() - started
        if time.monotonic() - started > bound:
            pytest.fail(f"导出任务在 {bound} 秒内没有恢复：{job.state} {job.error}")
        time.sleep(0.2)


def exported_files(media_root):
    return list((media_root.parent / "private_exports").rglob("*.xlsx"))


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_worker_is_killed_mid_export_is_resumed_by_a_fresh_worker(
    area, redis_queue, workers, temporary_media, capsys
):
    enterprises(area["township_a1"], 30)
    job = export_jobs.request_ledger_export(by=area["users"]["county"], query="")
    assert job.state == ExportJob.State.PENDING
    blocker = connections.create_connection("default")
    try:
        with blocker.cursor() as cursor:
            # The worker claims the job, then waits on the enterprises it has to read.
            blocker.set_autocommit(False)
            cursor.execute("LOCK TABLE enterprises_enterprise IN ACCESS EXCLUSIVE MODE")
            first = workers()
            running, _ = wait_for(lambda job: job.state == ExportJob.State.RUNNING)
            assert running.attempts == 1
            first.kill()
            killed_at = time.monotonic()
            blocker.rollback()
    finally:
        blocker.close()
    assert ExportJob.objects.get().state == ExportJob.State.RUNNING  # 生成中, nobody on it
    workers()
    done, _ = wait_for(lambda job: job.state == ExportJob.State.DONE)
    recovered_in = time.monotonic() - killed_at
    assert done.attempts == 2 and done.rows_done == 30 and done.error == ""
    assert len(exported_files(temporary_media)) == 1
    with capsys.disabled():
        print(f"\n[figure] killed worker → export done by a fresh worker in {recovered_in:.1f} s")


@pytest.mark.django_db(transaction=True)
def test_an_redis_queued_across_a_redis_restart_is_still_produced_once(
    area, redis_queue, workers, temporary_media, capsys
):
    enterprises(area["township_a1"], 5)
    job = export_jobs.request_ledger_export(by=area["users"]["county"], query="")
    job.refresh_from_db()
    assert job.state == ExportJob.State.PENDING and job.task_id
    assert redis.Redis(port=redis_queue.port).llen("celery") == 1
    redis_queue.stop()
    redis_queue.start()  # empty: the machine's Redis keeps nothing across a restart
    assert redis.Redis(port=redis_queue.port).llen("celery") == 0
    restarted_at = time.monotonic()
    workers()
    done, _ = wait_for(lambda job: job.state == ExportJob.State.DONE)
    recovered_in = time.monotonic() - restarted_at
    assert done.attempts == 1 and done.rows_done == 5
    assert len(exported_files(temporary_media)) == 1
    with capsys.disabled():
        print(f"\n[figure] Redis restarted → queued export done in {recovered_in:.1f} s")
