"""Long exports: a workbook too big to build inside a web request is built by a Celery task.

Two kinds of job:

    ledger  the (filtered) enterprise ledger as the 附件1 table (enterprises.ledger_table), for
            any area the user sees — the ledger list's own export when it is too long;
    table   a report table (reporting.tables) for a region and period — a city's or a
            province's, whose area is large.

`request_export` checks the request and queues the job; the task calls `run_export`, which
moves the job PENDING → RUNNING → DONE (or FAILED) through the functions below — nothing
else sets `state`. Rows stream from the database (`iterator(chunk_size)`) into openpyxl's
write-only workbook and then into a temporary file, so memory stays flat whatever the size;
`rows_done` is written every PROGRESS_EVERY rows for the progress bar. The finished file is
kept in private storage (ExportJob.file) and served only to the user who asked.

Faults — the database row is the truth, the queue only a messenger:

- with the queue (Redis) down when a job is asked, the job is failed at once with a message,
  never left pending;
- a worker claims a job with a conditional UPDATE (PENDING → RUNNING, `attempts` + 1), so a
  job dispatched twice (a redelivered or re-sent message) is generated once; progress and the
  finish are written only by the attempt that holds the claim;
- `sweep_jobs` (beat every QINGLING_EXPORT_SWEEP_SECONDS, and whenever a job's page or API is
  polled) resumes a job whose worker died — RUNNING with no progress for
  QINGLING_EXPORT_STALE_SECONDS — by queueing it again, up to QINGLING_EXPORT_ATTEMPTS
  attempts, then marks it failed (重新生成); and it sends again a job still queued after
  QINGLING_EXPORT_REQUEUE_SECONDS (its message lost with a Redis restart);
- `retry_export` (重新生成) asks a failed job again, as a new job.
"""

import logging
import tempfile
import threading
from datetime import timedelta
from types import SimpleNamespace

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.models import Region
from accounts.refusals import Refused
from accounts.scoping import ensure_in_area
from accounts.sheets import own_organisation, write_report
from accounts.side_effects import after_commit
from enterprises import ledger_table
from enterprises.filters import EnterpriseFilter
from enterprises.ledger import ledger_rows
from enterprises.models import Enterprise

from ..models import ExportJob
from ..periods import InvalidPeriod, Period
from ..submissions.workbooks import draft_report, export_filename
from ..tables import get_table

logger = logging.getLogger(__name__)

KIND_LEDGER = "ledger"
KIND_TABLE = "table"
PROGRESS_EVERY = 500
# A filtered ledger longer than this is exported in the background; shorter ones download at once.
DEFAULT_LONG_EXPORT_ROWS = 5000
# A running job with no progress for this long has lost its worker (killed, node gone).
DEFAULT_STALE_SECONDS = 300
# A queued job not picked up for this long is sent again (its message may be lost).
DEFAULT_REQUEUE_SECONDS = 120
# How many times a job is started before a lost worker marks it failed rather than resumed.
DEFAULT_ATTEMPTS = 2
QUEUE_DOWN_MESSAGE = (
    "后台任务队列暂时不可用，导出未能开始，请稍后重试；如急需，可缩小导出范围后直接导出。"
)
STALE_MESSAGE = (
    "导出中断：后台任务超过 {duration}没有进展（可能已中止），已尝试 {attempts} 次，"
    "请点击“重新生成”。"
)


def long_export_rows():
    return getattr(settings, "QINGLING_LONG_EXPORT_ROWS", DEFAULT_LONG_EXPORT_ROWS)


def is_large_area(region):
    """A table for a city or a province is built in the background."""
    return region.level <= Region.Level.CITY


def ledger_filter(query, user):
    """The enterprise list's own FilterSet over the user's area, from a saved query string."""
    data = QueryDict(query or "")
    return EnterpriseFilter(
        data or None,
        queryset=Enterprise.objects.visible_to(user),
        request=SimpleNamespace(user=user),
    )


def filter_errors(filterset):
    return "；".join(" ".join(errors) for errors in filterset.form.errors.values())


def long_ledger_route(row_count, query):
    """The ledger list's hook (enterprises.ledger.register_long_export): a ledger longer than
    the threshold goes to the export page, its form filled with the list's filters."""
    if row_count <= long_export_rows():
        return None
    target = reverse("reporting:export_list")
    return f"{target}?{query}" if query else target


def check_requester(user):
    if user is None or not user.is_authenticated:
        raise PermissionDenied("请先登录。")


def request_ledger_export(*, by, query):
    """Queue the filtered ledger; refuses a filter with errors."""
    check_requester(by)
    filterset = ledger_filter(query, by)
    if filterset.is_bound and not filterset.is_valid():
        raise Refused("筛选条件有误，未能导出：" + filter_errors(filterset))
    region = ledger_table.ledger_region(filterset, by)
    if region is None:
        raise Refused("没有可导出的区域。")
    title = ledger_table.export_name(region)
    return _create(KIND_LEDGER, title, region, by, {"query": query or ""})


def request_table_export(*, by, key, region, period):
    """Queue a report table for a region (inside the user's area) and period."""
    check_requester(by)
    table = get_table(key)
    if table is None:
        raise Refused("没有这张报表。")
    ensure_in_area(by, region.path)
    if not table.can_view(region):
        raise Refused(f"“{table.name}”不能按{region.get_level_display()}导出。")
    title = f"{table.title_for(region)}（{period.label}）"
    return _create(KIND_TABLE, title, region, by, {"table": key, "period": period.key})


class ExportQueueDown(Refused):
    """The task queue (Redis) could not take the job: the job is marked failed at once."""

    status_code = 503


def _create(kind, title, region, by, parameters):
    job = ExportJob.objects.create(
        kind=kind,
        title=title,
        region=region,
        requested_by=by,
        parameters=parameters,
        queued_at=timezone.now(),
    )
    if transaction.get_connection().in_atomic_block:
        # After commit: a worker must find the row when it picks the task up.
        after_commit(lambda: dispatch(job), f"queue export job {job.pk}")
    elif not dispatch(job):
        # The row is committed (autocommit), so the refusal can be told in this request.
        raise ExportQueueDown(job.error)
    return job


def dispatch(job, *, refuse_when_down=True):
    """Queue the job's task and return whether the queue took it. With the queue down a job
    just asked is marked failed (never left pending, `refuse_when_down`); one the sweep sends
    again stays queued for the next sweep."""
    try:
        _enqueue(run_export_job, job)
    except Exception:
        logger.exception("export job %s could not be queued", job.pk)
        if refuse_when_down:
            fail_job(job.pk, QUEUE_DOWN_MESSAGE)
            job.state, job.error = ExportJob.State.FAILED, QUEUE_DOWN_MESSAGE
        return False
    return True


def _enqueue(task, job):
    # QINGLING_EXPORT_QUEUE lets a deployment (or the real-worker test) route exports apart.
    queue = getattr(settings, "QINGLING_EXPORT_QUEUE", None)
    result = task.apply_async(args=[job.pk], **({"queue": queue} if queue else {}))
    ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.PENDING).update(
        task_id=result.id or ""
    )


def retry_export(job, *, by):
    """重新生成: a failed job asked again with the same parameters, as a new job (the checks
    of the first request are made again: the user's area may have changed since)."""
    check_requester(by)
    if job.requested_by_id != by.pk:
        raise Http404("没有这个导出任务。")
    if job.state != ExportJob.State.FAILED:
        raise Refused("只有失败的导出任务可以重新生成。")
    parameters = job.parameters or {}
    if job.kind == KIND_LEDGER:
        return request_ledger_export(by=by, query=parameters.get("query", ""))
    try:
        period = Period.parse(parameters.get("period", ""))
    except InvalidPeriod as error:
        raise Refused(str(error)) from error
    return request_table_export(
        by=by, key=parameters.get("table", ""), region=job.region, period=period
    )


# --- transitions (only these set ExportJob.state) ---------------------------------------


def start_job(job_id):
    """PENDING → RUNNING, claimed by one conditional UPDATE that also counts the attempt; None
    when the job is gone or already taken (a message sent twice or redelivered)."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, state=ExportJob.State.PENDING).update(
        state=ExportJob.State.RUNNING,
        started_at=now,
        progress_at=now,
        rows_done=0,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return ExportJob.objects.select_related("region", "requested_by").get(pk=job_id)


def _held(job):
    """The job's row while this attempt still holds it (a resumed job has a later attempt)."""
    return ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.RUNNING, attempts=job.attempts)


def record_progress(job, rows_done, rows_total=None):
    fields = {"rows_done": rows_done, "progress_at": timezone.now()}
    if rows_total is not None:
        fields["rows_total"] = rows_total
    _held(job).update(**fields)


def finish_job(job, stream, filename, rows):
    """RUNNING → DONE with the file; None (and the file removed) when this attempt lost the
    job meanwhile (its worker was taken for dead and the job resumed or failed)."""
    job.file.save(f"{job.pk}-{job.requested_by_id}.xlsx", File(stream), save=False)
    finished = _held(job).update(
        file=job.file.name,
        filename=filename,
        state=ExportJob.State.DONE,
        rows_done=rows,
        rows_total=Greatest(F("rows_total"), rows),
        finished_at=timezone.now(),
    )
    if not finished:
        job.file.delete(save=False)
        return None
    job.refresh_from_db()
    return job


def fail_job(job_id, message, *, attempt=None):
    """→ FAILED unless done; with `attempt`, only while that attempt holds the job."""
    jobs = ExportJob.objects.filter(pk=job_id).exclude(state=ExportJob.State.DONE)
    if attempt is not None:
        jobs = jobs.filter(state=ExportJob.State.RUNNING, attempts=attempt)
    jobs.update(state=ExportJob.State.FAILED, error=message, finished_at=timezone.now())


# --- lost workers and lost messages (transitions too: RUNNING → PENDING or FAILED) -------


def stale_seconds():
    return getattr(settings, "QINGLING_EXPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS)


def requeue_seconds():
    return getattr(settings, "QINGLING_EXPORT_REQUEUE_SECONDS", DEFAULT_REQUEUE_SECONDS)


def max_attempts():
    return max(1, getattr(settings, "QINGLING_EXPORT_ATTEMPTS", DEFAULT_ATTEMPTS))


def duration_text(seconds):
    return f"{seconds // 60} 分钟" if seconds % 60 == 0 else f"{seconds} 秒"


def _lost_workers(now):
    limit = now - timedelta(seconds=stale_seconds())
    return ExportJob.objects.filter(state=ExportJob.State.RUNNING).filter(
        Q(progress_at__lt=limit) | Q(progress_at__isnull=True, started_at__lt=limit)
    )


def _lost_messages(now):
    limit = now - timedelta(seconds=requeue_seconds())
    return (
        ExportJob.objects.filter(state=ExportJob.State.PENDING)
        .alias(last_sent=Coalesce("queued_at", "created_at"))
        .filter(last_sent__lt=limit)
    )


def sweep_jobs(jobs=None, now=None):
    """Resume or fail every job whose worker is gone, and send again every job whose message
    is gone; returns {"resumed", "failed", "requeued"} counts. Each change is a conditional
    UPDATE, so two sweeps at once (beat and a poll) never act twice on one job."""
    now = now or timezone.now()
    base = ExportJob.objects.all() if jobs is None else jobs
    counts = {"resumed": 0, "failed": 0, "requeued": 0}
    to_send = []
    for job in base & _lost_workers(now):
        held = _held(job).filter(progress_at=job.progress_at)
        if job.attempts < max_attempts():
            if held.update(state=ExportJob.State.PENDING, queued_at=now, progress_at=None):
                counts["resumed"] += 1
                to_send.append(job)
        else:
            message = STALE_MESSAGE.format(
                duration=duration_text(stale_seconds()), attempts=job.attempts
            )
            if held.update(state=ExportJob.State.FAILED, error=message, finished_at=now):
                counts["failed"] += 1
    for job in base & _lost_messages(now):
        still_waiting = ExportJob.objects.filter(
            pk=job.pk, state=ExportJob.State.PENDING, queued_at=job.queued_at
        )
        if still_waiting.update(queued_at=now):
            counts["requeued"] += 1
            to_send.append(job)
    for job in to_send:
        _send_again(job)
    return counts


def _send_again(job):
    if transaction.get_connection().in_atomic_block:
        after_commit(lambda: dispatch(job, refuse_when_down=False), f"requeue export {job.pk}")
    else:
        dispatch(job, refuse_when_down=False)


def expire_if_stale(job):
    """The job as it stands, resumed, sent again or failed first when its worker or its
    message is gone (called as it is polled)."""
    if not job.is_finished and any(sweep_jobs(ExportJob.objects.filter(pk=job.pk)).values()):
        job.refresh_from_db()
    return job


# --- building the workbook ---------------------------------------------------------------


class ProgressRows:
    """Rows passed through as they stream, writing the count every PROGRESS_EVERY rows."""

    def __init__(self, rows, job, total):
        self.rows = rows
        self.job = job
        self.total = total
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            if self.count % PROGRESS_EVERY == 0:
                record_progress(self.job, self.count, self.total)
            yield row


def ledger_report(job, user):
    filterset = ledger_filter(job.parameters.get("query", ""), user)
    if filterset.is_bound and not filterset.is_valid():
        raise Refused("筛选条件有误，未能导出：" + filter_errors(filterset))
    queryset = filterset.qs
    total = queryset.count()
    record_progress(job, 0, total)
    rows = ProgressRows(ledger_rows(queryset), job, total)
    report = ledger_table.ledger_report(queryset, region=job.region, user=user, rows=rows)
    return report, export_filename(job.title, timezone.localdate().strftime("%Y%m%d"))


def table_report(job, user):
    table = get_table(job.parameters.get("table", ""))
    if table is None:
        raise Refused("这张报表已停用。")
    try:
        period = Period.parse(job.parameters.get("period", ""))
    except InvalidPeriod as error:
        raise Refused(str(error)) from error
    region = job.region
    organisation = own_organisation(user, region)
    report = draft_report(table, region, period, organisation, user)
    total = len(report.rows)
    record_progress(job, 0, total)
    report.rows = ProgressRows(report.rows, job, total)
    return report, export_filename(table.title_for(region), period.label, "（草稿）")


BUILDERS = {KIND_LEDGER: ledger_report, KIND_TABLE: table_report}


class Heartbeat:
    """While a job is built, a thread writes `progress_at` every third of the stale deadline,
    so a long phase without rows (a table computed, a workbook closed, a file uploaded) is not
    taken for a dead worker; a killed worker takes its heartbeat with it."""

    def __init__(self, job):
        self.job = job
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.beat, name=f"export-{job.pk}", daemon=True)

    def beat(self):
        interval = max(1, stale_seconds() // 3)
        try:
            while not self.stopped.wait(interval):
                _held(self.job).update(progress_at=timezone.now())
        except Exception:
            logger.exception("export job %s: heartbeat stopped", self.job.pk)
        finally:
            db_connection.close()  # the thread's own connection

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()


def run_export(job_id):
    """Build the job's workbook; returns the job's final state (or None when nothing to do)."""
    job = start_job(job_id)
    if job is None:
        return None
    with Heartbeat(job):
        return build_export(job)


def build_export(job):
    """run_export's work for a job this attempt holds."""
    user = job.requested_by
    try:
        # The area is checked again at run time: the user may have moved since asking.
        ensure_in_area(user, job.region_path)
        report, filename = BUILDERS[job.kind](job, user)
        with tempfile.TemporaryFile(suffix=".xlsx") as stream:
            write_report(report, stream)
            stream.seek(0)
            finished = finish_job(job, stream, filename, report.rows.count)
    except Refused as error:
        fail_job(job.pk, error.message, attempt=job.attempts)
        return ExportJob.State.FAILED
    except Http404:
        fail_job(job.pk, "导出范围已不在您的管辖范围内。", attempt=job.attempts)
        return ExportJob.State.FAILED
    except Exception:
        # The user sees a plain failure; the traceback goes to the log, not to the page.
        logger.exception("export job %s failed", job.pk)
        fail_job(
            job.pk, "导出失败：生成文件时出错，请稍后重试或缩小导出范围。", attempt=job.attempts
        )
        return ExportJob.State.FAILED
    return ExportJob.State.DONE if finished else None


@shared_task(name="reporting.run_export_job", acks_late=True, reject_on_worker_lost=True)
def run_export_job(job_id):
    """Build one ExportJob's workbook; a message sent twice finds the job taken and does
    nothing. Acknowledged only once done, and requeued when its worker process is lost."""
    return run_export(job_id)
