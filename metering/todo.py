"""The 待办 list of power alerts waiting to be checked: the county office sees its area's open
alerts to arrange, a township its alerts to look back at. A count and a slice: two queries."""

from django.urls import reverse

from accounts.models import Role
from accounts.worklists import Listing, WorkItem, register

from .models import AlertState, PowerAlert

CHECKING_ROLES = (Role.COUNTY_OFFICE, Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD)


def alerts_to_check(user, today, limit):
    queryset = PowerAlert.objects.visible_to(user).filter(
        state__in=[AlertState.OPEN, AlertState.ARRANGED]
    )
    items = [
        WorkItem(
            title=alert.enterprise.name,
            url=reverse("metering:alert_detail", args=[alert.pk]),
            detail=f"{alert.period_month:%Y年%m月} {alert.get_rule_display()} · {alert.kwh} kWh",
            due=alert.look_back_due,
            badge=alert.get_state_display(),
            badge_css="danger" if alert.state == AlertState.OPEN else "warning",
        )
        for alert in queryset.select_related("enterprise").order_by("state", "-period_month", "id")[
            :limit
        ]
    ]
    return Listing(
        count=queryset.count(),
        items=items,
        url=f"{reverse('metering:alert_list')}?state=open",
        api_url=f"{reverse('power-alert-list')}?state=open",
    )


def register_worklists():
    register("power_alerts", "用电异常预警待核查", CHECKING_ROLES, alerts_to_check, order=35)
