"""A case's record: every deadline extension and every transition (CaseEvent), with who and why."""

from django.conf import settings
from django.db import models

from accounts.deadlines import with_working_days

from .case import Case
from .choices import CaseState


class DeadlineExtension(models.Model):
    """Every change of deadline (延期, failed verification, relapse) is kept; the case's
    `deadline` is always the latest one."""

    case = models.ForeignKey(
        Case, verbose_name="案件", on_delete=models.CASCADE, related_name="extensions"
    )
    previous_deadline = models.DateField("原期限", null=True, blank=True)
    new_deadline = models.DateField("新期限")
    working_days = models.PositiveSmallIntegerField("工作日数", null=True, blank=True)
    reason = models.CharField("理由", max_length=300)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "期限延长"
        verbose_name_plural = "期限延长"
        ordering = ["case", "created_at", "id"]

    def __str__(self):
        return f"{self.previous_deadline} → {self.new_deadline}"

    @property
    def new_deadline_display(self):
        return with_working_days(self.new_deadline, self.working_days)


class CaseEvent(models.Model):
    """The timeline: who did what, when, from which state to which, and why."""

    class Action(models.TextChoices):
        PROPOSE = "propose", "排查上报"
        ESTABLISH = "establish", "按台账建档"
        DETERMINE = "determine", "认定"
        START = "start", "开始整治"
        CONFIRM_STEP = "confirm_step", "确认步骤"
        ADD_PHOTO = "add_photo", "上传佐证"
        SUBMIT = "submit", "提请验收"
        FAIL_VERIFICATION = "fail_verification", "验收不通过"
        CLOSE = "close", "验收销号"
        REOPEN_RELAPSE = "reopen_relapse", "回头看反弹"
        SHORTFALL = "shortfall", "整改未到位"
        FLAG_QUASI = "flag_quasi", "标记类散乱污"
        EXTEND = "extend", "延长期限"
        URGE = "urge", "催办"

    case = models.ForeignKey(
        Case, verbose_name="案件", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=30, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=30, choices=CaseState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=30, choices=CaseState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    comment = models.TextField("说明", blank=True)
    # The inspection that caused it (回头看, 整改未到位): stored by id and label because
    # rectification must not import the inspections app.
    inspection_id = models.PositiveBigIntegerField("检查记录编号", null=True, blank=True)
    inspection_label = models.CharField("检查记录", max_length=200, blank=True)
    # Facts a transition hands on with it, for notices and the API: a failed verification
    # stores {"failed_steps": ["断电", …], "failed_step_ids": [...]}.
    payload = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "案件记录"
        verbose_name_plural = "案件记录"
        ordering = ["case", "created_at", "id"]
        indexes = [models.Index(fields=["action", "created_at"], name="case_event_action_time")]

    def __str__(self):
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d}"

    @property
    def failed_steps(self):
        """The step names a failed verification named (empty for every other event)."""
        return list(self.payload.get("failed_steps", [])) if self.payload else []
