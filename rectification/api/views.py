"""/api/cases/ (list, detail, propose, and each transition as a POST action with the same rules
as the pages) and /api/campaigns/. Refusals answer 400 {"detail": 中文}."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.models import Enterprise

from .. import services
from ..filters import CaseFilter
from ..forms import ConfirmStepForm, PhotoForm
from ..models import Campaign, CaseStep, EvidencePhoto
from ..views import _form_errors, case_list_queryset, run_action
from .serializers import (
    CampaignSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CaseStepSerializer,
    ProposeSerializer,
)


def refused(message):
    return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)


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
            return refused("请提供企业（enterprise）和专项行动（campaign）的编号。")
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
            return refused("企业不存在或不在您的管辖范围内。")
        if campaign is None:
            return refused("专项行动不存在或不适用于您的辖区。")
        try:
            case = services.propose_case(
                enterprise,
                campaign=campaign,
                by=request.user,
                note=serializer.validated_data["note"],
            )
        except services.TransitionRefused as refusal:
            return refused(refusal.message)
        response = self._detail(case)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _transition(self, request, name):
        case = self.get_object()
        version = request.data.get("version")
        if version not in (None, ""):
            try:
                case.version = int(version)
            except (TypeError, ValueError):
                return refused("version 必须是整数。")
        try:
            run_action(case, name, request.data, request.user)
        except services.TransitionRefused as refusal:
            return refused(refusal.message)
        return self._detail(case)

    @action(detail=True, methods=["post"])
    def determine(self, request, pk=None):
        """认定: disposal, requirement, measures, responsible_unit, responsible_person, deadline."""
        return self._transition(request, "determine")

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(request, "start")

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, "submit")

    @action(detail=True, methods=["post"], url_path="fail-verification")
    def fail_verification(self, request, pk=None):
        return self._transition(request, "fail_verification")

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition(request, "close")

    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition(request, "reopen")

    @action(detail=True, methods=["post"])
    def shortfall(self, request, pk=None):
        return self._transition(request, "shortfall")

    @action(detail=True, methods=["post"], url_path="flag-quasi")
    def flag_quasi(self, request, pk=None):
        return self._transition(request, "flag_quasi")

    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._transition(request, "extend")

    def _step(self, pk, step_pk):
        case = self.get_object()
        return get_object_or_404(CaseStep, pk=step_pk, case=case)

    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step_pk>\d+)/confirm")
    def confirm_step(self, request, pk=None, step_pk=None):
        """Multipart: done_on, confirming_person, note, photos (files)."""
        step = self._step(pk, step_pk)
        form = ConfirmStepForm(request.data, request.FILES)
        if not form.is_valid():
            return refused(_form_errors(form))
        try:
            step = services.confirm_step(
                step,
                by=request.user,
                done_on=form.cleaned_data["done_on"],
                confirming_person=form.cleaned_data["confirming_person"],
                note=form.cleaned_data["note"],
                photos=form.cleaned_data["photos"],
            )
        except services.TransitionRefused as refusal:
            return refused(refusal.message)
        return Response(CaseStepSerializer(step, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step_pk>\d+)/photos")
    def step_photos(self, request, pk=None, step_pk=None):
        step = self._step(pk, step_pk)
        form = PhotoForm(request.data, request.FILES)
        if not form.is_valid():
            return refused(_form_errors(form))
        try:
            services.add_step_photos(step, by=request.user, photos=form.cleaned_data["photos"])
        except services.TransitionRefused as refusal:
            return refused(refusal.message)
        step = CaseStep.objects.prefetch_related("photos").get(pk=step.pk)
        return Response(
            CaseStepSerializer(step, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
