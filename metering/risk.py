"""What the meter says about an enterprise's risk (enterprises.risk, registered in
MeteringConfig.ready()): each 用电异常预警 not dismissed by a 回头看 — open, arranged or found
true — deducts, dated by its month. One query for a whole chunk of enterprises."""

from enterprises.risk import DeductionKind, Finding, register_source

from .models import AlertState, PowerAlert

# A meter drawing power at a closed plant is the strongest sign short of a relapse seen on
# site (seed 002: 反复性较强); two such months take as much as a relapse.
POWER_ALERT = DeductionKind("power_alert", "用电异常预警", points=20, cap=40)


def alert_findings(enterprise_ids, today):
    alerts = (
        PowerAlert.objects.filter(enterprise_id__in=enterprise_ids)
        .exclude(state=AlertState.DISMISSED)
        .order_by("enterprise_id", "period_month", "id")
        .values_list("enterprise_id", "rule", "period_month", "kwh", "state")
    )
    labels = dict(PowerAlert._meta.get_field("rule").choices)
    states = dict(AlertState.choices)
    return [
        Finding(
            enterprise_id,
            POWER_ALERT.key,
            f"{period_month:%Y年%m月}{labels.get(rule, rule)}：用电 {kwh} kWh（{states[state]}）",
            "用电异常预警",
            period_month,
        )
        for enterprise_id, rule, period_month, kwh, state in alerts
    ]


def register():
    register_source("power_alerts", alert_findings, POWER_ALERT)
