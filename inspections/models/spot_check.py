"""A county's supervisory spot-check round (督导抽查): a period and the sample of ledger
enterprises drawn per township so that at least 20% of each township is checked (seed 004).

The sample is a recorded draw (SpotCheckDraw): its random seed and the exact population it was
drawn from are stored, so anyone can redo the draw and get the same list. A redraw never
replaces a draw silently: it is a new version with a reason, and the earlier ones are kept."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import AreaScoped, Organisation, Region, recorded_by
from enterprises.models import Enterprise

SPOT_CHECK_MINIMUM_SHARE = Decimal("0.20")


class SpotCheckRound(AreaScoped, recorded_by("制定人", "制定时间", blank=False)):
    name = models.CharField("轮次名称", max_length=100)
    county = models.ForeignKey(
        Region, verbose_name="抽查县（区）", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("开始日期")
    period_end = models.DateField("结束日期")
    target_share = models.DecimalField(
        "抽查比例",
        max_digits=3,
        decimal_places=2,
        default=SPOT_CHECK_MINIMUM_SHARE,
        validators=[MinValueValidator(SPOT_CHECK_MINIMUM_SHARE), MaxValueValidator(1)],
        help_text="每个乡镇抽查的台账企业比例，不低于 20%。",
    )
    # The draw in force; earlier versions stay with their targets for the record.
    current_version = models.PositiveIntegerField("当前抽样版本", default=1)

    class Meta:
        verbose_name = "督导抽查轮次"
        verbose_name_plural = "督导抽查轮次"
        ordering = ["-period_start", "-id"]

    def __str__(self):
        return self.name

    def place_path(self):
        return self.county.path

    def current_targets(self):
        """The targets of the draw in force (round.targets holds every version's)."""
        return self.targets.filter(draw__version=self.current_version)


class SpotCheckDraw(models.Model):
    """One version of a round's sample: who drew it, when, why, from which seed and population.

    `population` lists, in the order the draw read them, every ledger enterprise of the county
    as [enterprise id, township id, stratum, weight]; `seed` seeds random.Random. Together with
    the round's share they reproduce the drawn list exactly (inspections.sampling.draw_sample).
    """

    spot_check_round = models.ForeignKey(
        SpotCheckRound, verbose_name="抽查轮次", on_delete=models.CASCADE, related_name="draws"
    )
    version = models.PositiveIntegerField("版本")
    # Null only for rounds hand-picked before draws were recorded.
    seed = models.BigIntegerField("随机种子", null=True, blank=True)
    population = models.JSONField("抽样总体快照", default=list, blank=True)
    # Kept beside the snapshot so lists can show it without loading the snapshot.
    population_size = models.PositiveIntegerField("抽样总体企业数", default=0)
    weights = models.JSONField("加权规则", default=dict, blank=True)
    reason = models.TextField("重新抽取理由", blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta:
        verbose_name = "抽样记录"
        verbose_name_plural = "抽样记录"
        ordering = ["spot_check_round", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["spot_check_round", "version"], name="spot_check_draw_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.spot_check_round} · 第 {self.version} 版"


class SpotCheckTarget(models.Model):
    """An enterprise drawn into one version of a round's sample (抽查对象)."""

    spot_check_round = models.ForeignKey(
        SpotCheckRound, verbose_name="抽查轮次", on_delete=models.CASCADE, related_name="targets"
    )
    draw = models.ForeignKey(
        SpotCheckDraw,
        verbose_name="抽样版本",
        null=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="抽查企业", on_delete=models.CASCADE, related_name="+"
    )
    stratum = models.CharField("抽样层", max_length=60, blank=True)
    weight = models.PositiveSmallIntegerField("权重", default=1)
    draw_order = models.PositiveIntegerField("抽中顺序", default=0)

    class Meta:
        verbose_name = "抽查对象"
        verbose_name_plural = "抽查对象"
        ordering = ["enterprise__region_path", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "enterprise"], name="spot_check_target_unique")
        ]

    def __str__(self):
        return f"{self.spot_check_round} · {self.enterprise_id}"
