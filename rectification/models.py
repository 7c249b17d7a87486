"""Remediation cases (一企一策): campaigns with their closure-checklist variants, one case per
enterprise per campaign, its steps and evidence, deadline extensions and the timeline.

Notifications and reminders live in `rectification.notification_models` (imported at the end
so Django sees every model of the app through this module).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import AreaScoped, AreaScopedQuerySet, Organisation, Region, recorded_by
from enterprises.models import Enterprise, Industry

from .evidence import EvidenceUploadTo, validate_evidence_image


class Disposal(models.TextChoices):
    # 分类处置 (seed 001)
    SHUTDOWN = "shutdown", "关停取缔"
    RELOCATION = "relocation", "集聚搬迁"
    UPGRADE = "upgrade", "升级改造"


class Requirement(models.TextChoices):
    # 整治要求 (seed 004 附件1)
    OBTAIN_PERMITS = "obtain_permits", "补办手续"
    IMPROVE = "improve", "整改完善"
    DEMOLISH = "demolish", "限期拆除"


# Seed 004's 整治要求 mapped onto seed 001's disposals (DESIGN §4).
REQUIREMENT_DISPOSAL = {
    Requirement.OBTAIN_PERMITS: Disposal.UPGRADE,
    Requirement.IMPROVE: Disposal.UPGRADE,
    Requirement.DEMOLISH: Disposal.SHUTDOWN,
}


class CaseState(models.TextChoices):
    FOUND = "found", "排查发现"
    DETERMINED = "determined", "已认定"
    IN_PROGRESS = "in_progress", "整治中"
    AWAITING_VERIFICATION = "awaiting_verification", "待验收"
    CLOSED = "closed", "已销号"


OPEN_STATES = (
    CaseState.FOUND,
    CaseState.DETERMINED,
    CaseState.IN_PROGRESS,
    CaseState.AWAITING_VERIFICATION,
)


class ClosureChecklist(models.Model):
    """A closure-checklist variant ("两断三清一恢复", "两断三清", 断电断水停气停产): data, not code."""

    name = models.CharField("名称", max_length=60, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "销号清单"
        verbose_name_plural = "销号清单"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ChecklistStep(models.Model):
    checklist = models.ForeignKey(
        ClosureChecklist, verbose_name="销号清单", on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("步骤", max_length=40)
    default_department = models.CharField(
        "默认确认部门",
        max_length=30,
        choices=Organisation.Department.choices,
        blank=True,
        help_text="例如断电由供电公司确认、断水由水务局确认。",
    )

    class Meta:
        verbose_name = "销号步骤"
        verbose_name_plural = "销号步骤"
        ordering = ["checklist", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "name"], name="checklist_step_unique_name")
        ]

    def __str__(self):
        return self.name


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A campaign is seen by users under its region and by users inside it (a county user
        works in the city's campaign); a campaign without region applies everywhere."""
        if user is None or not user.is_authenticated:
            return self.none()
        area = user.area_path
        if area is None:
            return self
        codes = [code for code in area.split("/") if code]
        ancestors = ["/".join(codes[: index + 1]) + "/" for index in range(len(codes))]
        return self.filter(
            Q(region__isnull=True)
            | Q(region__path__startswith=area)
            | Q(region__path__in=ancestors)
        )


class Campaign(models.Model):
    """专项行动: name, year, the region running it, its scope of industries, phases and checklist."""

    name = models.CharField("名称", max_length=120, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(
        Region,
        verbose_name="组织区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text="空表示通用于所有区域。",
    )
    scope = models.JSONField(
        "排查范围（行业）", default=list, blank=True, help_text="行业代码列表；空表示全部行业。"
    )
    closure_checklist = models.ForeignKey(
        ClosureChecklist,
        verbose_name="销号清单（关停取缔）",
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    look_back_after_days = models.PositiveSmallIntegerField("销号后回头看间隔（天）", default=180)
    is_active = models.BooleanField("进行中", default=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name

    @property
    def scope_display(self):
        labels = dict(Industry.choices)
        return "、".join(labels.get(code, code) for code in self.scope) or "全部行业"


class CampaignPhase(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.CASCADE, related_name="phases"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("阶段", max_length=40)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期")

    class Meta:
        verbose_name = "行动阶段"
        verbose_name_plural = "行动阶段"
        ordering = ["campaign", "order", "ends_on"]

    def __str__(self):
        return self.name


class CaseQuerySet(AreaScopedQuerySet):
    def open(self):
        return self.exclude(state=CaseState.CLOSED)

    def closed(self):
        return self.filter(state=CaseState.CLOSED)

    def overdue(self, today=None):
        today = today or datetime.date.today()
        return self.open().filter(deadline__lt=today)

    def not_overdue(self, today=None):
        today = today or datetime.date.today()
        return self.filter(
            Q(state=CaseState.CLOSED) | Q(deadline__isnull=True) | Q(deadline__gte=today)
        )


class Case(AreaScoped, recorded_by("发现人", "创建时间")):
    """一企一策: what happens to one enterprise in one campaign, moved only by services.py."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="cases"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.PROTECT, related_name="cases"
    )
    number = models.CharField("案件编号", max_length=30, unique=True)
    disposal = models.CharField("分类处置", max_length=20, choices=Disposal.choices, blank=True)
    requirement = models.CharField(
        "整治要求", max_length=20, choices=Requirement.choices, blank=True
    )
    measures = models.TextField("整治措施", blank=True)
    state = models.CharField(
        "状态", max_length=30, choices=CaseState.choices, default=CaseState.FOUND
    )
    is_relapse = models.BooleanField("反弹", default=False)
    is_quasi = models.BooleanField("类散乱污", default=False)
    responsible_unit = models.ForeignKey(
        Organisation,
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_cases",
    )
    responsible_person = models.CharField("分包责任人", max_length=60, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_cases",
    )
    original_deadline = models.DateField("原定整治期限", null=True, blank=True)
    deadline = models.DateField("整治期限", null=True, blank=True)
    # Set when the current deadline was given as "N 个工作日"; the date above is what counts.
    deadline_working_days = models.PositiveSmallIntegerField("期限工作日数", null=True, blank=True)
    # 集聚搬迁
    destination_park = models.CharField("搬迁去向（园区）", max_length=120, blank=True)
    relocation_deadline = models.DateField("搬迁期限", null=True, blank=True)

    found_on = models.DateField("发现日期")
    determined_on = models.DateField("认定日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    look_back_due = models.DateField("回头看日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "整治案件"
        verbose_name_plural = "整治案件"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "campaign"], name="case_one_per_enterprise_per_campaign"
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_on__isnull=False),
                name="case_closed_has_closed_on",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_path", "id"],
                name="case_area",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["state", "deadline"], name="case_state_deadline"),
            models.Index(fields=["state", "look_back_due"], name="case_state_look_back"),
            # The dashboard's and the accountability ledger's aggregates read only these
            # columns of an area's cases: with them in the index, a city's ~100,000 cases are
            # counted from the index alone (PostgreSQL; ignored elsewhere).
            models.Index(
                fields=["region_path"],
                name="case_area_figures",
                opclasses=["varchar_pattern_ops"],
                include=[
                    "id",
                    "state",
                    "disposal",
                    "deadline",
                    "is_relapse",
                    "found_on",
                    "closed_on",
                    "responsible_unit",
                    "responsible_person",
                ],
            ),
            # The dashboard's latest relapses under an area: the area's few relapsed cases,
            # then the newest ten of them.
            models.Index(
                fields=["region_path", "updated_at"],
                name="case_area_relapse",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                condition=Q(is_relapse=True),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.enterprise.name}" if self.enterprise_id else self.number

    def place_path(self):
        """Taken once, from the enterprise the case is opened on."""
        return self.region_path or (self.enterprise.region_path if self.enterprise_id else "")

    def is_overdue(self, today=None):
        today = today or datetime.date.today()
        return (
            self.state != CaseState.CLOSED and self.deadline is not None and self.deadline < today
        )

    @property
    def deadline_display(self):
        from .deadlines import with_working_days

        return with_working_days(self.deadline, self.deadline_working_days)

    @property
    def completion(self):
        from .ledger_columns import completion_text

        return completion_text(self)


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

    class Meta:
        verbose_name = "整治步骤"
        verbose_name_plural = "整治步骤"
        ordering = ["case", "order", "id"]

    def __str__(self):
        return self.name


class EvidencePhoto(models.Model):
    step = models.ForeignKey(
        CaseStep, verbose_name="步骤", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        "照片",
        upload_to=EvidenceUploadTo("evidence"),
        validators=[validate_evidence_image],
        max_length=200,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证照片"
        verbose_name_plural = "佐证照片"
        ordering = ["step", "id"]

    def __str__(self):
        return self.image.name


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
        from .deadlines import with_working_days

        return with_working_days(self.new_deadline, self.working_days)


class CaseEvent(models.Model):
    """The timeline: who did what, when, from which state to which, and why."""

    class Action(models.TextChoices):
        PROPOSE = "propose", "排查上报"
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

    class Meta:
        verbose_name = "案件记录"
        verbose_name_plural = "案件记录"
        ordering = ["case", "created_at", "id"]
        indexes = [models.Index(fields=["action", "created_at"], name="case_event_action_time")]

    def __str__(self):
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d}"


class CaseSequence(models.Model):
    """The last number used per county and year, locked while a new case number is taken."""

    prefix = models.CharField("编号前缀", max_length=20, unique=True)
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "案件编号序列"
        verbose_name_plural = "案件编号序列"

    def __str__(self):
        return f"{self.prefix}{self.last:04d}"


from .notification_models import Notification, Reminder  # noqa: E402

__all__ = [
    "Campaign",
    "CampaignPhase",
    "Case",
    "CaseEvent",
    "CaseSequence",
    "CaseState",
    "CaseStep",
    "ChecklistStep",
    "ClosureChecklist",
    "DeadlineExtension",
    "Disposal",
    "EvidencePhoto",
    "Notification",
    "Reminder",
    "Requirement",
]
