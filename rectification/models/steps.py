"""What a case carries out and proves: its steps and their evidence photos."""

from django.conf import settings
from django.db import models

from accounts.models import Organisation, photo_of

from .case import Case


class CaseStep(models.Model):
    """One thing to carry out and prove: a closure step (关停取缔), a milestone (升级改造) or a
    relocation step (集聚搬迁). "Submit for verification" needs every step dated with a photo."""

    class Kind(models.TextChoices):
        CLOSURE_STEP = "closure_step", "销号步骤"
        MILESTONE = "milestone", "整改节点"
        RELOCATION_STEP = "relocation_step", "搬迁步骤"

    case = models.ForeignKey(
        Case, verbose_name="案件", on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("名称", max_length=60)
    confirming_department = models.CharField(
        "确认部门职能", max_length=30, choices=Organisation.Department.choices, blank=True
    )
    confirming_unit = models.ForeignKey(
        Organisation,
        verbose_name="确认单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="confirmed_steps",
    )
    confirming_person = models.CharField("确认人", max_length=60, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField("节点期限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    # A step of a case established from a historical ledger (按台账建档) was done before the
    # app existed: its proof is the township's paper ledger, not a photo uploaded here.
    evidence_in_ledger = models.BooleanField("佐证见原台账", default=False)
    # A step named in a failed verification (验收不通过) goes back to 未完成: it is redone with
    # a new date and a photo taken after the failure; what was submitted before stays shown
    # as 上次提交 (these fields and the photos marked `superseded`).
    returned_at = models.DateTimeField("验收退回时间", null=True, blank=True)
    previous_done_on = models.DateField("上次完成日期", null=True, blank=True)
    previous_confirming_person = models.CharField("上次确认人", max_length=60, blank=True)

    class Meta:
        verbose_name = "整治步骤"
        verbose_name_plural = "整治步骤"
        ordering = ["case", "order", "id"]

    def __str__(self):
        return self.name

    @property
    def is_returned(self):
        """Named in a failed verification and not yet redone (no new date)."""
        return self.returned_at is not None and self.done_on is None


class EvidencePhoto(photo_of("evidence", "照片", max_length=200)):
    step = models.ForeignKey(
        CaseStep, verbose_name="步骤", on_delete=models.CASCADE, related_name="photos"
    )
    # Submitted before a failed verification named its step: history, not evidence of the redo.
    superseded = models.BooleanField("上次提交", default=False)

    class Meta:
        verbose_name = "佐证照片"
        verbose_name_plural = "佐证照片"
        ordering = ["step", "id"]
