"""/api/power-alerts/, /api/power-readings/ (upload preview and commit, unmatched accounts,
link): the same services as the pages; refusals become 400 through the one handler."""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Region
from accounts.scoping import get_visible_or_404
from enterprises.models import Enterprise

from .. import alerts as alert_services
from .. import imports, linking
from ..filters import PowerAlertFilter, alert_queryset
from ..models import ConsumptionBatch
from ..resolving import inspection_for_alert
from .serializers import (
    BatchSerializer,
    CommitSerializer,
    LinkSerializer,
    PowerAlertDetailSerializer,
    PowerAlertSerializer,
    ResolveSerializer,
    UploadSerializer,
)


class PowerAlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """用电异常预警: list (the page's filters), detail with the triggering readings, 安排回头看,
    核查 (resolve with an inspection)."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = PowerAlertFilter

    def get_queryset(self):
        queryset = alert_queryset(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("readings")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PowerAlertDetailSerializer
        if self.action == "resolve":
            return ResolveSerializer
        return PowerAlertSerializer

    @action(detail=True, methods=["post"], url_path="arrange-look-back")
    def arrange_look_back(self, request, pk=None):
        alert = alert_services.arrange_look_back(self.get_object(), by=request.user)
        return Response(PowerAlertSerializer(alert).data)

    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        alert = self.get_object()
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inspection = inspection_for_alert(serializer.validated_data["inspection"], request.user)
        alert = alert_services.resolve_alert(
            alert,
            by=request.user,
            inspection=inspection,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(PowerAlertSerializer(alert).data)


class ConsumptionImportViewSet(viewsets.GenericViewSet):
    """The consumption upload: POST a file → the preview (problems by row and column);
    GET <token> → the preview again; POST <token>/commit → keep the readings."""

    serializer_class = BatchSerializer
    # Never listed: each batch is read through own_batch (its uploader only); this tells the
    # schema the token's type.
    queryset = ConsumptionBatch.objects.none()
    lookup_field = "token"

    def create(self, request):
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        area = serializer.validated_data.get("area")
        if area:
            area = get_object_or_404(Region, code=area)
        batch = imports.stage_consumption(
            serializer.validated_data["file"], by=request.user, area=area or None
        )
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, token=None):
        return Response(BatchSerializer(imports.own_batch(token, request.user)).data)

    @action(detail=True, methods=["post"])
    def commit(self, request, token=None):
        batch = imports.own_batch(token, request.user)
        serializer = CommitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = imports.commit_consumption(
            batch, by=request.user, good_rows_only=serializer.validated_data["good_rows_only"]
        )
        return Response(BatchSerializer(batch).data)

    @action(detail=False, methods=["get"])
    def unmatched(self, request):
        imports.check_can_upload(request.user)
        page = self.paginate_queryset(linking.unmatched_accounts(request.user))
        return self.get_paginated_response(linking.with_suggestions(page, request.user))

    @action(detail=False, methods=["post"])
    def link(self, request):
        serializer = LinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = get_visible_or_404(
            Enterprise.objects.all(), request.user, pk=serializer.validated_data["enterprise"]
        )
        raised = linking.link_account(
            serializer.validated_data["account_number"], enterprise, by=request.user
        )
        return Response({"alerts": raised}, status=status.HTTP_201_CREATED)
