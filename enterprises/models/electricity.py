"""用电户号: the power company's accounts of each enterprise."""

from django.conf import settings
from django.db import models

from .enterprise import Enterprise


class ElectricityAccount(models.Model):
    """用电户号: an account of the power company that supplies one enterprise (a plant may have
    several). Only staff see them; metering matches the utility's readings to enterprises
    through them."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="electricity_accounts",
    )
    number = models.CharField("用电户号", max_length=30, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "用电户号"
        verbose_name_plural = "用电户号"
        ordering = ["enterprise", "number"]

    def __str__(self):
        return self.number
