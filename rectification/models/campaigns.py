"""专项行动: campaigns with their phases and their closure-checklist variant (两断三清一恢复 …)."""

from django.db import models
from django.db.models import F, Q

from accounts.models import Organisation, Region
from accounts.paths import ancestor_paths
from accounts.scoping import scope_to_area_and_above
from enterprises.models import Industry


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
        works in the city's campaign), never by a sibling's; one without region applies
        everywhere."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(region__isnull=True) | scope_to_area_and_above(
            self.filter(region__isnull=False), user, "region__path"
        )

    def covering(self, user):
        """The active campaigns whose region holds the whole of the user's area (or that apply
        everywhere), the nearest region first: what the user can report a case in."""
        if user is None or not user.is_authenticated:
            return self.none()
        campaigns = self.filter(is_active=True)
        if user.area_path is not None:
            campaigns = campaigns.filter(
                Q(region__isnull=True) | Q(region__path__in=ancestor_paths(user.area_path))
            )
        return campaigns.order_by(F("region__level").desc(nulls_last=True), "-year", "name", "id")


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
