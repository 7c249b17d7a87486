"""Telling the county office and the township of new power alerts, after the commit: one notice
per enterprise per month (notify_once's key), or, when one import raises many, one digest per
organisation with the count and a link to the filtered list."""

from django.urls import reverse

from accounts.models import Organisation, Region
from notices.notifications import notify_once

from .models import PowerAlert

KIND = "power_alert"
KIND_LABEL = "用电异常预警"
# Above this many new alerts in one organisation's area, one digest instead of one each.
DIGEST_FROM = 10


def _organisations(alerts):
    """{organisation: [alerts]} for the county offices and township governments concerned."""
    townships = {alert.enterprise.township_id for alert in alerts}
    township_paths = dict(Region.objects.filter(pk__in=townships).values_list("pk", "path"))
    county_paths = {path[: 3 * Region.PATH_SEGMENT_LENGTH] for path in township_paths.values()}
    concerned = {}
    for organisation in Organisation.objects.filter(
        kind=Organisation.Kind.TOWNSHIP_GOVERNMENT, region_id__in=townships
    ).select_related("region"):
        concerned[organisation] = [
            a for a in alerts if a.enterprise.township_id == organisation.region_id
        ]
    for organisation in Organisation.objects.filter(
        kind=Organisation.Kind.COUNTY_OFFICE, region__path__in=county_paths
    ).select_related("region"):
        concerned[organisation] = [
            a for a in alerts if a.region_path.startswith(organisation.region.path)
        ]
    return concerned


def tell_about_alerts(alert_ids):
    if not alert_ids:
        return
    alerts = list(
        PowerAlert.objects.filter(pk__in=alert_ids).select_related("enterprise").order_by("id")
    )
    list_url = reverse("metering:alert_list")
    for organisation, theirs in _organisations(alerts).items():
        if len(theirs) > DIGEST_FROM:
            first = theirs[0]
            notify_once(
                f"power_alerts:{organisation.pk}:{first.batch_id or first.pk}",
                KIND,
                first.period_month,
                [organisation],
                f"用电异常预警：{len(theirs)} 家企业",
                f"供电数据显示 {len(theirs)} 家已关停或停产整治的企业用电异常，请安排回头看。",
                f"{list_url}?state=open",
            )
            continue
        for alert in theirs:
            notify_once(
                f"power_alert:{alert.enterprise_id}:{organisation.pk}",
                KIND,
                alert.period_month,
                [organisation],
                f"用电异常预警：{alert.enterprise.name}（{alert.get_rule_display()}）",
                f"{alert.period_month:%Y年%m月}用电 {alert.kwh} kWh，超过阈值 "
                f"{alert.threshold_kwh:.2f} kWh，请安排回头看核查。",
                reverse("metering:alert_detail", args=[alert.pk]),
            )
