"""问责台账: actions the county office takes against a unit (提醒 / 约谈 / 通报), with the notice.

An action is a record, not a state machine: it is written once by
reporting.accountability.services.record_action and never edited, so the unit's history
is exactly what was done, by whom and when.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from accounts.models import AreaScoped, Organisation


class AccountabilityKind(models.TextChoices):
    REMINDER = "reminder", "提醒"
    INTERVIEW = "interview", "约谈"
    CIRCULAR = "circular", "通报"


@deconstructible
class NoticeUploadTo:
    """`accountability/YYYY/MM/<uuid4>.<ext>`: the extension follows the checked content."""

    def __call__(self, instance, filename):
        extension = getattr(instance, "notice_extension", "") or "pdf"
        return f"accountability/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, NoticeUploadTo)

    def __hash__(self):
        return hash("NoticeUploadTo")


class AccountabilityAction(AreaScoped):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="被问责单位",
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    kind = models.CharField("问责方式", max_length=20, choices=AccountabilityKind.choices)
    taken_on = models.DateField("日期")
    person = models.CharField("责任人", max_length=60, blank=True)
    reason = models.TextField("问责事由")
    notice = models.FileField("通知文书（PDF或图片）", upload_to=NoticeUploadTo(), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "问责记录"
        verbose_name_plural = "问责记录"
        ordering = ["-taken_on", "-id"]
        indexes = [
            models.Index(
                fields=["region_path", "taken_on"],
                name="accountability_area_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.organisation_id} {self.taken_on}"

    def place_path(self):
        return self.organisation.region.path
