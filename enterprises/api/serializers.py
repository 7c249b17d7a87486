"""The ledger row over the API: the same fields as the form, plus the three case columns."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Region

from ..credit_code import validate_credit_code
from ..duplicates import normalise_text
from ..ledger import case_values
from ..models import Enterprise, PermitDepartment
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
    requirement = serializers.SerializerMethodField(help_text="整治要求（来自整治案件）")
    deadline = serializers.SerializerMethodField(help_text="整治期限（来自整治案件）")
    completion = serializers.SerializerMethodField(help_text="完成情况(完成日期)（来自整治案件）")
    confirm_similar = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="本乡镇已有名称或地址相近的企业时，核实后传 true 仍然保存。",
    )
    version = serializers.CharField(
        write_only=True,
        required=False,
        help_text="修改时可传读取时的 updated_at；记录已被他人修改时拒绝保存。",
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
            "created_at",
            "updated_at",
            "confirm_similar",
            "version",
        ]
        read_only_fields = ["permit_status", "created_at", "updated_at"]

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
