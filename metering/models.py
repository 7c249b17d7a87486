"""电力监测: the power company's consumption exports (batches, their staged rows), the meter
readings kept from them, the administrator's rules, and the alerts (用电异常预警) the rules raise."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from accounts.models import AreaScoped, Region
from enterprises.models import Enterprise, UploadBatch


class MeteringSettings(models.Model):
    """The rules' thresholds: one row, edited by an administrator in the admin."""

    monthly_threshold_kwh = models.DecimalField(
        "关停企业月用电阈值（kWh）",
        max_digits=10,
        decimal_places=2,
        default=Decimal("30"),
        help_text="关停取缔且已断电或已销号的企业，某月用电量超过此值即预警“疑似复产”。",
    )
    daily_threshold_kwh = models.DecimalField(
        "关停企业日用电阈值（kWh）",
        max_digits=10,
        decimal_places=2,
        default=Decimal("5"),
        help_text="同上，任意一天用电量超过此值即预警“疑似复产”。",
    )
    baseline_share = models.DecimalField(
        "停产整治用电占基线比例",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        help_text="升级改造、停产整治中的企业，月用电量超过立案前月均用电量的这一比例即预警“疑似违规生产”（0.50 即 50%）。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "用电监测规则"
        verbose_name_plural = "用电监测规则"

    def __str__(self):
        return "用电监测规则"

    def save(self, *args, **kwargs):
        self.pk = 1  # one row: the rules in force
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        rules, _ = cls.objects.get_or_create(pk=1)
        return rules


class PeriodKind(models.TextChoices):
    MONTH = "month", "月"
    DAY = "day", "日"


class ConsumptionBatch(UploadBatch):
    """One uploaded consumption export: staged (待确认) until its uploader commits it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.CASCADE,
        related_name="consumption_batches",
    )
    area = models.ForeignKey(
        Region, verbose_name="数据所属区域", on_delete=models.PROTECT, related_name="+"
    )
    file_size = models.PositiveBigIntegerField("文件大小（字节）")
    good_rows_only = models.BooleanField("只导入无误的行", default=False)
    created_count = models.PositiveIntegerField("新增读数", default=0)
    alert_count = models.PositiveIntegerField("新增预警", default=0)

    class Meta(UploadBatch.Meta):
        verbose_name = "用电数据导入批次"
        verbose_name_plural = "用电数据导入批次"

    def place_path(self):
        return self.area.path


class ConsumptionRow(models.Model):
    """A staged row of a batch as read from the file, with its problems; a province's file
    is a million of these, so they are rows of a table, not a JSON list."""

    batch = models.ForeignKey(
        ConsumptionBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="staged"
    )
    row_number = models.PositiveIntegerField("行号")
    account_number = models.CharField("户号", max_length=30, blank=True)
    account_name = models.CharField("户名", max_length=200, blank=True)
    address = models.CharField("用电地址", max_length=200, blank=True)
    period_kind = models.CharField(
        "期间类型", max_length=10, choices=PeriodKind.choices, blank=True
    )
    period_start = models.DateField("期间开始", null=True, blank=True)
    period_month = models.DateField("所属月份", null=True, blank=True)
    kwh = models.DecimalField("用电量（kWh）", max_digits=14, decimal_places=2, null=True)
    problems = models.JSONField("问题", default=list, blank=True)
    has_problems = models.BooleanField("有问题", default=False)

    class Meta:
        verbose_name = "待导入用电数据行"
        verbose_name_plural = "待导入用电数据行"
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "has_problems"], name="consumption_row_batch")]

    def __str__(self):
        return f"第 {self.row_number} 行 {self.account_number}"


class MeterReading(AreaScoped):
    """One account's consumption over a month or a day, as the utility reported it. The same
    (户号, 期间) is kept once: importing the same file twice adds nothing."""

    account_number = models.CharField("户号", max_length=30)
    account_name = models.CharField("户名", max_length=200, blank=True)
    address = models.CharField("用电地址", max_length=200, blank=True)
    period_kind = models.CharField("期间类型", max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField("期间开始")
    # The month the period lies in (first day): alerts are per enterprise per month.
    period_month = models.DateField("所属月份")
    kwh = models.DecimalField("用电量（kWh）", max_digits=14, decimal_places=2)
    batch = models.ForeignKey(
        ConsumptionBatch,
        verbose_name="导入批次",
        null=True,
        on_delete=models.SET_NULL,
        related_name="readings",
    )
    area = models.ForeignKey(
        Region, verbose_name="数据所属区域", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "用电读数"
        verbose_name_plural = "用电读数"
        ordering = ["account_number", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_number", "period_kind", "period_start"],
                name="meter_reading_once_per_period",
            )
        ]
        indexes = [
            models.Index(fields=["batch"], name="meter_reading_batch"),
            models.Index(fields=["region_path", "id"], name="meter_reading_area"),
        ]

    def __str__(self):
        return f"{self.account_number} {self.period_start} {self.kwh} kWh"

    def place_path(self):
        return self.area.path

    @property
    def period_display(self):
        if self.period_kind == PeriodKind.MONTH:
            return f"{self.period_start:%Y年%m月}"
        return f"{self.period_start:%Y-%m-%d}"


class AlertRule(models.TextChoices):
    RESUMED = "resumed", "疑似复产"
    PRODUCING = "producing", "疑似违规生产"


class AlertState(models.TextChoices):
    OPEN = "open", "待核查"
    ARRANGED = "arranged", "已安排回头看"
    CONFIRMED = "confirmed", "属实（反弹）"
    DISMISSED = "dismissed", "无问题"


class PowerAlert(AreaScoped):
    """用电异常预警: one per enterprise per month, with the readings that triggered it; its
    state moves only through metering.alerts (the transitions table there)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="power_alerts"
    )
    # The case the rule read (rectification's, kept by id: the case may be reopened or
    # replaced, the alert stays with what was true when it was raised).
    case_id = models.PositiveBigIntegerField("整治案件编号")
    rule = models.CharField("预警类型", max_length=20, choices=AlertRule.choices)
    period_month = models.DateField("所属月份")
    kwh = models.DecimalField("触发用电量（kWh）", max_digits=14, decimal_places=2)
    threshold_kwh = models.DecimalField("阈值（kWh）", max_digits=14, decimal_places=2)
    state = models.CharField(
        "状态", max_length=20, choices=AlertState.choices, default=AlertState.OPEN
    )
    readings = models.ManyToManyField(MeterReading, verbose_name="触发读数", related_name="alerts")
    batch = models.ForeignKey(
        ConsumptionBatch,
        verbose_name="发现批次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    created_at = models.DateTimeField("预警时间")
    look_back_due = models.DateField("回头看日期", null=True, blank=True)
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="安排人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inspection_id = models.PositiveBigIntegerField("核查检查编号", null=True, blank=True)
    resolution = models.CharField("核查结论", max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField("核查时间", null=True, blank=True)

    class Meta:
        verbose_name = "用电异常预警"
        verbose_name_plural = "用电异常预警"
        ordering = ["-period_month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period_month"], name="power_alert_once_per_month"
            )
        ]
        indexes = [
            models.Index(fields=["region_path", "state"], name="power_alert_area_state"),
            models.Index(fields=["batch"], name="power_alert_batch"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.period_month:%Y-%m} {self.get_rule_display()}"

    def place_path(self):
        return self.enterprise.region_path

    @property
    def is_open(self):
        return self.state in (AlertState.OPEN, AlertState.ARRANGED)
