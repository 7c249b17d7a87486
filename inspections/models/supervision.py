"""The supervision tracking ledger (督查跟踪台账, seed 004 附件2): a problem the county or city
found, transferred (移交) to a township with a requirement, and tracked to completion."""

from django.conf import settings
from django.db import models

from accounts.models import AreaScoped, Organisation, Region, recorded_by
from enterprises.models import Enterprise
from rectification.models import Requirement  # 整治要求: the same three values as the cases


class TransferStatus(models.TextChoices):
    # 完成情况 (seed 004 附件2 note 4): one "under way" and one "done" value per requirement
    OBTAINING_PERMITS = "obtaining_permits", "补办手续中"
    PERMITS_OBTAINED = "permits_obtained", "手续补办到位"
    RECTIFYING = "rectifying", "正在整治"
    RECTIFIED = "rectified", "整改到位"
    DEMOLISHING = "demolishing", "正在拆除"
    DEMOLISHED = "demolished", "拆除到位"


# requirement → (status while under way, status when done)
STATUS_FLOW = {
    Requirement.OBTAIN_PERMITS: (TransferStatus.OBTAINING_PERMITS, TransferStatus.PERMITS_OBTAINED),
    Requirement.IMPROVE: (TransferStatus.RECTIFYING, TransferStatus.RECTIFIED),
    Requirement.DEMOLISH: (TransferStatus.DEMOLISHING, TransferStatus.DEMOLISHED),
}
DONE_STATUSES = {done for _under_way, done in STATUS_FLOW.values()}


class SupervisionTransfer(AreaScoped, recorded_by("移交人", "录入时间", blank=False)):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        Region, verbose_name="所在乡（镇）、办", on_delete=models.PROTECT, related_name="+"
    )
    problem = models.TextField("发现问题")
    requirement = models.CharField("整治要求", max_length=20, choices=Requirement.choices)
    transferred_on = models.DateField("移交日期")
    found_by = models.ForeignKey(
        Organisation, verbose_name="移交单位", on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name="发现问题的检查",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
    )
    responsible_person = models.CharField("分包责任人", max_length=60)
    status = models.CharField("完成情况", max_length=20, choices=TransferStatus.choices)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    completion_note = models.TextField("完成说明", blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "督查移交问题"
        verbose_name_plural = "督查跟踪台账"
        ordering = ["region_path", "transferred_on", "id"]
        indexes = [
            # The ordering's own index (region_path in the "C" collation on PostgreSQL,
            # migration 0007): the pattern_ops index bounded an area but could not give the order.
            models.Index(
                fields=["region_path", "transferred_on", "id"], name="transfer_list_order"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_requirement_display()}"

    def place_path(self):
        return self.enterprise.region_path

    @property
    def is_done(self):
        return self.status in DONE_STATUSES

    @property
    def completion_display(self):
        """完成情况(完成日期) as the 附件2 column shows it."""
        if self.completed_on:
            return f"{self.get_status_display()}（{self.completed_on:%Y-%m-%d}）"
        return self.get_status_display()
