"""The one FilterSet of the alert list, shared by the page and the API."""

import datetime

import django_filters
from django import forms

from accounts.filters import EMPTY_CHOICE, StyledFilterSet, TownshipFilter

from .models import AlertRule, AlertState, PowerAlert


class PowerAlertFilter(StyledFilterSet):
    state = django_filters.ChoiceFilter(
        label="状态",
        choices=[("open", "待处理（待核查或已安排）"), *AlertState.choices],
        method="filter_state",
        empty_label=EMPTY_CHOICE,
    )
    rule = django_filters.ChoiceFilter(
        label="预警类型", choices=AlertRule.choices, empty_label=EMPTY_CHOICE
    )
    township = TownshipFilter(method="in_township")
    month = django_filters.CharFilter(
        label="所属月份",
        method="filter_month",
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text="如 2026-11",
    )
    # From the enterprise page's link: every alert of one ledger row.
    enterprise = django_filters.NumberFilter(
        label="企业", field_name="enterprise_id", widget=forms.HiddenInput
    )

    class Meta:
        model = PowerAlert
        fields = ["state", "rule", "township", "month", "enterprise"]

    def in_township(self, queryset, name, value):
        return queryset.within(value.path) if value else queryset

    def filter_month(self, queryset, name, value):
        """A month as the month picker sends it (2026-11) or any day of it (2026-11-01)."""
        try:
            day = datetime.date.fromisoformat(value.strip()[:7] + "-01")
        except ValueError:
            return queryset.none()
        return queryset.filter(period_month=day)

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(state__in=[AlertState.OPEN, AlertState.ARRANGED])
        return queryset.filter(state=value)


def alert_queryset(user):
    return (
        PowerAlert.objects.visible_to(user)
        .select_related("enterprise__township")
        .order_by("-period_month", "-id")
    )
