"""/api/enterprises/: list, retrieve, create and update ledger rows, plus each row's history;
/api/ledger-imports/: the Excel import (upload → preview → commit → the problem rows).

The same FilterSet as the browser list, the same area scoping (404 outside the user's
area), the same services (duplicate guard, roles, the import) and the same case columns.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api.serializers import RefusalSerializer
from accounts.models import Region
from accounts.refusals import Refused
from accounts.sheets import XLSX_CONTENT_TYPE, report_file

from .. import services
from ..filters import EnterpriseFilter
from ..history import history_entries
from ..imports import services as imports
from ..imports.problems import problems_filename, problems_report
from ..ledger import case_columns_provider, prepare_ledger_queryset
from ..models import Enterprise, ImportBatch
from .serializers import (
    EnterpriseDetailSerializer,
    EnterpriseSerializer,
    HistoryEntrySerializer,
    ImportBatchSerializer,
    ImportCommitSerializer,
    ImportUploadSerializer,
)

VERSION_REQUIRED_MESSAGE = (
    "修改企业信息须附上读取时的版本 version（即该记录的 updated_at）："
    "请先读取这条记录，再把其中的 updated_at 作为 version 一并提交，以免覆盖他人的修改。"
)


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
        ).prefetch_related("electricity_accounts")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return EnterpriseDetailSerializer
        return super().get_serializer_class()

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
        if version is None:
            # Without the version read, of two edits the first would be silently lost.
            services.check_can_edit(self.request.user)
            raise services.StaleVersion(VERSION_REQUIRED_MESSAGE, field="version")
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


FORBIDDEN = OpenApiResponse(description="您的角色不能导入台账。")
NOT_FOUND = OpenApiResponse(description="没有这个批次，或批次不是您上传的。")


class LedgerImportViewSet(viewsets.GenericViewSet):
    """/api/ledger-imports/: the Excel import as the page does it. Upload a 附件1 file → the
    preview; commit all rows, or the good rows only; download the flagged rows to fix.

    The same services as the page: the same roles, area limits and refusals, and a batch is
    seen by its uploader only (404 for anyone else)."""

    lookup_field = "token"
    lookup_value_regex = "[A-Za-z0-9_-]+"
    serializer_class = ImportBatchSerializer
    queryset = ImportBatch.objects.none()
    filter_backends = ()
    pagination_class = None

    def get_object(self):
        return imports.own_batch(self.kwargs["token"], self.request.user)

    def preview(self, batch, status_code=status.HTTP_200_OK):
        return Response(
            ImportBatchSerializer(batch, context=self.get_serializer_context()).data,
            status=status_code,
        )

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportBatchSerializer, 400: RefusalSerializer, 403: FORBIDDEN},
    )
    def create(self, request):
        """Upload a ledger file: nothing is written to the ledger until the commit. As on the
        page, choose the campaign the cases go into (default: the active one covering the
        township) and, as the county office, 按台账建档."""
        imports.check_can_import(request.user)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        township = upload.validated_data.get("township")
        own_region = request.user.region
        if own_region is not None and own_region.level == Region.Level.TOWNSHIP:
            # As on the page, a township's staff import into their own township only.
            if township is not None and township != own_region:
                raise Refused("乡镇用户只能导入本乡镇的台账。", field="township")
            township = own_region
        batch = imports.stage_import(
            upload.validated_data["file"],
            township=township,
            by=request.user,
            campaign=upload.validated_data.get("campaign"),
            establish=upload.validated_data["establish"],
        )
        return self.preview(batch, status.HTTP_201_CREATED)

    @extend_schema(responses={200: ImportBatchSerializer, 404: NOT_FOUND})
    def retrieve(self, request, token=None):
        """The preview of one's own upload: every row, problem and warning, and the counts."""
        return self.preview(self.get_object())

    @extend_schema(
        request=ImportCommitSerializer,
        responses={200: ImportBatchSerializer, 400: RefusalSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, token=None):
        """Create the batch's new enterprises: all of them, or the rows without problems only."""
        options = ImportCommitSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        batch = imports.commit_import(
            self.get_object(),
            by=request.user,
            good_rows_only=options.validated_data["good_rows_only"],
        )
        return self.preview(batch)

    @extend_schema(
        operation_id="ledger_imports_problems_file",
        responses={(200, XLSX_CONTENT_TYPE): bytes, 400: RefusalSerializer, 404: NOT_FOUND},
    )
    def problems(self, request, token=None):
        """The flagged rows as 附件1 with a 问题说明 column; fix them and upload the file again."""
        batch = self.get_object()
        report = problems_report(batch, user=request.user)
        return FileResponse(
            report_file(report),
            as_attachment=True,
            filename=problems_filename(batch),
            content_type=XLSX_CONTENT_TYPE,
        )

    def perform_content_negotiation(self, request, force=False):
        # A client asking for the file by its type (Accept: …spreadsheetml.sheet) gets it, and a
        # refusal is still answered as JSON: no renderer is needed for the file itself.
        return super().perform_content_negotiation(
            request, force=force or self.action == "problems"
        )
