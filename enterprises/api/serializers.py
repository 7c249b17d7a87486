"""The ledger row over the API (the same fields as the form, plus the three case columns), and
the Excel import's upload, preview and commit."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Region
from accounts.refusals import Refused

from ..credit_code import validate_credit_code
from ..duplicates import normalise_text
from ..electricity import parse_account_numbers
from ..ledger import case_values
from ..models import Enterprise, ImportBatch, PermitDepartment
from ..risk import deductions_of
from ..services import EDITABLE_FIELDS


class RegionCodeField(serializers.SlugRelatedField):
    def __init__(self, level, **kwargs):
        super().__init__(slug_field="code", queryset=Region.objects.filter(level=level), **kwargs)
        self.error_messages["does_not_exist"] = "区划代码 {value} 不存在或级别不对。"
        self.error_messages["invalid"] = "区划代码格式不正确。"


class PermitsField(serializers.JSONField):
    """{department: true (held) | false (missing)}; departments not listed are not recorded."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        if not isinstance(data, dict):
            raise serializers.ValidationError('permits 应为对象，如 {"environment": false}。')
        unknown = [key for key in data if key not in PermitDepartment.values]
        if unknown:
            raise serializers.ValidationError(
                f"未知的手续部门：{'、'.join(unknown)}；可用：{'、'.join(PermitDepartment.values)}。"
            )
        if any(not isinstance(value, bool) for value in data.values()):
            raise serializers.ValidationError("各部门手续的值只能是 true（有）或 false（无）。")
        return data


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class ElectricityAccountsField(serializers.Field):
    """用电户号: written as a list (or a separated string), read as the list of numbers."""

    def to_representation(self, manager):
        return [account.number for account in manager.all()]

    def to_internal_value(self, data):
        try:
            return parse_account_numbers(data)
        except Refused as refusal:
            raise serializers.ValidationError(refusal.message) from None


class EnterpriseSerializer(serializers.ModelSerializer):
    township = RegionCodeField(Region.Level.TOWNSHIP, required=False)
    village = RegionCodeField(Region.Level.VILLAGE, required=False, allow_null=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True, default="")
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=30)
    permits = PermitsField(required=False)
    permit_status_display = serializers.CharField(
        source="get_permit_status_display", read_only=True
    )
    enterprise_type_display = serializers.CharField(
        source="get_enterprise_type_display", read_only=True
    )
    risk_band_display = serializers.CharField(source="get_risk_band_display", read_only=True)
    requirement = serializers.SerializerMethodField(help_text="整治要求（来自整治案件）")
    deadline = serializers.SerializerMethodField(help_text="整治期限（来自整治案件）")
    completion = serializers.SerializerMethodField(help_text="完成情况(完成日期)（来自整治案件）")
    confirm_similar = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="本乡镇已有名称或地址相近的企业时，核实后传 true 仍然保存。",
    )
    electricity_accounts = ElectricityAccountsField(
        required=False,
        help_text='用电户号列表（仅工作人员可见）；修改时传完整列表，如 ["3301234567"]。',
    )
    version = serializers.CharField(
        write_only=True,
        required=False,
        help_text="修改（PUT/PATCH）时必须传读取时的 updated_at；未传或记录已被他人修改时拒绝保存（409）。",
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            *EDITABLE_FIELDS,
            "township_name",
            "village_name",
            "enterprise_type_display",
            "permit_status",
            "permit_status_display",
            "requirement",
            "deadline",
            "completion",
            "risk_score",
            "risk_band",
            "risk_band_display",
            "electricity_accounts",
            "created_at",
            "updated_at",
            "confirm_similar",
            "version",
        ]
        read_only_fields = [
            "permit_status",
            "risk_score",
            "risk_band",
            "created_at",
            "updated_at",
        ]

    def _case(self, enterprise):
        cache = self.context.setdefault("_case_values", {})
        if enterprise.pk not in cache:
            cache[enterprise.pk] = case_values(self.context["case_provider"], enterprise)
        return cache[enterprise.pk]

    @extend_schema_field(serializers.CharField())
    def get_requirement(self, enterprise):
        return self._case(enterprise)["requirement"] or ""

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_deadline(self, enterprise):
        deadline = self._case(enterprise)["deadline"]
        return deadline.isoformat() if deadline else None

    @extend_schema_field(serializers.CharField())
    def get_completion(self, enterprise):
        return self._case(enterprise)["completion"] or ""

    def validate_credit_code(self, value):
        code = normalise_text(value).replace(" ", "").upper()
        validate_credit_code(code)
        return code

    def validate_name(self, value):
        value = normalise_text(value)
        if not value:
            raise serializers.ValidationError("请填写企业名称。")
        return value


class RiskDeductionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="扣分项代码")
    kind_label = serializers.CharField(help_text="扣分项")
    points = serializers.IntegerField(help_text="扣分")
    detail = serializers.CharField(help_text="扣分说明")
    source = serializers.CharField(help_text="来源记录")
    date = serializers.DateField(allow_null=True, help_text="日期")


class EnterpriseDetailSerializer(EnterpriseSerializer):
    """One ledger row with its 风险画像 deductions (the list leaves them out)."""

    risk_deductions = serializers.SerializerMethodField(help_text="风险扣分明细")

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "risk_deductions"]

    @extend_schema_field(RiskDeductionSerializer(many=True))
    def get_risk_deductions(self, enterprise):
        return RiskDeductionSerializer(deductions_of(enterprise), many=True).data


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField()
    action = serializers.CharField()
    reason = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)


# --- The Excel import (/api/ledger-imports/) ------------------------------------------------


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="乡镇的附件1 台账文件",
        error_messages={"required": "请选择要导入的台账文件。", "empty": "上传的文件是空的。"},
    )
    township = RegionCodeField(
        Region.Level.TOWNSHIP,
        required=False,
        help_text="导入到哪个乡镇（区划代码）；乡镇用户可省略，即本乡镇。",
    )
    campaign = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="案件登记到哪个专项行动（id，见 /api/campaigns/）；省略即覆盖该乡镇的进行中的"
        "专项行动。不在您辖区内、不覆盖该乡镇或已结束的专项行动会被拒绝。",
        error_messages={"invalid": "请填写专项行动的编号（整数）。"},
    )
    establish = serializers.BooleanField(
        default=False,
        help_text="按台账建档：每个案件按完成情况直接进入所述状态（已认定 / 整治中 / 待验收）；"
        "仅县整治办或系统管理员可选。",
    )


class ImportCommitSerializer(serializers.Serializer):
    good_rows_only = serializers.BooleanField(
        default=False,
        help_text="false：全部导入（有错误的行时拒绝）；true：只导入无误的行，有问题的行留待改正。",
    )


class CellMessageSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="所在列（附件1 的列名）")
    message = serializers.CharField()


class RowMessageSerializer(CellMessageSerializer):
    row = serializers.IntegerField(help_text="Excel 中的行号")


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel 中的行号")
    status = serializers.ChoiceField(
        choices=[("new", "新增"), ("existing", "已在台账，将跳过"), ("error", "有错误")]
    )
    data = serializers.DictField(help_text="解析出的台账字段（企业名称、企业类型、上报时间……）")
    case = serializers.DictField(help_text="整治要求、整治期限、完成情况，随企业交给整治案件")
    permits_text = serializers.CharField(help_text="解析出的手续，如“营业执照有、环评无”")
    notice = serializers.CharField(help_text="与已有企业的比对结果（将跳过 / 名称相近）")
    problems = CellMessageSerializer(many=True, help_text="错误：有错误的行不导入")
    warnings = CellMessageSerializer(many=True, help_text="提示：不影响导入")
    committed = serializers.BooleanField(
        allow_null=True, help_text="导入后：这一行是否已导入；导入前为 null"
    )


class ImportBatchSerializer(serializers.ModelSerializer):
    """A previewed (or committed) import: counts, every row, every problem and warning."""

    township = serializers.SlugRelatedField(slug_field="code", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    good_rows_only = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="导入方式：true 为只导入无误的行；导入前为 null"
    )
    file_notices = serializers.SerializerMethodField(
        help_text="整个文件的提示（隐藏的行列、填报单位与所选乡镇不符等）"
    )
    ignored_columns = serializers.SerializerMethodField(help_text="未识别、已忽略的列")
    problems = serializers.SerializerMethodField(help_text="每一处错误：行、列、说明")
    warnings = serializers.SerializerMethodField(help_text="每一处提示：行、列、说明")
    rows = serializers.SerializerMethodField()
    problems_file = serializers.SerializerMethodField(
        help_text="有问题的行（附件1 格式加“问题说明”列）的下载地址；没有问题行时为 null"
    )

    class Meta:
        model = ImportBatch
        fields = [
            "token",
            "township",
            "township_name",
            "file_name",
            "sheet_name",
            "state",
            "state_display",
            "good_rows_only",
            "campaign_id",
            "campaign_name",
            "establish",
            "row_count",
            "new_count",
            "existing_count",
            "error_count",
            "created_count",
            "created_at",
            "committed_at",
            "file_notices",
            "ignored_columns",
            "problems",
            "warnings",
            "rows",
            "problems_file",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_file_notices(self, batch):
        columns = batch.columns
        return [*columns.get("notices", []), *columns.get("warnings", [])]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_ignored_columns(self, batch):
        return batch.columns.get("ignored", [])

    @extend_schema_field(RowMessageSerializer(many=True))
    def get_problems(self, batch):
        return [{"row": row["row"], **item} for row in batch.rows for item in row["problems"]]

    @extend_schema_field(RowMessageSerializer(many=True))
    def get_warnings(self, batch):
        return [
            {"row": row["row"], **item} for row in batch.rows for item in row.get("warnings", [])
        ]

    @extend_schema_field(ImportRowSerializer(many=True))
    def get_rows(self, batch):
        return ImportRowSerializer(
            [
                {**row, "warnings": row.get("warnings", []), "committed": row.get("committed")}
                for row in batch.rows
            ],
            many=True,
        ).data

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_problems_file(self, batch):
        if not batch.error_count:
            return None
        path = reverse("ledger-import-problems", kwargs={"token": batch.token})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
