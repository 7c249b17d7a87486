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

Faults: with the queue (Redis) down a job is failed at once with a message, never left pending;
a job whose worker died (no progress for QINGLING_EXPORT_STALE_MINUTES) is failed by
`fail_stale_jobs` (beat, every two minutes, and whenever its page is polled); `retry_export`
asks a failed job again, as a new job.
"""

import logging
import tempfile
from datetime import timedelta
from types import SimpleNamespace

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q
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
DEFAULT_STALE_MINUTES = 5
QUEUE_DOWN_MESSAGE = (
    "后台任务队列暂时不可用，导出未能开始，请稍后重试；如急需，可缩小导出范围后直接导出。"
)
STALE_MESSAGE = "导出中断：后台任务超过 {minutes} 分钟没有进展（可能已中止），请点击“重新生成”。"


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
        kind=kind, title=title, region=region, requested_by=by, parameters=parameters
    )
    if transaction.get_connection().in_atomic_block:
        # After commit: a worker must find the row when it picks the task up.
        after_commit(lambda: dispatch(job), f"queue export job {job.pk}")
    elif not dispatch(job):
        # The row is committed (autocommit), so the refusal can be told in this request.
        raise ExportQueueDown(job.error)
    return job


def dispatch(job):
    """Queue the job's task; with the queue down the job is marked failed (never left
    pending) and False is returned."""
    try:
        _enqueue(run_export_job, job)
    except Exception:
        logger.exception("export job %s could not be queued", job.pk)
        fail_job(job.pk, QUEUE_DOWN_MESSAGE)
        job.state, job.error = ExportJob.State.FAILED, QUEUE_DOWN_MESSAGE
        return False
    return True


def _enqueue(task, job):
    # QINGLING_EXPORT_QUEUE lets a deployment (or the real-worker test) route exports apart.
    queue = getattr(settings, "QINGLING_EXPORT_QUEUE", None)
    result = task.apply_async(args=[job.pk], **({"queue": queue} if queue else {}))
    ExportJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id or "")


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
    """PENDING → RUNNING; None when the job is gone or was already taken (a redelivered task)."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update()
            .select_related("region", "requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state != ExportJob.State.PENDING:
            return None
        job.state = ExportJob.State.RUNNING
        job.started_at = job.progress_at = timezone.now()
        job.save(update_fields=["state", "started_at", "progress_at", "region_path"])
    return job


def record_progress(job, rows_done, rows_total=None):
    fields = {"rows_done": rows_done, "progress_at": timezone.now()}
    if rows_total is not None:
        fields["rows_total"] = rows_total
    ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.RUNNING).update(**fields)


def finish_job(job, stream, filename, rows):
    with transaction.atomic():
        job.file.save(f"{job.pk}-{job.requested_by_id}.xlsx", File(stream), save=False)
        job.filename = filename
        job.state = ExportJob.State.DONE
        job.rows_done = rows
        job.rows_total = max(job.rows_total, rows)
        job.finished_at = timezone.now()
        job.save(
            update_fields=[
                "file", "filename", "state", "rows_done", "rows_total", "finished_at",
                "region_path",
            ]
        )  # fmt: skip
    return job


def fail_job(job_id, message):
    ExportJob.objects.filter(pk=job_id).exclude(state=ExportJob.State.DONE).update(
        state=ExportJob.State.FAILED, error=message, finished_at=timezone.now()
    )


# --- lost workers (a transition too: RUNNING → FAILED) --------------------------------


def stale_minutes():
    return getattr(settings, "QINGLING_EXPORT_STALE_MINUTES", DEFAULT_STALE_MINUTES)


def _stale_jobs(now=None):
    """Jobs whose worker is gone: running with no progress for stale_minutes(), or pending
    and never handed to the queue (no task id) for as long."""
    limit = (now or timezone.now()) - timedelta(minutes=stale_minutes())
    running = Q(state=ExportJob.State.RUNNING) & (
        Q(progress_at__lt=limit) | Q(progress_at__isnull=True, started_at__lt=limit)
    )
    never_queued = Q(state=ExportJob.State.PENDING, task_id="", created_at__lt=limit)
    return ExportJob.objects.filter(running | never_queued)


def fail_stale_jobs(now=None):
    """Mark every job whose worker is gone failed (the 重新生成 button then shows); returns
    how many. Celery beat (reporting.tasks) and each poll of a job's page run it."""
    message = STALE_MESSAGE.format(minutes=stale_minutes())
    return _stale_jobs(now).update(
        state=ExportJob.State.FAILED, error=message, finished_at=timezone.now()
    )


def expire_if_stale(job):
    """The job as it stands, failed first when its worker is gone (called as it is polled)."""
    if not job.is_finished and _stale_jobs().filter(pk=job.pk).exists():
        fail_stale_jobs()
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


def run_export(job_id):
    """Build the job's workbook; returns the job's final state (or None when nothing to do)."""
    job = start_job(job_id)
    if job is None:
        return None
    user = job.requested_by
    try:
        # The area is checked again at run time: the user may have moved since asking.
        ensure_in_area(user, job.region_path)
        report, filename = BUILDERS[job.kind](job, user)
        with tempfile.TemporaryFile(suffix=".xlsx") as stream:
            write_report(report, stream)
            stream.seek(0)
            finish_job(job, stream, filename, report.rows.count)
    except Refused as error:
        fail_job(job.pk, error.message)
        return ExportJob.State.FAILED
    except Http404:
        fail_job(job.pk, "导出范围已不在您的管辖范围内。")
        return ExportJob.State.FAILED
    except Exception:
        # The user sees a plain failure; the traceback goes to the log, not to the page.
        logger.exception("export job %s failed", job_id)
        fail_job(job.pk, "导出失败：生成文件时出错，请稍后重试或缩小导出范围。")
        return ExportJob.State.FAILED
    return ExportJob.State.DONE


@shared_task(name="reporting.run_export_job", acks_late=True)
def run_export_job(job_id):
    """Build one ExportJob's workbook; a redelivered task finds the job taken and does nothing."""
    return run_export(job_id)
