"""/api/submissions/ and /api/report-tables/: the same scoping, rules and services as the pages."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import Region
from accounts.scoping import AreaScopedMixin, get_visible_or_404
from accounts.sheets import XLSX_CONTENT_TYPE, report_bytes

from ..models import Submission
from ..periods import InvalidPeriod, Period
from ..submissions import services
from ..submissions.filters import SubmissionFilter
from ..submissions.workbooks import export_filename, submission_report, xlsx_response
from ..tables import all_tables, get_table
from .serializers import (
    ReportTableDataSerializer,
    ReportTableSerializer,
    ResubmitSerializer,
    ReturnSerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
    SubmitSerializer,
)


def parse_period(text):
    try:
        return Period.parse(text)
    except InvalidPeriod as error:
        raise ValidationError({"period": [str(error)]}) from error


class SubmissionViewSet(AreaScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Submissions in the user's area. POST submits a table; actions accept / return / resubmit."""

    queryset = Submission.objects.select_related(
        "region", "organisation", "signed_by", "submitted_by"
    )
    filterset_class = SubmissionFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            # The list serializer has no snapshot; reading it would fetch a whole table per row.
            return queryset.defer("snapshot")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return SubmissionDetailSerializer
        return {
            "create": SubmitSerializer,
            "resubmit": ResubmitSerializer,
            "return_": ReturnSerializer,
        }.get(self.action, SubmissionSerializer)

    def created(self, submission):
        return Response(
            SubmissionDetailSerializer(submission, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=SubmitSerializer, responses={201: SubmissionDetailSerializer})
    def create(self, request):
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        period = parse_period(data["period"])
        user = request.user
        if data.get("region"):
            region = get_visible_or_404(Region.objects.all(), user, code=data["region"])
        elif user.region is not None:
            region = user.region
        else:
            raise ValidationError({"region": ["请指定报送区域。"]})
        submission = services.submit_table(
            data["table"], region, period, by=user, signed_by=data.get("signed_by") or user
        )
        return self.created(submission)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        submission = services.accept_submission(self.get_object(), by=request.user)
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=ReturnSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.return_submission(
            self.get_object(), by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=ResubmitSerializer, responses={201: SubmissionDetailSerializer})
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        serializer = ResubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.resubmit(
            self.get_object(),
            by=request.user,
            signed_by=serializer.validated_data.get("signed_by") or request.user,
        )
        return self.created(submission)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): bytes})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        submission = self.get_object()
        return xlsx_response(
            report_bytes(submission_report(submission)),
            export_filename(
                submission.title, submission.period_label, f"_第{submission.version}版"
            ),
        )


class ReportTableViewSet(viewsets.ViewSet):
    """The registered tables; retrieve computes one live for ?region=<code>&period=YYYY-MM."""

    lookup_field = "key"
    lookup_value_regex = "[a-z_]+"
    serializer_class = ReportTableSerializer

    @extend_schema(responses=ReportTableSerializer(many=True))
    def list(self, request):
        return Response(
            [
                {
                    "key": table.key,
                    "name": table.name,
                    "source": table.source,
                    "deadline_day": table.deadline_day,
                    "submit_levels": sorted(table.submit_levels),
                }
                for table in all_tables()
            ]
        )

    @extend_schema(
        responses=ReportTableDataSerializer,
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH, description="报表代码"),
            OpenApiParameter("region", str, description="区域代码（默认本单位所在区域）"),
            OpenApiParameter(
                "period",
                str,
                description="报送期间 YYYY-MM（默认当前报送期：上月，本月23日前3天起为本月）",
            ),
        ],
    )
    def retrieve(self, request, key=None):
        table = get_table(key)
        if table is None:
            raise Http404("没有这张报表。")
        user = request.user
        code = request.query_params.get("region")
        region = get_visible_or_404(Region.objects.all(), user, code=code) if code else user.region
        if region is None:
            raise ValidationError({"region": ["请指定区域代码。"]})
        if not table.can_view(region):
            raise ValidationError(
                {"region": [f"“{table.name}”不能按{region.get_level_display()}查看。"]}
            )
        period = parse_period(request.query_params.get("period") or Period.due_now().key)
        data = table.freeze(region, period)
        return Response(
            {
                "table": table.key,
                "title": table.title_for(region),
                "region": region.code,
                "period": period.key,
                "columns": [
                    {"label": c.label, "group": c.group} for c in table.columns_for(region)
                ],
                "rows": data.rows,
                "totals": data.totals,
            }
        )
