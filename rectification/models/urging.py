"""催办: the county office chasing a unit's overdue cases, kept as a record (who urged whom,
when, which cases) and shown on each case's timeline."""

from django.conf import settings
from django.db import models

from accounts.models import AreaScoped, Organisation

from .case import Case


class Urging(AreaScoped):
    """One 催办: sent by an office to a responsible unit (and its persons) for the unit's cases
    that were overdue at that moment. `region_path` is the urging office's area, so the
    record is visible where the office's cases are."""

    urged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="催办人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    office = models.ForeignKey(
        Organisation,
        verbose_name="催办单位",
        on_delete=models.PROTECT,
        related_name="urgings_sent",
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name="被催办单位",
        on_delete=models.PROTECT,
        related_name="urgings_received",
    )
    persons = models.CharField("被催办责任人", max_length=300, blank=True)
    cases = models.ManyToManyField(Case, verbose_name="催办案件", related_name="urgings")
    case_count = models.PositiveIntegerField("案件数")
    note = models.CharField("催办说明", max_length=300, blank=True)
    created_at = models.DateTimeField("催办时间", auto_now_add=True)
    urged_on = models.DateField("催办日期")

    class Meta:
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            # One 催办 per office, unit and day: a second tap (or a retry) chases nobody twice.
            models.UniqueConstraint(
                fields=["office", "unit", "urged_on"], name="urging_once_per_unit_per_day"
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.urged_on:%Y-%m-%d} 催办 {self.case_count} 件"

    def place_path(self):
        return self.region_path or self.office.region.path
