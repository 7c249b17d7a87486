"""/api/enterprises/: list, retrieve, create and update ledger rows, plus each row's history.

The same FilterSet as the browser list, the same area scoping (404 outside the user's
area), the same services (duplicate guard, roles) and the same case columns.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Region

from .. import services
from ..filters import EnterpriseFilter
from ..history import history_entries
from ..ledger import case_columns_provider, prepare_ledger_queryset
from ..models import Enterprise
from .serializers import EnterpriseSerializer, HistoryEntrySerializer


class RefusedByRules(Exception):
    """A service refusal, answered as 400 with its data kept typed (ids stay numbers)."""

    def __init__(self, data):
        super().__init__(data)
        self.data = data


def refusal_as_validation_error(exc):
    errors = {}
    for field, messages in services.refusal_errors(exc).items():
        errors[field or "non_field_errors"] = messages
    if isinstance(exc, services.DuplicateCreditCode):
        errors["existing"] = {
            "name": exc.existing.name,
            "township": exc.existing.township.name,
            "id": exc.existing.pk if exc.visible else None,
        }
    if isinstance(exc, services.SimilarEnterprisesFound):
        errors["similar"] = [
            {"id": other.pk, "name": other.name, "address": other.address, "reason": reason}
            for other, reason in exc.similar
        ]
    return RefusedByRules(errors)


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

    def handle_exception(self, exc):
        if isinstance(exc, RefusedByRules):
            return Response(exc.data, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

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
        except (services.EnterpriseRefused, DjangoValidationError) as exc:
            raise refusal_as_validation_error(exc) from None

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
        except (services.EnterpriseRefused, DjangoValidationError) as exc:
            raise refusal_as_validation_error(exc) from None

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
