"""/api/export-jobs/: the same long exports as the 导出任务 page — ask, poll, download.

A user sees only their own jobs, and only inside their area (404 otherwise)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.files import serve_stored_file
from accounts.models import Region
from accounts.scoping import get_visible_or_404
from accounts.sheets import XLSX_CONTENT_TYPE

from ..exports import jobs as export_jobs
from ..models import ExportJob
from ..periods import InvalidPeriod, Period


class ExportJobSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id", "kind", "title", "region_code", "parameters", "state", "state_display",
            "rows_done", "rows_total", "percent", "filename", "error", "created_at",
            "started_at", "finished_at", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.state != ExportJob.State.DONE:
            return None
        request = self.context.get("request")
        path = f"/api/export-jobs/{job.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class ExportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        label="导出内容",
        choices=[(export_jobs.KIND_LEDGER, "排查台账"), (export_jobs.KIND_TABLE, "报表")],
        error_messages={"invalid_choice": "导出内容只能是 ledger（排查台账）或 table（报表）。"},
    )
    query = serializers.CharField(
        label="台账筛选条件（与台账列表相同的查询串）", required=False, allow_blank=True
    )
    table = serializers.CharField(label="报表代码", required=False)
    region = serializers.CharField(label="区域代码", required=False)
    period = serializers.CharField(label="报送期间 YYYY-MM", required=False)


class ExportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ExportJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ExportJob.objects.none()
        return ExportJob.objects.owned_by(self.request.user).select_related("region")

    @extend_schema(request=ExportRequestSerializer, responses={201: ExportJobSerializer})
    def create(self, request):
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        if data["kind"] == export_jobs.KIND_LEDGER:
            job = export_jobs.request_ledger_export(by=user, query=data.get("query", ""))
        else:
            if not data.get("table"):
                raise ValidationError({"table": ["请指定报表代码。"]})
            code = data.get("region")
            region = (
                get_visible_or_404(Region.objects.all(), user, code=code) if code else user.region
            )
            if region is None:
                raise ValidationError({"region": ["请指定区域代码。"]})
            try:
                period = Period.parse(data.get("period") or Period.due_now().key)
            except InvalidPeriod as error:
                raise ValidationError({"period": [str(error)]}) from error
            job = export_jobs.request_table_export(
                by=user, key=data["table"], region=region, period=period
            )
        return Response(
            ExportJobSerializer(job, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def retrieve(self, request, *args, **kwargs):
        """One job; polling it also resumes or fails it when its worker is gone, and queues it
        again when its message is (jobs.sweep_jobs), so a client's poll never waits for ever."""
        job = export_jobs.expire_if_stale(self.get_object())
        return Response(ExportJobSerializer(job, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={201: ExportJobSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """重新生成: a failed job asked again with the same parameters; answers the new job."""
        job = export_jobs.retry_export(self.get_object(), by=request.user)
        return Response(
            ExportJobSerializer(job, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if job.state != ExportJob.State.DONE or not job.file:
            raise Http404("文件尚未生成。")
        return serve_stored_file(job.file, filename=job.filename or "导出.xlsx")
