"""API shapes of submissions and report tables."""

from rest_framework import serializers

from accounts.models import User

from ..models import Submission


class SubmissionSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    period = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    signed_by_name = serializers.CharField(source="signed_by.display_name", read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.display_name", read_only=True)
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "table_key",
            "title",
            "region_code",
            "region_name",
            "organisation_name",
            "period",
            "version",
            "state",
            "state_display",
            "verification_code",
            "digest",
            "signed_by",
            "signed_by_name",
            "submitted_by_name",
            "submitted_at",
            "deadline",
            "is_late",
            "decided_at",
            "return_reason",
            "previous",
        ]

    def get_period(self, submission) -> str:
        return submission.period_obj.key


class SubmissionDetailSerializer(SubmissionSerializer):
    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "snapshot"]


class SubmitSerializer(serializers.Serializer):
    table = serializers.CharField(label="报表")
    region = serializers.CharField(label="区域代码", required=False)
    period = serializers.CharField(label="报送期间（YYYY-MM）")
    signed_by = serializers.PrimaryKeyRelatedField(
        label="签字负责人", queryset=User.objects.all(), required=False
    )


class ResubmitSerializer(serializers.Serializer):
    signed_by = serializers.PrimaryKeyRelatedField(
        label="签字负责人", queryset=User.objects.all(), required=False
    )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(label="退回原因", allow_blank=True)


class ReportTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    source = serializers.CharField()
    deadline_day = serializers.IntegerField()
    submit_levels = serializers.ListField(child=serializers.IntegerField())


class ReportColumnSerializer(serializers.Serializer):
    label = serializers.CharField()
    group = serializers.CharField()


class ReportTableDataSerializer(serializers.Serializer):
    table = serializers.CharField()
    title = serializers.CharField()
    region = serializers.CharField()
    period = serializers.CharField()
    columns = ReportColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.ListField())
    totals = serializers.ListField(allow_null=True)
