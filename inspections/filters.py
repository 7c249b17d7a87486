"""One FilterSet per list — inspections, tips, supervision transfers — shared by the browser
pages, the .xlsx export and the API."""

import django_filters
from django import forms
from django.db.models import Q

from accounts.filters import EMPTY_CHOICE, StyledFilterSet, TownshipFilter, YesNoFilter
from enterprises.search import enterprises_matching
from rectification.models import Requirement

from .models import (
    Inspection,
    InspectionResult,
    InspectionType,
    SupervisionTransfer,
    Tip,
    TipChannel,
    TipState,
)
from .models.supervision import DONE_STATUSES


class InspectionFilter(StyledFilterSet):
    inspection_type = django_filters.ChoiceFilter(
        choices=InspectionType.choices, label="检查类型", empty_label=EMPTY_CHOICE
    )
    result = django_filters.ChoiceFilter(
        choices=InspectionResult.choices, label="检查结果", empty_label=EMPTY_CHOICE
    )
    date_from = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="gte", label="检查日期从"
    )
    date_to = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="lte", label="检查日期至"
    )
    township = TownshipFilter()
    team = django_filters.CharFilter(
        field_name="team__name", lookup_expr="icontains", label="执法组"
    )
    q = django_filters.CharFilter(method="search", label="企业或地点")
    # From the enterprise detail page's link: every inspection of one ledger row.
    enterprise = django_filters.NumberFilter(
        field_name="enterprise_id", label="企业", widget=forms.HiddenInput
    )

    class Meta:
        model = Inspection
        fields = [
            "inspection_type",
            "result",
            "date_from",
            "date_to",
            "township",
            "team",
            "q",
            "enterprise",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The enterprise's name through the ledger's search index; the inspection's own place
        # text (a sweep of an unlisted site) by substring within the area's inspections.
        user = getattr(self.request, "user", None)
        lookup = "place__icontains" if value.upper() != value.lower() else "place__contains"
        return queryset.filter(
            Q(enterprise__in=enterprises_matching(user, value)) | Q(**{lookup: value})
        )


class TipFilter(StyledFilterSet):
    state = django_filters.ChoiceFilter(
        choices=TipState.choices, label="办理状态", empty_label=EMPTY_CHOICE
    )
    channel = django_filters.ChoiceFilter(
        choices=TipChannel.choices, label="举报渠道", empty_label=EMPTY_CHOICE
    )
    received_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label="受理日期从"
    )
    received_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label="受理日期至"
    )
    township = TownshipFilter()
    reward = YesNoFilter(label="有奖举报")
    receipt_number = django_filters.CharFilter(lookup_expr="iexact", label="受理编号")
    # From a 待办 list: the tips handed to one organisation.
    assigned_organisation = django_filters.NumberFilter(
        field_name="assigned_organisation_id", label="承办单位", widget=forms.HiddenInput
    )

    class Meta:
        model = Tip
        fields = [
            "state",
            "channel",
            "received_from",
            "received_to",
            "township",
            "reward",
            "assigned_organisation",
        ]


class SupervisionTransferFilter(StyledFilterSet):
    township = TownshipFilter(label="乡（镇）、办")
    requirement = django_filters.ChoiceFilter(
        choices=Requirement.choices, label="整治要求", empty_label=EMPTY_CHOICE
    )
    done = YesNoFilter(method="filter_done", label="已完成")
    transferred_from = django_filters.DateFilter(
        field_name="transferred_on", lookup_expr="gte", label="移交日期从"
    )
    transferred_to = django_filters.DateFilter(
        field_name="transferred_on", lookup_expr="lte", label="移交日期至"
    )
    q = django_filters.CharFilter(
        field_name="enterprise__name", lookup_expr="icontains", label="企业名称"
    )

    class Meta:
        model = SupervisionTransfer
        fields = ["township", "requirement", "done", "transferred_from", "transferred_to", "q"]

    def filter_done(self, queryset, name, value):
        if value:
            return queryset.filter(status__in=DONE_STATUSES)
        return queryset.exclude(status__in=DONE_STATUSES)
