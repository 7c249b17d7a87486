"""Notices to people (the bell) and the ledger of reminders already sent.

A `Reminder` row is the "sent once" guarantee: it is unique per (key, kind, due_date), so a
retried or duplicated task that tries to send the same reminder again inserts nothing and
notifies nobody. Each reminder fans out into one `Notification` per recipient.
"""

from django.conf import settings
from django.db import models


class Reminder(models.Model):
    key = models.CharField(
        "对象", max_length=80, help_text="例如 case:42、report:township:230826100000"
    )
    kind = models.CharField("类别", max_length=40)
    due_date = models.DateField("到期日")
    created_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        constraints = [
            models.UniqueConstraint(
                fields=["key", "kind", "due_date"], name="reminder_once_per_key_kind_due_date"
            )
        ]

    def __str__(self):
        return f"{self.key} {self.kind} {self.due_date}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(unread=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        DUE_IN_7 = "due_in_7", "整治期限7天提醒"
        DUE_IN_3 = "due_in_3", "整治期限3天提醒"
        DUE_IN_1 = "due_in_1", "整治期限1天提醒"
        OVERDUE = "overdue", "逾期督办"
        LOOK_BACK_DUE = "look_back_due", "回头看到期"
        REPORT_DUE = "report_due", "报表报送提醒"
        OTHER = "other", "其他"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="接收单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminder = models.ForeignKey(
        Reminder,
        verbose_name="提醒记录",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类别", max_length=40)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    unread = models.BooleanField("未读", default=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "unread"], name="notification_inbox")]

    def __str__(self):
        return self.subject

    @property
    def kind_display(self):
        return KIND_LABELS.get(self.kind) or dict(self.Kind.choices).get(self.kind, "通知")


# Labels of kinds other apps send (registered with notices.notifications.register_kind).
KIND_LABELS = {}
