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
