"""API representations of campaigns, cases (list and detail), steps and timeline."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.deadlines import deadline_warning
from accounts.models import Organisation

from ..models import (
    Campaign,
    CampaignPhase,
    Case,
    CaseEvent,
    CaseStep,
    ChecklistStep,
    DeadlineExtension,
    EvidencePhoto,
    Urging,
)


class ChecklistStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistStep
        fields = ["order", "name", "default_department"]


class CampaignPhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignPhase
        fields = ["order", "name", "starts_on", "ends_on"]


class CampaignSerializer(serializers.ModelSerializer):
    closure_checklist = serializers.CharField(source="closure_checklist.name")
    closure_steps = ChecklistStepSerializer(source="closure_checklist.steps", many=True)
    phases = CampaignPhaseSerializer(many=True)
    region = serializers.CharField(source="region.name", default=None)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "year",
            "region",
            "scope",
            "closure_checklist",
            "closure_steps",
            "phases",
            "look_back_after_days",
            "is_active",
        ]


class CaseSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township = serializers.CharField(source="enterprise.township.name", read_only=True)
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    disposal_display = serializers.CharField(source="get_disposal_display", read_only=True)
    requirement_display = serializers.CharField(source="get_requirement_display", read_only=True)
    responsible_unit_name = serializers.CharField(
        source="responsible_unit.name", default=None, read_only=True
    )
    is_overdue = serializers.SerializerMethodField()
    completion = serializers.CharField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "enterprise",
            "enterprise_name",
            "township",
            "campaign",
            "campaign_name",
            "state",
            "state_display",
            "disposal",
            "disposal_display",
            "requirement",
            "requirement_display",
            "responsible_unit",
            "responsible_unit_name",
            "responsible_person",
            "deadline",
            "is_overdue",
            "is_relapse",
            "is_quasi",
            "found_on",
            "closed_on",
            "completion",
            "version",
        ]
        read_only_fields = fields

    def get_is_overdue(self, case) -> bool:
        return case.is_overdue(self.context.get("today") or timezone.localdate())


class EvidencePhotoSerializer(serializers.ModelSerializer):
    # The checked view, never the storage's URL: no stored file is public.
    url = serializers.SerializerMethodField()

    class Meta:
        model = EvidencePhoto
        # taken_at, latitude, longitude: what the camera recorded (拍摄时间, 拍摄位置), or null;
        # superseded: a photo of 上次提交, before a failed verification returned its step.
        fields = ["id", "url", "uploaded_at", "taken_at", "latitude", "longitude", "superseded"]

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, photo):
        url = reverse("rectification:evidence_photo", args=[photo.step.case_id, photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class CaseStepSerializer(serializers.ModelSerializer):
    confirming_unit_name = serializers.CharField(
        source="confirming_unit.name", default=None, read_only=True
    )
    photos = EvidencePhotoSerializer(many=True, read_only=True)

    class Meta:
        model = CaseStep
        fields = [
            "id",
            "kind",
            "order",
            "name",
            "confirming_department",
            "confirming_unit",
            "confirming_unit_name",
            "confirming_person",
            "deadline",
            "done_on",
            "note",
            "returned_at",
            "previous_done_on",
            "previous_confirming_person",
            "photos",
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None)
    action_display = serializers.CharField(source="get_action_display")

    class Meta:
        model = CaseEvent
        fields = [
            "action",
            "action_display",
            "from_state",
            "to_state",
            "actor",
            "created_at",
            "comment",
            "inspection_id",
            "inspection_label",
            "payload",
        ]


class DeadlineExtensionSerializer(serializers.ModelSerializer):
    approver = serializers.CharField(source="approver.display_name")

    class Meta:
        model = DeadlineExtension
        fields = [
            "previous_deadline",
            "new_deadline",
            "working_days",
            "reason",
            "approver",
            "created_at",
        ]


class CaseDetailSerializer(CaseSerializer):
    steps = CaseStepSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    extensions = DeadlineExtensionSerializer(many=True, read_only=True)
    deadline_display = serializers.CharField(read_only=True)
    deadline_warning = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "deadline_working_days",
            "deadline_display",
            "deadline_warning",
            "measures",
            "original_deadline",
            "destination_park",
            "relocation_deadline",
            "look_back_due",
            "steps",
            "events",
            "extensions",
        ]
        read_only_fields = fields

    def get_deadline_warning(self, case) -> str:
        """Set when the working days ran into a year whose holidays are not loaded."""
        return deadline_warning(case)


class ProposeSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(label="企业")
    campaign = serializers.IntegerField(label="专项行动")
    note = serializers.CharField(label="说明", required=False, allow_blank=True, default="")


class BulkCloseSerializer(serializers.Serializer):
    """The input of /api/cases/bulk-close/ (documentation: the workflow reads the data)."""

    cases = serializers.ListField(child=serializers.IntegerField(), label="案件 id")
    note = serializers.CharField(label="验收意见", required=False, allow_blank=True, default="")


class UrgingSerializer(serializers.ModelSerializer):
    """A 催办记录; to create one, POST `unit` (and an optional `note`)."""

    office = serializers.CharField(source="office.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    urged_by = serializers.CharField(source="urged_by.display_name", default=None, read_only=True)
    cases = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Urging
        fields = [
            "id",
            "office",
            "unit",
            "unit_name",
            "persons",
            "urged_by",
            "case_count",
            "cases",
            "note",
            "urged_on",
            "created_at",
        ]
        read_only_fields = ["persons", "case_count", "urged_on", "created_at"]
        extra_kwargs = {"unit": {"queryset": Organisation.objects.all()}}
