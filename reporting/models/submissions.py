"""Submissions: a table frozen for one period, signed and sent upward.

Each submission version keeps its own snapshot, digest and verification code; a returned
version stays as it was and the resubmission is a new row with the next version number.
Only reporting.submissions.services changes a submission's `state`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import AreaScoped, AreaScopedQuerySet, Organisation, Region

from ..periods import Period
from ..tables import get_table


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
        return get_table(self.table_key)

    @property
    def table_name(self):
        table = self.table
        return table.name if table else self.table_key
