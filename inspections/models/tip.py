"""Public tips (举报): filed by anyone on /tips/ or taken in by staff from the 12369 hotline,
letters and visits; assigned by the county office, answered by a 举报核查 inspection and
published with its outcome. The reporter's contact is private to the office handling it."""

from django.conf import settings
from django.db import models

from accounts.deadlines import with_working_days
from accounts.models import AreaScoped, Organisation, Region, Role, recorded_by
from accounts.uploads import EvidenceUploadTo, validate_evidence_image
from enterprises.models import Enterprise


class TipChannel(models.TextChoices):
    ONLINE = "online", "网上举报"
    HOTLINE_12369 = "hotline_12369", "12369 环保热线"
    PHONE = "phone", "电话"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"


class TipState(models.TextChoices):
    RECEIVED = "received", "待分派"
    ASSIGNED = "assigned", "核查中"
    VERIFIED = "verified", "已核查待公开"
    PUBLISHED = "published", "已公开"


# The tip list's order (page and API): by place, the latest received first in each place, as
# the inspection list is; under "-received_at" alone an area's page 1 walked every county's tips.
TIP_LIST_ORDER = ("region_path", "-received_at", "-id")


class Tip(AreaScoped, recorded_by("登记人")):
    receipt_number = models.CharField("受理编号", max_length=24, unique=True, editable=False)
    channel = models.CharField("举报渠道", max_length=20, choices=TipChannel.choices)
    received_at = models.DateTimeField("受理时间")
    content = models.TextField("举报内容")
    place = models.CharField("地点", max_length=200)
    happened_when = models.CharField("发生时间", max_length=100, blank=True)
    county = models.ForeignKey(
        Region, verbose_name="所在县（区）", on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        Region,
        verbose_name="所在乡镇",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Private: shown only to the office handling the tip (see contact_visible_to).
    reporter_name = models.CharField("举报人姓名", max_length=40, blank=True)
    reporter_contact = models.CharField("举报人联系方式", max_length=100, blank=True)

    # A public tip's client (accounts.clients) as a keyed hash, never the address itself: the
    # tip throttle counts a client's accepted tips from here while the cache (Redis) is down.
    client_key = models.CharField("提交来源标识", max_length=64, blank=True, editable=False)
    reward = models.BooleanField("有奖举报", default=False)
    state = models.CharField(
        "办理状态", max_length=20, choices=TipState.choices, default=TipState.RECEIVED
    )
    assigned_organisation = models.ForeignKey(
        Organisation,
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    # 核查时限: set on assignment as a date or N working days on the calendar; the daily
    # reminder compares this date.
    verify_due = models.DateField("核查期限", null=True, blank=True)
    verify_working_days = models.PositiveSmallIntegerField(
        "核查时限工作日数", null=True, blank=True
    )
    verified_at = models.DateTimeField("核查时间", null=True, blank=True)
    outcome = models.TextField("处理结果", blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="关联企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "举报"
        verbose_name_plural = "举报"
        ordering = ["-received_at", "-id"]
        indexes = [
            # The list's order (region_path in the "C" collation on PostgreSQL, migration
            # 0007): one btree bounds an area's prefix and gives its page 1 in order.
            models.Index(fields=list(TIP_LIST_ORDER), name="tip_list_order"),
            models.Index(fields=["state", "received_at"], name="tip_state_received"),
            models.Index(
                fields=["client_key", "received_at"],
                name="tip_client_received",
                condition=~models.Q(client_key=""),
            ),
        ]

    def __str__(self):
        return self.receipt_number

    def place_path(self):
        return (self.township or self.county).path

    @property
    def verify_due_display(self):
        return with_working_days(self.verify_due, self.verify_working_days)

    def contact_visible_to(self, user):
        """Only the office handling the tip sees who reported it: the organisation it is
        assigned to, and the county office of the tip's county (which takes it in and assigns it).
        City office, bureau leaders, other departments and administrators do not."""
        if user is None or not user.is_authenticated or not user.organisation_id:
            return False
        if user.organisation_id == self.assigned_organisation_id:
            return True
        return user.role == Role.COUNTY_OFFICE and user.organisation.region_id == self.county_id


# Tip photos come from anonymous members of the public, so fewer are accepted.
MAX_TIP_PHOTOS = 3


class TipPhoto(models.Model):
    tip = models.ForeignKey(
        Tip, verbose_name="举报", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        "照片", upload_to=EvidenceUploadTo("tips"), validators=[validate_evidence_image]
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "举报照片"
        verbose_name_plural = "举报照片"
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class TipEvent(models.Model):
    """The record of each step of a tip: who did what, when and why."""

    class Action(models.TextChoices):
        RECEIVED = "received", "受理"
        ASSIGNED = "assigned", "交办"
        VERIFIED = "verified", "核查"
        PUBLISHED = "published", "公开处理结果"

    tip = models.ForeignKey(
        Tip, verbose_name="举报", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "举报办理记录"
        verbose_name_plural = "举报办理记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
