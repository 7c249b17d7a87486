"""API shapes for inspections, tips and supervision transfers. Tip serializers for lists never
carry the reporter; the detail adds it only for the office handling the tip."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation, Region, User
from enterprises.models import Enterprise

from ..models import (
    MAX_INSPECTION_PHOTOS,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    InspectionType,
    SpotCheckRound,
    SupervisionTransfer,
    Team,
    Tip,
    TipChannel,
)


class InspectionPhotoSerializer(serializers.ModelSerializer):
    # The checked view, never the storage's URL: no stored file is public.
    url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPhoto
        # taken_at, latitude, longitude: what the camera recorded (拍摄时间, 拍摄位置), or null.
        fields = ["id", "url", "uploaded_at", "taken_at", "latitude", "longitude"]

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, photo):
        url = reverse("inspections:inspection_photo", args=[photo.inspection_id, photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class InspectionSerializer(serializers.ModelSerializer):
    inspection_type_display = serializers.CharField(
        source="get_inspection_type_display", read_only=True
    )
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    team = serializers.SerializerMethodField()
    enterprise_name = serializers.CharField(source="enterprise.name", default=None, read_only=True)
    township_code = serializers.CharField(source="township.code", read_only=True)
    township = serializers.CharField(source="township.name", read_only=True)
    tip_receipt_number = serializers.CharField(
        source="tip.receipt_number", default=None, read_only=True
    )
    photos = InspectionPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "inspection_type",
            "inspection_type_display",
            "inspected_on",
            "organisation",
            "team",
            "enterprise",
            "enterprise_name",
            "township_code",
            "township",
            "place",
            "findings",
            "result",
            "result_display",
            "tip",
            "tip_receipt_number",
            "spot_check_round",
            "latitude",
            "longitude",
            "photos",
            "created_at",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_team(self, inspection):
        members = [member.name for member in inspection.team.members.all()]
        return {"id": inspection.team_id, "name": inspection.team.name, "members": members}


class InspectionCreateSerializer(serializers.Serializer):
    """Input for POST /api/inspections/: an existing team, or a new one by name and members."""

    inspection_type = serializers.ChoiceField(choices=InspectionType.choices)
    inspected_on = serializers.DateField()
    result = serializers.ChoiceField(choices=InspectionResult.choices)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)
    team_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    member_users = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, required=False
    )
    member_names = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    township = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(level=Region.Level.TOWNSHIP),
        required=False,
        allow_null=True,
    )
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    findings = serializers.CharField(required=False, allow_blank=True)
    tip = serializers.PrimaryKeyRelatedField(
        queryset=Tip.objects.all(), required=False, allow_null=True
    )
    spot_check_round = serializers.PrimaryKeyRelatedField(
        queryset=SpotCheckRound.objects.all(), required=False, allow_null=True
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-90, max_value=90
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        min_value=-180,
        max_value=180,
    )
    photos = serializers.ListField(
        child=serializers.ImageField(), required=False, max_length=MAX_INSPECTION_PHOTOS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            user = request.user
            # Only what the user may see is a valid choice: anything else reads as "not found".
            self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
            self.fields["township"].queryset = Region.objects.visible_to(user).townships()
            self.fields["tip"].queryset = Tip.objects.visible_to(user)
            self.fields["spot_check_round"].queryset = SpotCheckRound.objects.visible_to(user)
            organisation_id = getattr(user, "organisation_id", None)
            self.fields["team"].queryset = Team.objects.filter(organisation_id=organisation_id)
            self.fields["member_users"].child_relation.queryset = User.objects.filter(
                organisation_id=organisation_id
            )

    def validate(self, attrs):
        if not attrs.get("team") and not (attrs.get("team_name") or "").strip():
            raise serializers.ValidationError(
                {"team": "请给出执法组编号，或填写 team_name 新建执法组。"}
            )
        return attrs

    def service_arguments(self):
        data = dict(self.validated_data)
        arguments = {
            key: data.get(key)
            for key in (
                "inspection_type",
                "inspected_on",
                "result",
                "enterprise",
                "township",
                "tip",
                "spot_check_round",
                "latitude",
                "longitude",
            )
        }
        arguments["place"] = data.get("place", "")
        arguments["findings"] = data.get("findings", "")
        arguments["photos"] = data.get("photos", [])
        if data.get("team"):
            arguments["team"] = data["team"]
        else:
            arguments["new_team"] = {
                "name": data.get("team_name"),
                "member_users": data.get("member_users", []),
                "member_names": data.get("member_names", []),
            }
        return arguments


class TipListSerializer(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    county = serializers.CharField(source="county.name", read_only=True)
    township = serializers.CharField(source="township.name", default=None, read_only=True)
    assigned_organisation_name = serializers.CharField(
        source="assigned_organisation.name", default=None, read_only=True
    )

    class Meta:
        model = Tip
        fields = [
            "id",
            "receipt_number",
            "channel",
            "channel_display",
            "received_at",
            "place",
            "county",
            "township",
            "state",
            "state_display",
            "reward",
            "assigned_organisation",
            "assigned_organisation_name",
            "verify_due",
            "verify_working_days",
            "enterprise",
        ]


class TipDetailSerializer(TipListSerializer):
    class Meta(TipListSerializer.Meta):
        fields = [
            *TipListSerializer.Meta.fields,
            "content",
            "happened_when",
            "outcome",
            "published_at",
            "verifications",
        ]

    verifications = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    def to_representation(self, tip):
        data = super().to_representation(tip)
        request = self.context.get("request")
        if request is not None and tip.contact_visible_to(request.user):
            data["reporter_name"] = tip.reporter_name
            data["reporter_contact"] = tip.reporter_contact
        return data


class TipIntakeSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=[choice for choice in TipChannel.choices if choice[0] != TipChannel.ONLINE]
    )
    received_at = serializers.DateTimeField(required=False)
    county = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.filter(level=Region.Level.COUNTY)
    )
    township = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.filter(level=Region.Level.TOWNSHIP),
        required=False,
        allow_null=True,
    )
    place = serializers.CharField(max_length=200)
    happened_when = serializers.CharField(max_length=100, required=False, allow_blank=True)
    content = serializers.CharField()
    reporter_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    reporter_contact = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reward = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["county"].queryset = Region.objects.visible_to(request.user).counties()
            self.fields["township"].queryset = Region.objects.visible_to(request.user).townships()


class TipAssignSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    note = serializers.CharField(required=False, allow_blank=True)
    verify_due = serializers.DateField(required=False, allow_null=True, default=None)
    working_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=365
    )


class TipPublishSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    reward = serializers.BooleanField(required=False, allow_null=True, default=None)


class SupervisionTransferSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="township.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    address = serializers.CharField(source="enterprise.address", read_only=True)
    enterprise_type = serializers.CharField(
        source="enterprise.get_enterprise_type_display", read_only=True
    )
    requirement_display = serializers.CharField(source="get_requirement_display", read_only=True)
    completion = serializers.CharField(source="completion_display", read_only=True)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    inspection = serializers.PrimaryKeyRelatedField(
        queryset=Inspection.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = SupervisionTransfer
        fields = [
            "id",
            "township",
            "enterprise",
            "enterprise_name",
            "address",
            "enterprise_type",
            "problem",
            "requirement",
            "requirement_display",
            "transferred_on",
            "status",
            "completion",
            "completed_on",
            "responsible_person",
            "inspection",
        ]
        read_only_fields = ["status", "completed_on"]
        extra_kwargs = {"responsible_person": {"required": False, "allow_blank": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["enterprise"].queryset = Enterprise.objects.visible_to(request.user)
            self.fields["inspection"].queryset = Inspection.objects.visible_to(request.user)


class TransferCompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)


class SpotCheckDrawSerializer(serializers.Serializer):
    """One version of a round's sample: its seed, who drew it, why, and the ids drawn."""

    version = serializers.IntegerField()
    seed = serializers.IntegerField(allow_null=True)
    drawn_by = serializers.CharField(source="drawn_by.display_name", default=None)
    drawn_at = serializers.DateTimeField()
    reason = serializers.CharField()
    weights = serializers.JSONField()
    population_size = serializers.IntegerField()
    targets = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_targets(self, draw):
        """Ids of the enterprises drawn, in draw order."""
        return [target.enterprise_id for target in _targets_of(draw.spot_check_round, draw)]


def _targets_of(spot_check_round, draw):
    # Uses the round's prefetched targets, so a list runs a fixed number of queries.
    return sorted(
        (target for target in spot_check_round.targets.all() if target.draw_id == draw.pk),
        key=lambda target: target.draw_order,
    )


class SpotCheckRoundSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.filter(level=Region.Level.COUNTY)
    )
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    seed = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=0,
        help_text="可选：指定随机种子（不填则随机生成并记录）。",
    )
    current_version = serializers.IntegerField(read_only=True)
    targets = serializers.SerializerMethodField()
    draws = serializers.SerializerMethodField()

    class Meta:
        model = SpotCheckRound
        fields = [
            "id",
            "name",
            "county",
            "organisation",
            "period_start",
            "period_end",
            "target_share",
            "seed",
            "current_version",
            "targets",
            "draws",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["county"].queryset = Region.objects.visible_to(request.user).counties()

    def _current_draw(self, spot_check_round):
        return next(
            (
                draw
                for draw in spot_check_round.draws.all()
                if draw.version == spot_check_round.current_version
            ),
            None,
        )

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_targets(self, spot_check_round):
        """Ids of the enterprises in the sample in force (the current version), in draw order."""
        draw = self._current_draw(spot_check_round)
        if draw is None:
            return []
        return [target.enterprise_id for target in _targets_of(spot_check_round, draw)]

    @extend_schema_field(SpotCheckDrawSerializer(many=True))
    def get_draws(self, spot_check_round):
        """Every version of the sample, oldest first; none is ever removed."""
        draws = sorted(spot_check_round.draws.all(), key=lambda draw: draw.version)
        for draw in draws:
            draw.spot_check_round = spot_check_round
        return SpotCheckDrawSerializer(draws, many=True).data


class RedrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    seed = serializers.IntegerField(required=False, min_value=0)
