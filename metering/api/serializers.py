"""The alert, reading and batch representations of the metering API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import ConsumptionBatch, MeterReading, PowerAlert


class ReadingSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeterReading
        fields = [
            "id",
            "account_number",
            "account_name",
            "address",
            "period_kind",
            "period_start",
            "kwh",
        ]


class PowerAlertSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township_name = serializers.CharField(source="enterprise.township.name", read_only=True)
    rule_display = serializers.CharField(source="get_rule_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = PowerAlert
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "township_name",
            "case_id",
            "rule",
            "rule_display",
            "period_month",
            "kwh",
            "threshold_kwh",
            "state",
            "state_display",
            "look_back_due",
            "inspection_id",
            "resolution",
            "created_at",
        ]


class PowerAlertDetailSerializer(PowerAlertSerializer):
    readings = ReadingSerializer(many=True, read_only=True)

    class Meta(PowerAlertSerializer.Meta):
        fields = [*PowerAlertSerializer.Meta.fields, "readings"]


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(source="row_number")
    account_number = serializers.CharField()
    problems = serializers.ListField(child=serializers.DictField())


class BatchSerializer(serializers.ModelSerializer):
    problem_rows = serializers.SerializerMethodField()

    class Meta:
        model = ConsumptionBatch
        fields = [
            "token",
            "file_name",
            "area",
            "row_count",
            "error_count",
            "state",
            "good_rows_only",
            "created_count",
            "alert_count",
            "problem_rows",
        ]

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problem_rows(self, batch):
        rows = batch.staged.filter(has_problems=True).order_by("row_number")[:200]
        return ProblemSerializer(rows, many=True).data


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    area = serializers.CharField(required=False, help_text="区划代码；有所属单位的用户不填")


class CommitSerializer(serializers.Serializer):
    good_rows_only = serializers.BooleanField(required=False, default=False)


class LinkSerializer(serializers.Serializer):
    account_number = serializers.CharField(max_length=30)
    enterprise = serializers.IntegerField()


class ResolveSerializer(serializers.Serializer):
    inspection = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
