"""Submissions (a table frozen for one period, signed, sent upward) and long-running exports.

Each submission version keeps its own snapshot, digest and verification code; a returned
version stays as it was and the resubmission is a new row with the next version number.
Only services.py changes a submission's `state`, and only export_jobs.py an export job's.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import AreaScoped, AreaScopedQuerySet, Organisation, Region

from .periods import Period


class SubmissionQuerySet(AreaScopedQuerySet):
    def for_period(self, period):
        return self.filter(period=period.start)


class Submission(AreaScoped):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "已报送"
        ACCEPTED = "accepted", "已接收"
        RETURNED = "returned", "已退回"

    LIVE_STATES = (State.SUBMITTED, State.ACCEPTED)

    table_key = models.CharField("报表", max_length=40)
    title = models.CharField("报表标题", max_length=200)
    region = models.ForeignKey(
        Region, verbose_name="报送区域", on_delete=models.PROTECT, related_name="submissions"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="填报单位",
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    period = models.DateField("报送期间", help_text="所报月份的第一天")
    version = models.PositiveSmallIntegerField("版本", default=1)
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.SUBMITTED, editable=False
    )
    snapshot = models.JSONField("冻结数据", editable=False)
    digest = models.CharField("摘要（SHA-256）", max_length=64, editable=False)
    verification_code = models.CharField("验证码", max_length=19, unique=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签字负责人",
        on_delete=models.PROTECT,
        related_name="signed_submissions",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        on_delete=models.PROTECT,
        related_name="submitted_reports",
    )
    submitted_at = models.DateTimeField("报送时间")
    # Lateness is judged on the first version: a table returned and refiled after the deadline
    # was still on time if its first version was.
    first_submitted_at = models.DateTimeField("首次报送时间")
    deadline = models.DateField("报送期限")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_submissions",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name="上一版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "报表报送"
        verbose_name_plural = "报表报送"
        ordering = ["-period", "region_path", "table_key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["table_key", "region", "period", "version"],
                name="submission_unique_version",
            ),
            # At most one version per table, place and month is awaiting or accepted:
            # two people submitting at once cannot both succeed.
            models.UniqueConstraint(
                fields=["table_key", "region", "period"],
                condition=Q(state__in=["submitted", "accepted"]),
                name="submission_one_live_version",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="submission_returned_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_path", "period"],
                name="submission_area_period",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["period", "table_key"], name="submission_period_table"),
        ]

    def __str__(self):
        return f"{self.title}（{self.period_label}，第{self.version}版）"

    def place_path(self):
        return self.region.path

    @property
    def period_obj(self):
        return Period(self.period.year, self.period.month)

    @property
    def period_label(self):
        return self.period_obj.label

    @property
    def is_late(self):
        return timezone.localdate(self.first_submitted_at) > self.deadline

    @property
    def table(self):
        from .tables import get_table

        return get_table(self.table_key)

    @property
    def table_name(self):
        table = self.table
        return table.name if table else self.table_key


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
    return PrivateExportStorage()


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


from .models_accountability import AccountabilityAction, AccountabilityKind  # noqa: E402, F401
