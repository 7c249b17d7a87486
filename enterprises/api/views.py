"""/api/enterprises/: list, retrieve, create and update ledger rows, plus each row's history.

The same FilterSet as the browser list, the same area scoping (404 outside the user's
area), the same services (duplicate guard, roles) and the same case columns.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import Region

from .. import services
from ..filters import EnterpriseFilter
from ..history import history_entries
from ..ledger import case_columns_provider, prepare_ledger_queryset
from ..models import Enterprise
from .serializers import EnterpriseSerializer, HistoryEntrySerializer


def validation_refusal(exc):
    """A model's full_clean errors as the API's 400 (service refusals go to the handler)."""
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    queryset = Enterprise.objects.all()

    def get_queryset(self):
        self.case_provider = case_columns_provider()
        return prepare_ledger_queryset(
            Enterprise.objects.visible_to(self.request.user), self.case_provider
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["case_provider"] = getattr(self, "case_provider", None) or case_columns_provider()
        return context

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_similar", False)
        data.pop("version", None)
        if "township" not in data:
            # A township's staff may leave out their own township.
            region = self.request.user.region
            if region is not None and region.level == Region.Level.TOWNSHIP:
                data["township"] = region
        try:
            serializer.instance = services.create_enterprise(
                data, by=self.request.user, confirm_similar=confirm
            )
        except DjangoValidationError as exc:
            raise validation_refusal(exc) from None

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_similar", False)
        version = data.pop("version", None)
        try:
            serializer.instance = services.update_enterprise(
                serializer.instance,
                data,
                by=self.request.user,
                confirm_similar=confirm,
                version=version,
            )
        except DjangoValidationError as exc:
            raise validation_refusal(exc) from None

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Every change of the row: who, when, and each field old → new."""
        enterprise = self.get_object()
        entries = [
            {
                **entry,
                "changes": [
                    {"field": label, "old": old, "new": new} for label, old, new in entry["changes"]
                ],
            }
            for entry in history_entries(enterprise)
        ]
        return Response(HistoryEntrySerializer(entries, many=True).data)
