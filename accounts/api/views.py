from django_filters import rest_framework as filters
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from ..models import Organisation, Region
from ..scoping import AreaScopedMixin
from .serializers import MeSerializer, OrganisationSerializer, RegionSerializer


class RegionFilter(filters.FilterSet):
    parent = filters.CharFilter(field_name="parent__code", label="上级区划代码")

    class Meta:
        model = Region
        fields = ["level", "parent"]


class RegionViewSet(AreaScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"


class OrganisationViewSet(AreaScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.select_related("region")
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind", "department"]


@api_view(["GET"])
def me(request):
    return Response(MeSerializer(request.user).data)
