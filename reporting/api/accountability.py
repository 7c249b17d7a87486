"""/api/accountability/ (the computed ledger, read-only) and /api/accountability-actions/
(recorded 提醒 / 约谈 / 通报; POST multipart records one through the same service as the page)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounts.api.parsers import FormParser, MultiPartParser
from accounts.models import Organisation
from accounts.scoping import AreaScopedMixin, get_visible_or_404

from ..accountability.filters import AccountabilityActionFilter
from ..accountability.ledger import accountability_list
from ..accountability.services import record_action
from ..dashboard.figures import check_dashboard_access, dashboard_region
from ..models.accountability import AccountabilityAction, AccountabilityKind


class AccountabilityActionSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.display_name", read_only=True)
    notice_url = serializers.SerializerMethodField()

    class Meta:
        model = AccountabilityAction
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "kind",
            "kind_display",
            "taken_on",
            "person",
            "reason",
            "recorded_by_name",
            "recorded_at",
            "notice_url",
        ]

    def get_notice_url(self, action) -> str:
        from django.urls import reverse

        return reverse("reporting:accountability_notice", args=[action.pk])


class RecordActionSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(label="被问责单位编号")
    kind = serializers.ChoiceField(
        label="问责方式",
        choices=AccountabilityKind.choices,
        error_messages={"invalid_choice": "问责方式只能是提醒、约谈或通报。"},
    )
    taken_on = serializers.DateField(label="日期")
    person = serializers.CharField(
        label="责任人",
        required=False,
        allow_blank=True,
        max_length=AccountabilityAction._meta.get_field("person").max_length,
        error_messages={"max_length": "责任人不能超过 {max_length} 个字。"},
    )
    reason = serializers.CharField(label="问责事由")
    notice = serializers.FileField(label="通知文书")


class AccountabilityActionViewSet(
    AreaScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    queryset = AccountabilityAction.objects.select_related("organisation", "recorded_by")
    filterset_class = AccountabilityActionFilter
    parser_classes = [MultiPartParser, FormParser]

    def get_serializer_class(self):
        return RecordActionSerializer if self.action == "create" else AccountabilityActionSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_dashboard_access(request.user)

    @extend_schema(request=RecordActionSerializer, responses={201: AccountabilityActionSerializer})
    def create(self, request):
        serializer = RecordActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = get_visible_or_404(
            Organisation.objects.select_related("region"),
            request.user,
            pk=data.pop("organisation"),
        )
        action = record_action(unit, by=request.user, **data)
        return Response(AccountabilityActionSerializer(action).data, status=status.HTTP_201_CREATED)


class UnitAccountSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation.pk")
    organisation_name = serializers.CharField(source="organisation.name")
    region_name = serializers.CharField(source="organisation.region.name")
    persons = serializers.CharField(source="persons_display")
    overdue_cases = serializers.IntegerField()
    days_overdue = serializers.IntegerField()
    late_submissions = serializers.IntegerField()
    returned_submissions = serializers.IntegerField()
    relapses = serializers.IntegerField()
    hidden_finds = serializers.IntegerField()
    score = serializers.IntegerField()
    actions = serializers.IntegerField()
    last_action_on = serializers.DateField(allow_null=True)


class AccountabilityViewSet(viewsets.ViewSet):
    """The 问责台账, worst first, for the user's area or ?region=<code> inside it."""

    serializer_class = UnitAccountSerializer

    @extend_schema(
        responses=UnitAccountSerializer(many=True),
        parameters=[OpenApiParameter("region", str, description="区域代码（县及以上）")],
    )
    def list(self, request):
        user = request.user
        check_dashboard_access(user)
        region = dashboard_region(user, request.query_params.get("region"))
        accounts = accountability_list(user, region, timezone.localdate())
        return Response(UnitAccountSerializer(accounts, many=True).data)
