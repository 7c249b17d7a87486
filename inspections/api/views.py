"""/api/inspections/, /api/tips/, /api/supervision-transfers/ and /api/spot-check-coverage/:
the same FilterSets and area scoping as the pages, state changes through the services."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from accounts.models import Region
from accounts.scoping import AreaScopedMixin, ensure_in_area

from ..filters import InspectionFilter, SupervisionTransferFilter, TipFilter
from ..models import (
    INSPECTION_LIST_ORDER,
    TIP_LIST_ORDER,
    Inspection,
    SpotCheckDraw,
    SpotCheckRound,
    SupervisionTransfer,
    TeamMember,
    Tip,
)
from ..services import (
    assign_tip,
    complete_transfer,
    file_tip,
    plan_spot_check_round,
    publish_tip_outcome,
    record_inspection,
    redraw_spot_check_sample,
    transfer_problem,
)
from ..stats import round_coverage, round_coverage_totals, spot_check_coverage
from .serializers import (
    InspectionCreateSerializer,
    InspectionSerializer,
    RedrawSerializer,
    SpotCheckRoundSerializer,
    SupervisionTransferSerializer,
    TipAssignSerializer,
    TipDetailSerializer,
    TipIntakeSerializer,
    TipListSerializer,
    TipPublishSerializer,
    TransferCompleteSerializer,
)


class InspectionViewSet(
    AreaScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = (
        Inspection.objects.select_related("organisation", "team", "enterprise", "township", "tip")
        .prefetch_related(
            Prefetch("team__members", queryset=TeamMember.objects.order_by("id")), "photos"
        )
        .order_by(*INSPECTION_LIST_ORDER)
    )
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def get_serializer_class(self):
        return InspectionCreateSerializer if self.action == "create" else InspectionSerializer

    def create(self, request, *args, **kwargs):
        serializer = InspectionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        inspection = record_inspection(by=request.user, **serializer.service_arguments())
        inspection = self.get_queryset().get(pk=inspection.pk)
        return Response(
            InspectionSerializer(inspection, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class TipViewSet(
    AreaScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    # The list never loads the reporter's columns.
    queryset = Tip.objects.select_related("county", "township", "assigned_organisation").order_by(
        *TIP_LIST_ORDER
    )
    filterset_class = TipFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = queryset.defer("reporter_name", "reporter_contact")
        elif self.action == "retrieve":
            queryset = queryset.prefetch_related("verifications")
        return queryset

    def get_serializer_class(self):
        return {
            "list": TipListSerializer,
            "create": TipIntakeSerializer,
            "assign": TipAssignSerializer,
            "publish": TipPublishSerializer,
        }.get(self.action, TipDetailSerializer)

    def create(self, request, *args, **kwargs):
        serializer = TipIntakeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        tip = file_tip(by=request.user, **serializer.validated_data)
        return Response(
            TipDetailSerializer(tip, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        tip = self.get_object()
        serializer = TipAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip = assign_tip(tip, by=request.user, **serializer.validated_data)
        return Response(TipDetailSerializer(tip, context={"request": request}).data)

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        tip = self.get_object()
        serializer = TipPublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip = publish_tip_outcome(tip, by=request.user, **serializer.validated_data)
        return Response(TipDetailSerializer(tip, context={"request": request}).data)


class SupervisionTransferViewSet(
    AreaScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = SupervisionTransfer.objects.select_related("township", "enterprise")
    serializer_class = SupervisionTransferSerializer
    filterset_class = SupervisionTransferFilter

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = transfer_problem(
            by=self.request.user,
            enterprise=data["enterprise"],
            requirement=data["requirement"],
            problem=data["problem"],
            transferred_on=data["transferred_on"],
            responsible_person=data.get("responsible_person", ""),
            inspection=data.get("inspection"),
        )

    @action(detail=True, methods=["post"], serializer_class=TransferCompleteSerializer)
    def complete(self, request, pk=None):
        transfer = self.get_object()
        serializer = TransferCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transfer = complete_transfer(
            transfer,
            by=request.user,
            completed_on=serializer.validated_data["completed_on"],
            note=serializer.validated_data.get("note", ""),
        )
        return Response(SupervisionTransferSerializer(transfer, context={"request": request}).data)


class SpotCheckRoundViewSet(
    AreaScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Spot-check rounds; creating one draws its sample (≥ 20% per township) in the service."""

    queryset = SpotCheckRound.objects.select_related("county", "organisation").prefetch_related(
        # The population snapshot can be thousands of rows: the API gives its size only.
        Prefetch(
            "draws",
            queryset=SpotCheckDraw.objects.select_related("drawn_by").defer("population"),
        ),
        "targets",
    )
    serializer_class = SpotCheckRoundSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        created = plan_spot_check_round(
            by=self.request.user,
            county=data["county"],
            name=data["name"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            target_share=data.get("target_share", "0.20"),
            seed=data.get("seed"),
        )
        serializer.instance = self.get_queryset().get(pk=created.pk)

    @extend_schema(request=RedrawSerializer, responses=SpotCheckRoundSerializer)
    @action(detail=True, methods=["post"])
    def redraw(self, request, pk=None):
        """重新抽取: a new version of the sample (reason required); earlier versions are kept."""
        spot_check_round = self.get_object()
        query = RedrawSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        redraw_spot_check_sample(
            spot_check_round,
            by=request.user,
            reason=query.validated_data["reason"],
            seed=query.validated_data.get("seed"),
        )
        fresh = self.get_queryset().get(pk=spot_check_round.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        """Per township: ledger, required (≥ share), drawn and actually inspected."""
        spot_check_round = self.get_object()
        rows = round_coverage(spot_check_round, request.user.area_path or "")
        return Response(
            {
                "round": spot_check_round.pk,
                "version": spot_check_round.current_version,
                "rows": [row.as_dict() for row in rows],
                "totals": round_coverage_totals(rows),
            }
        )


class CoverageQuery(serializers.Serializer):
    region = serializers.CharField(required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)


@extend_schema(parameters=[CoverageQuery], responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def spot_check_coverage_view(request):
    """Per township: ledger enterprises, spot-checked enterprises, share, meets 20%."""
    query = CoverageQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    user = request.user
    today = timezone.localdate()
    code = query.validated_data.get("region")
    region = Region.objects.filter(code=code).first() if code else user.region
    if region is None:
        raise exceptions.ValidationError({"region": ["请给出区划代码 region。"]})
    try:
        ensure_in_area(user, region.path)
    except Http404 as refusal:
        raise exceptions.NotFound("不在您的管辖范围内。") from refusal
    start = query.validated_data.get("period_start") or today.replace(month=1, day=1)
    end = query.validated_data.get("period_end") or today
    if end < start:
        raise exceptions.ValidationError({"period_end": ["结束日期不能早于开始日期。"]})
    rows = spot_check_coverage(region, start, end)
    return Response(
        {
            "region": region.code,
            "period_start": start,
            "period_end": end,
            "rows": [row.as_dict() for row in rows],
        }
    )
