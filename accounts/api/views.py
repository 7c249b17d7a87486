from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from ..models import Organisation, Region
from ..scoping import AreaScopedMixin
from ..worklists import done_for, one_list_for, todo_for
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


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def todo(request):
    """待办: the user's work lists as on the home page, each with its count, first items (most
    urgent first), the page where it is done and the full list in the API."""
    lists = todo_for(request.user, timezone.localdate())
    return Response({"lists": [entry.as_data() for entry in lists]})


TODO_LIST_LIMIT = 200


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def todo_list(request, key):
    """One 待办 list with up to `?limit=` items (default 50, at most 200); 404 for a list that
    is not the user's."""
    try:
        limit = max(1, min(int(request.query_params.get("limit", 50)), TODO_LIST_LIMIT))
    except ValueError:
        limit = 50
    entry = one_list_for(request.user, key, timezone.localdate(), limit)
    if entry is None:
        raise Http404("没有这个待办列表。")
    return Response(entry.as_data())


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def done(request):
    """已办: what the user did in the last 30 days, newest first."""
    return Response({"items": [item.as_data() for item in done_for(request.user, timezone.now())]})
