"""An inspection record (检查记录) and the team (执法组) that went out, with its members as rows
so that team counts and person-times (人次) are plain database counts."""

from django.conf import settings
from django.db import models

from accounts.geo import latitude_field, longitude_field
from accounts.models import AreaScoped, Organisation, Region, photo_of, recorded_by
from enterprises.models import Enterprise


class InspectionType(models.TextChoices):
    SWEEP = "sweep", "排查"
    PATROL = "patrol", "日常巡查"
    SPOT_CHECK = "spot_check", "督导抽查"
    LOOK_BACK = "look_back", "回头看"
    TIP_VERIFICATION = "tip_verification", "举报核查"


class InspectionResult(models.TextChoices):
    NO_PROBLEM = "no_problem", "无问题"
    NEW_FIND = "new_find", "新发现"
    RELAPSE = "relapse", "反弹"
    SHORTFALL = "shortfall", "整改未到位"


class Team(AreaScoped, recorded_by("录入人", "录入时间", blank=False)):
    """One outing of an enforcement team (执法组) on one day; it may check many places."""

    name = models.CharField("执法组", max_length=60)
    organisation = models.ForeignKey(
        Organisation, verbose_name="出动单位", on_delete=models.PROTECT, related_name="+"
    )
    out_on = models.DateField("出动日期")
    # Kept beside the members so 人次 over a city's thousands of outings is a sum over the
    # teams, not a join to every member row (70 ms at 1,000,000 enterprises).
    member_count = models.PositiveSmallIntegerField("执法人员数", default=0, editable=False)

    class Meta:
        verbose_name = "执法组（出动）"
        verbose_name_plural = "执法组（出动）"
        ordering = ["-out_on", "-id"]
        indexes = [
            models.Index(
                fields=["region_path", "out_on"],
                name="team_area_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.out_on:%m月%d日}）"

    def count_members(self):
        """Refresh member_count after the members were edited (the admin's inline)."""
        Team.objects.filter(pk=self.pk).update(member_count=self.members.count())

    def place_path(self):
        return self.organisation.region.path


class TeamMember(models.Model):
    """A person in a team outing: a user of the system or a named person (e.g. a police officer)."""

    team = models.ForeignKey(
        Team, verbose_name="执法组", on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="系统用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField("姓名", max_length=40)

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="team_member_unique_name")
        ]

    def __str__(self):
        return self.name


# The inspection list's order (page and API): by place as the ledger and the case list are, the
# newest first in each village. Under "-inspected_on" alone PostgreSQL walked the whole table's
# date index backwards, skipping every other county's inspections, to find an area's page 1.
INSPECTION_LIST_ORDER = ("region_path", "-inspected_on", "-id")


class Inspection(AreaScoped, recorded_by("录入人", "录入时间", blank=False)):
    inspection_type = models.CharField("检查类型", max_length=20, choices=InspectionType.choices)
    inspected_on = models.DateField("检查日期")
    organisation = models.ForeignKey(
        Organisation, verbose_name="检查单位", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name="执法组", on_delete=models.PROTECT, related_name="inspections"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="检查企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    township = models.ForeignKey(
        Region, verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(
        "检查地点", max_length=200, blank=True, help_text="未对应台账企业时填写，如仓库、厂中厂。"
    )
    findings = models.TextField("检查发现", blank=True)
    result = models.CharField("检查结果", max_length=20, choices=InspectionResult.choices)
    tip = models.ForeignKey(
        "inspections.Tip",
        verbose_name="核查的举报",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verifications",
    )
    spot_check_round = models.ForeignKey(
        "inspections.SpotCheckRound",
        verbose_name="抽查轮次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    latitude = latitude_field()
    longitude = longitude_field()

    class Meta:
        verbose_name = "检查记录"
        verbose_name_plural = "检查记录"
        ordering = ["-inspected_on", "-id"]
        indexes = [
            # The list's order (region_path in the "C" collation on PostgreSQL, migration
            # 0007): one btree bounds an area's prefix and gives its page 1 in order.
            models.Index(fields=list(INSPECTION_LIST_ORDER), name="inspection_list_order"),
            models.Index(fields=["inspected_on", "id"], name="inspection_date"),
            models.Index(fields=["inspection_type", "inspected_on"], name="inspection_type_date"),
            models.Index(fields=["enterprise", "inspection_type"], name="inspection_enterprise"),
            # Spot-check coverage and hidden finds under an area from the index alone
            # (PostgreSQL; ignored elsewhere).
            models.Index(
                fields=["region_path"],
                name="inspection_area_figures",
                opclasses=["varchar_pattern_ops"],
                include=[
                    "id",
                    "inspection_type",
                    "inspected_on",
                    "result",
                    "enterprise",
                    "township",
                    # The list's 执法组/人次 summary counts the area's outings from the index too.
                    "team",
                ],
            ),
        ]

    def __str__(self):
        return f"{self.get_inspection_type_display()} {self.inspected_on} {self.target_name}"

    def place_path(self):
        return self.enterprise.region_path if self.enterprise_id else self.township.path

    @property
    def target_name(self):
        return self.enterprise.name if self.enterprise_id else self.place


MAX_INSPECTION_PHOTOS = 9


class InspectionPhoto(photo_of("inspections", "现场照片")):
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查记录", on_delete=models.CASCADE, related_name="photos"
    )

    class Meta:
        verbose_name = "检查照片"
        verbose_name_plural = "检查照片"
        ordering = ["id"]
