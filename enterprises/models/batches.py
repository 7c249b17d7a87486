"""Uploaded files waiting for their uploader's confirmation (导入预览): what every one keeps,
and the ledger's own (ImportBatch); metering's ConsumptionBatch builds on the same base."""

from django.conf import settings
from django.db import models

from accounts.models import AreaScoped, Region


class UploadBatch(AreaScoped):
    """What every uploaded file waiting for its uploader's confirmation (导入预览) keeps: the
    unguessable token it is found by, what was read and how many rows have problems, and
    whether it was committed — the ledger's ImportBatch and metering's ConsumptionBatch."""

    class State(models.TextChoices):
        PREVIEW = "preview", "待确认"
        COMMITTED = "committed", "已导入"

    token = models.CharField("批次令牌", max_length=64, unique=True)
    file_name = models.CharField("文件名", max_length=200)
    sheet_name = models.CharField("工作表", max_length=100, blank=True)
    columns = models.JSONField("识别的列", default=dict, blank=True)
    row_count = models.PositiveIntegerField("数据行数", default=0)
    error_count = models.PositiveIntegerField("有错误的行数", default=0)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PREVIEW)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name}（{self.get_state_display()}）"


class ImportBatch(UploadBatch):
    """An uploaded Excel ledger, parsed and waiting for its uploader to confirm (导入预览).

    The parsed rows and every problem are kept server-side in `rows`, keyed by an
    unguessable token and visible only to the uploader; committing creates the enterprises
    all-or-nothing and marks the batch committed, so it cannot be imported twice.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.CASCADE,
        related_name="enterprise_import_batches",
    )
    township = models.ForeignKey(
        Region, verbose_name="导入到乡镇", on_delete=models.PROTECT, related_name="+"
    )
    file_size = models.PositiveIntegerField("文件大小（字节）")
    rows = models.JSONField("解析结果", default=list, blank=True)
    new_count = models.PositiveIntegerField("新增企业数", default=0)
    existing_count = models.PositiveIntegerField("已在台账中的行数", default=0)
    created_count = models.PositiveIntegerField("实际新增数", default=0)
    # The campaign the imported rows' cases go into (rectification's, so kept by its id: this
    # app must not import that one), checked against the township at upload and at commit.
    campaign_id = models.PositiveBigIntegerField("专项行动编号", null=True, blank=True)
    campaign_name = models.CharField("专项行动", max_length=200, blank=True)
    establish = models.BooleanField(
        "按台账建档",
        default=False,
        help_text="县整治办导入历史台账时，案件按台账所填完成情况建档（销号仍须验收）",
    )

    class Meta(UploadBatch.Meta):
        verbose_name = "台账导入批次"
        verbose_name_plural = "台账导入批次"

    def place_path(self):
        return self.township.path

    @property
    def flagged_rows(self):
        """The rows with problems: never committed, offered back as a file to fix."""
        return [row for row in self.rows if row["problems"]]

    @property
    def good_rows_only(self):
        """Whether the commit took the good rows only (None before the commit)."""
        return self.columns.get("good_rows_only") if self.state == self.State.COMMITTED else None
