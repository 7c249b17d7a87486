"""/api/cases/ (list, detail, propose, and every transition of the table as a POST action with
the same form and rules as the pages) /api/campaigns/ and /api/urgings/ (催办). Refusals are answered by the
project's exception handler: 400 {"detail": 中文, <field>: [中文]}."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.refusals import Refused
from enterprises.models import Enterprise

from .. import workflow
from ..filters import CaseFilter
from ..models import Campaign, CaseStep, EvidencePhoto, Urging
from ..urging import urge_unit
from ..views import case_list_queryset
from ..workflow import CASE_TRANSITIONS
from .serializers import (
    BulkCloseSerializer,
    CampaignSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CaseStepSerializer,
    ProposeSerializer,
    UrgingSerializer,
)

# /api/cases/{id}/<path>/ for every transition of the table, e.g. fail-verification.
TRANSITION_BY_PATH = {transition.url_path: transition for transition in CASE_TRANSITIONS.values()}
TRANSITION_PATHS = "|".join(sorted(TRANSITION_BY_PATH))


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer

    def get_queryset(self):
        return (
            Campaign.objects.visible_to(self.request.user)
            .select_related("closure_checklist", "region")
            .prefetch_related("phases", "closure_checklist__steps")
            .order_by("-year", "name")
        )


class CaseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = CaseFilter

    def get_queryset(self):
        queryset = case_list_queryset(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "steps",
                    queryset=CaseStep.objects.select_related("confirming_unit").prefetch_related(
                        Prefetch("photos", queryset=EvidencePhoto.objects.order_by("id"))
                    ),
                ),
                "events__actor",
                "extensions__approver",
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return ProposeSerializer
        if self.action == "list":
            return CaseSerializer
        return CaseDetailSerializer

    def _detail(self, case):
        return Response(
            CaseDetailSerializer(
                self.get_queryset().get(pk=case.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=ProposeSerializer, responses=CaseDetailSerializer)
    def create(self, request, *args, **kwargs):
        serializer = ProposeSerializer(data=request.data)
        if not serializer.is_valid():
            raise Refused("请提供企业（enterprise）和专项行动（campaign）的编号。")
        enterprise = (
            Enterprise.objects.visible_to(request.user)
            .filter(pk=serializer.validated_data["enterprise"])
            .first()
        )
        campaign = (
            Campaign.objects.visible_to(request.user)
            .filter(pk=serializer.validated_data["campaign"])
            .first()
        )
        if enterprise is None:
            raise Refused("企业不存在或不在您的管辖范围内。", field="enterprise")
        if campaign is None:
            raise Refused("专项行动不存在或不适用于您的辖区。", field="campaign")
        case = workflow.propose_case(
            enterprise,
            campaign=campaign,
            by=request.user,
            note=serializer.validated_data["note"],
        )
        response = self._detail(case)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        operation_id="cases_transition",
        request=OpenApiTypes.OBJECT,
        responses=CaseDetailSerializer,
        parameters=[
            OpenApiParameter(
                "transition",
                str,
                OpenApiParameter.PATH,
                enum=sorted(TRANSITION_BY_PATH),
                description="；".join(
                    f"{t.url_path}：{t.label}" for t in TRANSITION_BY_PATH.values()
                ),
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path=f"(?P<transition>{TRANSITION_PATHS})")
    def transition(self, request, pk=None, transition=None):
        """A transition of the case, with the same input fields as the case page's form
        (determine: disposal, requirement, measures, responsible_unit, responsible_person,
        deadline or working_days …; fail-verification: note, failed_steps (the ids of the
        steps to redo, at least one), new_deadline or working_days; the others: note; `version`
        for the stale-edit check)."""
        case = self.get_object()
        workflow.run_transition(
            case, TRANSITION_BY_PATH[transition].key, request.data, request.user
        )
        return self._detail(case)

    @extend_schema(request=BulkCloseSerializer, responses=CaseSerializer(many=True))
    @action(
        detail=False,
        methods=["post"],
        url_path="bulk-close",
        filter_backends=[],
        pagination_class=None,
    )
    def bulk_close(self, request):
        """验收销号 of many 待验收 cases with one note, by the same rule as each case's close:
        all closed, or a 400 naming the refused case and none closed; a case outside the
        user's area answers 404."""
        closed = workflow.run_bulk_close(request.data, request.user)
        cases = self.get_queryset().filter(pk__in=[case.pk for case in closed])
        return Response(
            CaseSerializer(cases, many=True, context=self.get_serializer_context()).data
        )

    def _step(self, pk, step_pk):
        case = self.get_object()
        return get_object_or_404(CaseStep, pk=step_pk, case=case)

    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step_pk>\d+)/confirm")
    def confirm_step(self, request, pk=None, step_pk=None):
        """Multipart: done_on, confirming_person, note, photos (files)."""
        step = workflow.run_step_confirmation(
            self._step(pk, step_pk), request.data, request.FILES, request.user
        )
        return Response(CaseStepSerializer(step, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step_pk>\d+)/photos")
    def step_photos(self, request, pk=None, step_pk=None):
        step = self._step(pk, step_pk)
        workflow.run_step_photos(step, request.data, request.FILES, request.user)
        step = CaseStep.objects.prefetch_related("photos").get(pk=step.pk)
        return Response(
            CaseStepSerializer(step, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class UrgingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """催办记录 in the user's area; POST {unit, note} urges the unit about its overdue cases."""

    serializer_class = UrgingSerializer

    def get_queryset(self):
        return (
            Urging.objects.visible_to(self.request.user)
            .select_related("office", "unit", "urged_by")
            .prefetch_related("cases")
            .order_by("-created_at", "-id")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        urging = urge_unit(
            serializer.validated_data["unit"],
            by=request.user,
            note=serializer.validated_data.get("note", ""),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=urging.pk)).data,
            status=status.HTTP_201_CREATED,
        )
