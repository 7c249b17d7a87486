"""The stored side of 风险画像 (enterprises.risk): each enterprise's deductions, and the
administrator's band thresholds and weights."""

from django.db import models

from .enterprise import FULL_RISK_SCORE, Enterprise


class RiskDeduction(models.Model):
    """One deduction of an enterprise's 风险画像 (enterprises.risk): what, how many points,
    why, from which record and when. An enterprise's rows are replaced on each recompute."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="risk_deductions"
    )
    kind = models.CharField("扣分项", max_length=40)
    points = models.PositiveSmallIntegerField("扣分")
    detail = models.CharField("扣分说明", max_length=200)
    source = models.CharField("来源", max_length=100)
    date = models.DateField("日期", null=True, blank=True)

    class Meta:
        verbose_name = "风险扣分"
        verbose_name_plural = "风险扣分"
        ordering = ["enterprise", "-points", "-date", "id"]
        indexes = [models.Index(fields=["enterprise", "kind"], name="risk_deduction_enterprise")]

    def __str__(self):
        return f"{self.detail}（-{self.points}）"


class RiskSettings(models.Model):
    """The one row of 风险画像 settings an administrator edits (weights per deduction kind in
    RiskWeight; a kind without a row uses its registered default, see enterprises.risk)."""

    high_below = models.PositiveSmallIntegerField(
        "高风险分数线", default=60, help_text="评分低于此分为高风险。"
    )
    low_from = models.PositiveSmallIntegerField(
        "低风险分数线", default=80, help_text="评分不低于此分为低风险，其间为中风险。"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "风险画像设置"
        verbose_name_plural = "风险画像设置"

    def __str__(self):
        return "风险画像设置"

    def clean(self):
        from django.core.exceptions import ValidationError

        if not 0 < self.high_below <= self.low_from <= FULL_RISK_SCORE:
            raise ValidationError("分数线应满足 0 < 高风险分数线 ≤ 低风险分数线 ≤ 100。")

    @classmethod
    def current(cls):
        return cls.objects.order_by("id").first() or cls.objects.create()


class RiskWeight(models.Model):
    """An administrator's weight for one deduction kind: points per occurrence and a cap."""

    settings = models.ForeignKey(
        RiskSettings, verbose_name="设置", on_delete=models.CASCADE, related_name="weights"
    )
    kind = models.CharField("扣分项", max_length=40)
    points = models.PositiveSmallIntegerField("每次扣分")
    cap = models.PositiveSmallIntegerField(
        "最多扣分", null=True, blank=True, help_text="留空为不设上限（总分最低为 0）。"
    )

    class Meta:
        verbose_name = "扣分权重"
        verbose_name_plural = "扣分权重"
        constraints = [
            models.UniqueConstraint(fields=["settings", "kind"], name="risk_weight_unique_kind")
        ]

    def __str__(self):
        return self.kind
