"""一企一策: one case per enterprise per campaign, its 完成情况 as the ledger prints it, and the
per-county numbering of cases."""

import copy

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.deadlines import with_working_days
from accounts.models import AreaScoped, AreaScopedQuerySet, Organisation, recorded_by
from enterprises.models import Enterprise

from .campaigns import Campaign
from .choices import CaseState, Disposal, Requirement

# 完成情况 while the work is under way, by 整治要求 (seed 004 注4), falling back on the disposal.
IN_PROGRESS_TEXT = {
    Requirement.OBTAIN_PERMITS: "补办手续中",
    Requirement.IMPROVE: "正在整治",
    Requirement.DEMOLISH: "正在拆除",
}
DISPOSAL_IN_PROGRESS_TEXT = {
    Disposal.SHUTDOWN: "正在拆除",
    Disposal.UPGRADE: "正在整治",
    Disposal.RELOCATION: "正在搬迁",
}
DONE_TEXT = {
    Requirement.OBTAIN_PERMITS: "手续补办到位",
    Requirement.IMPROVE: "整改到位",
    Requirement.DEMOLISH: "拆除到位",
}
DISPOSAL_DONE_TEXT = {
    Disposal.SHUTDOWN: "拆除到位",
    Disposal.UPGRADE: "整改到位",
    Disposal.RELOCATION: "搬迁到位",
}


def completion_text(case):
    """完成情况(完成日期) for one case, e.g. "正在拆除" or "拆除到位（2024-05-20）". A case
    opened from a township's ledger shows what the township reported until the workflow
    moves it (finish_transition clears `reported_state`)."""
    if case.reported_state and case.state == case.reported_state and case.reported_completion:
        done = case.reported_completed_on
        return (
            f"{case.reported_completion}（{done:%Y-%m-%d}）" if done else case.reported_completion
        )
    if case.state == CaseState.FOUND:
        return "待认定"
    if case.state == CaseState.CLOSED:
        text = DONE_TEXT.get(case.requirement) or DISPOSAL_DONE_TEXT.get(case.disposal, "已销号")
        return f"{text}（{case.closed_on:%Y-%m-%d}）" if case.closed_on else text
    text = IN_PROGRESS_TEXT.get(case.requirement) or DISPOSAL_IN_PROGRESS_TEXT.get(
        case.disposal, "正在整治"
    )
    if case.state == CaseState.AWAITING_VERIFICATION:
        return f"{text}（待验收）"
    return text


def case_as_of(case, day):
    """The case as it stood at the end of `day`, read from its recorded dates (a copy, never
    saved): determined only later, it was 排查发现 with no plan yet; closed only later, it was
    待验收 (closing requires it). States without a date of their own stay as they are."""
    if case.determined_on and case.determined_on > day:
        then = copy.copy(case)
        then.state, then.disposal, then.requirement = CaseState.FOUND, "", ""
        then.deadline = then.determined_on = then.closed_on = None
        return then
    if case.state == CaseState.CLOSED and case.closed_on and case.closed_on > day:
        then = copy.copy(case)
        then.state, then.closed_on = CaseState.AWAITING_VERIFICATION, None
        return then
    return case


class CaseQuerySet(AreaScopedQuerySet):
    def open(self):
        return self.exclude(state=CaseState.CLOSED)

    def closed(self):
        return self.filter(state=CaseState.CLOSED)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)

    def not_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            Q(state=CaseState.CLOSED) | Q(deadline__isnull=True) | Q(deadline__gte=today)
        )


class Case(AreaScoped, recorded_by("发现人", "创建时间")):
    """一企一策: what happens to one enterprise in one campaign, moved only by the workflow (workflow/cases.py)."""

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
    # 完成情况（完成日期） as an imported ledger reported it; shown while the case stays in
    # `reported_state`, the state it was opened in (the record stays when the case moves on).
    reported_completion = models.CharField("完成情况（台账填报）", max_length=100, blank=True)
    reported_completed_on = models.DateField("完成日期（台账填报）", null=True, blank=True)
    reported_state = models.CharField(
        "台账填报时状态", max_length=30, choices=CaseState.choices, blank=True
    )
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
            # The case list's order (region_path, newest first): region_path is in the "C"
            # collation on PostgreSQL (migration 0009), so this index both bounds an area's
            # prefix and gives the order; a page reads its 50 entries.
            models.Index(fields=["region_path", "-id"], name="case_list_order"),
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
                    # 一张图 bins the area's cases at their enterprise's point with these flags.
                    "enterprise",
                    "is_quasi",
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
        today = today or timezone.localdate()
        return (
            self.state != CaseState.CLOSED and self.deadline is not None and self.deadline < today
        )

    @property
    def deadline_display(self):
        return with_working_days(self.deadline, self.deadline_working_days)

    @property
    def completion(self):
        return completion_text(self)


class CaseSequence(models.Model):
    """The last number used per county and year, locked while a new case number is taken."""

    prefix = models.CharField("编号前缀", max_length=20, unique=True)
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "案件编号序列"
        verbose_name_plural = "案件编号序列"

    def __str__(self):
        return f"{self.prefix}{self.last:04d}"
