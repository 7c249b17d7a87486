from rest_framework import serializers

from ..models import Organisation, Region, User


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = [
            "id",
            "code",
            "name",
            "level",
            "level_display",
            "township_kind",
            "parent_code",
            "path",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "department", "region_code", "contact_person"]


class MeSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "organisation"]


class RefusalSerializer(serializers.Serializer):
    """The 400 of a refusal (accounts.refusals.Refused): the sentence, and the same sentence
    under the input at fault (e.g. "township", "file") or under non_field_errors."""

    detail = serializers.CharField(help_text="拒绝的原因（中文）")
    non_field_errors = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="不针对某一输入项时的原因；针对某一输入项时以该项的名称为键",
    )
