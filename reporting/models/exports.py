"""Long-running exports: the job a Celery worker runs, and the private storage of its file.
Only reporting.exports.jobs changes an export job's `state`."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone

from accounts.models import AreaScoped, AreaScopedQuerySet, Region
from accounts.storage import ConfiguredStorage


class PrivateExportStorage(FileSystemStorage):
    """Finished export files, kept outside MEDIA_ROOT so no static route can ever serve them.

    The only way out is the owner-checked download view. The location follows MEDIA_ROOT
    (a sibling directory) at every access, so tests that point MEDIA_ROOT at a temporary
    directory keep their exports there too.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        configured = getattr(settings, "EXPORT_ROOT", None)
        if configured:
            return Path(configured)
        return Path(settings.MEDIA_ROOT).parent / "private_exports"

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    def deconstruct(self):
        return ("reporting.models.PrivateExportStorage", (), {})


def export_storage():
    """STORAGES["exports"]: PrivateExportStorage on disk, the object store's exports/ on S3
    (config/settings.py), where a worker on one node writes what a web node on another serves."""
    return ConfiguredStorage("exports")


class ExportJobQuerySet(AreaScopedQuerySet):
    def owned_by(self, user):
        """A user's own jobs, and only those still inside their area (an area change hides old ones)."""
        return self.visible_to(user).filter(requested_by=user)


class ExportJob(AreaScoped):
    """One export that runs as a Celery task: what was asked, by whom, how far it is, the file."""

    class State(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    FINISHED_STATES = (State.DONE, State.FAILED)

    kind = models.CharField("导出内容", max_length=40)
    title = models.CharField("名称", max_length=200)
    parameters = models.JSONField("导出条件", default=dict, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="导出区域", on_delete=models.PROTECT, related_name="export_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.PENDING, editable=False
    )
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已写行数", default=0)
    file = models.FileField("文件", storage=export_storage, upload_to="%Y/%m/", blank=True)
    filename = models.CharField("下载文件名", max_length=255, blank=True)
    error = models.TextField("失败原因", blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # When the worker last showed a sign of life (start, each PROGRESS_EVERY rows): a running
    # job without one for QINGLING_EXPORT_STALE_SECONDS lost its worker (jobs.sweep_jobs).
    progress_at = models.DateTimeField("最近进展时间", null=True, blank=True, editable=False)
    # When the job was last handed to the queue: a job still queued long after lost its
    # message (a Redis restart) and is sent again (jobs.sweep_jobs).
    queued_at = models.DateTimeField("入队时间", null=True, blank=True, editable=False)
    # How many times a worker has claimed the job; the claim that holds it is the only one
    # allowed to write progress or the file.
    attempts = models.PositiveSmallIntegerField("生成次数", default=0, editable=False)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_job_owner_recent"),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_state_display()}）"

    def place_path(self):
        return self.region.path

    @property
    def is_finished(self):
        return self.state in self.FINISHED_STATES

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
