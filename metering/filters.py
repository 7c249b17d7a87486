"""The one FilterSet of the alert list, shared by the page and the API."""

import django_filters

from .models import AlertRule, AlertState, PowerAlert


class PowerAlertFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="状态",
        choices=[("open", "待处理（待核查或已安排）"), *AlertState.choices],
        method="filter_state",
    )
    rule = django_filters.ChoiceFilter(label="预警类型", choices=AlertRule.choices)
    month = django_filters.DateFilter(label="所属月份", field_name="period_month")
    enterprise = django_filters.NumberFilter(label="企业", field_name="enterprise_id")

    class Meta:
        model = PowerAlert
        fields = ["state", "rule", "month", "enterprise"]

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
