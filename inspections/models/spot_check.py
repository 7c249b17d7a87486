"""A county's supervisory spot-check round (督导抽查): a period and the sample of ledger
enterprises drawn per township so that at least 20% of each township is checked (seed 004)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import AreaScopedQuerySet, Organisation, Region
from enterprises.models import Enterprise

SPOT_CHECK_MINIMUM_SHARE = Decimal("0.20")


class SpotCheckRound(models.Model):
    area_path_field = "region_path"

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
    region_path = models.CharField("区域路径", max_length=200, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="制定人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("制定时间", auto_now_add=True)

    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "督导抽查轮次"
        verbose_name_plural = "督导抽查轮次"
        ordering = ["-period_start", "-id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.region_path = self.county.path
        super().save(*args, **kwargs)


class SpotCheckTarget(models.Model):
    """An enterprise drawn into a round's sample (抽查对象)."""

    spot_check_round = models.ForeignKey(
        SpotCheckRound, verbose_name="抽查轮次", on_delete=models.CASCADE, related_name="targets"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="抽查企业", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "抽查对象"
        verbose_name_plural = "抽查对象"
        ordering = ["enterprise__region_path", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["spot_check_round", "enterprise"], name="spot_check_target_unique"
            )
        ]

    def __str__(self):
        return f"{self.spot_check_round} · {self.enterprise_id}"
