"""The alert's workflow as one small table, and one service function per transition, each in
one transaction: 安排回头看 (open → arranged), and resolving with an inspection's result
(反弹 or 整改未到位 → confirmed; 无问题 → dismissed, with the reason). Nothing else sets an
alert's state; alerts are created only by metering.rules.evaluate."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.refusals import Refused
from accounts.scoping import ensure_in_area
from enterprises.risk import recompute_on_commit
from rectification.models import Case, CaseState

from .models import AlertState, PowerAlert

R = Role
CHECKERS = frozenset({R.COUNTY_OFFICE, R.TOWNSHIP_CLERK, R.TOWNSHIP_HEAD})
OPEN = frozenset({AlertState.OPEN, AlertState.ARRANGED})

# Inspection results (inspections.InspectionResult values: that app is to our left, but its
# values are data) and what they make of an alert.
RESULT_STATES = {
    "relapse": AlertState.CONFIRMED,
    "shortfall": AlertState.CONFIRMED,
    "no_problem": AlertState.DISMISSED,
}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    roles: frozenset
    sources: frozenset
    target: str


TRANSITIONS = {
    "arrange": Transition(
        "arrange", "安排回头看", CHECKERS, frozenset({AlertState.OPEN}), AlertState.ARRANGED
    ),
    "confirm": Transition("confirm", "核查属实", CHECKERS, OPEN, AlertState.CONFIRMED),
    "dismiss": Transition("dismiss", "核查无问题", CHECKERS, OPEN, AlertState.DISMISSED),
}


def allowed(alert, user, name):
    transition = TRANSITIONS[name]
    return (
        alert.state in transition.sources
        and user.is_authenticated
        and not user.is_read_only
        and user.has_role(*transition.roles)
    )


def _begin(alert, name, by, check_role=True):
    """Lock the alert and check the user may take transition `name` from its state now."""
    transition = TRANSITIONS[name]
    locked = PowerAlert.objects.select_for_update().select_related("enterprise").get(pk=alert.pk)
    if check_role:
        ensure_in_area(by, locked.region_path)
        if not by.has_role(*transition.roles) or by.is_read_only:
            raise Refused(f"您的角色不能“{transition.label}”。")
    if locked.state not in transition.sources:
        raise Refused(f"这条预警当前为“{locked.get_state_display()}”，不能“{transition.label}”。")
    locked.state = transition.target
    return locked


@transaction.atomic
def arrange_look_back(alert, *, by, due=None):
    """安排回头看: the alert waits on the township's 待办 until a look-back inspection is
    recorded; a closed case also gets its 回头看日期 brought forward, so the look-back
    reminders of rectification list it."""
    due = due or timezone.localdate()
    if isinstance(due, datetime.datetime):
        due = due.date()
    locked = _begin(alert, "arrange", by)
    locked.look_back_due = due
    locked.arranged_by = by
    locked.save(update_fields=["state", "look_back_due", "arranged_by", "region_path"])
    Case.objects.filter(pk=locked.case_id, state=CaseState.CLOSED).exclude(
        look_back_due__lte=due
    ).update(look_back_due=due)
    return locked


@transaction.atomic
def resolve_alert(alert, *, by, inspection, reason="", check_role=True):
    """Close the alert with an inspection of its enterprise: 反弹/整改未到位 confirm it, 无问题
    dismisses it with `reason` (or the inspection's findings), e.g. 仅照明用电. The case itself
    is reopened by the inspection service (reopen_for_relapse), not here."""
    target = RESULT_STATES.get(inspection.result)
    if target is None:
        raise Refused(
            "只有“反弹”“整改未到位”或“无问题”的检查结果可以用来核查预警。", field="inspection"
        )
    if inspection.enterprise_id != alert.enterprise_id:
        raise Refused("所选检查不是对这家企业的检查。", field="inspection")
    if inspection.inspected_on < alert.period_month:
        raise Refused("所选检查早于预警所属月份，不能用来核查。", field="inspection")
    name = "confirm" if target == AlertState.CONFIRMED else "dismiss"
    locked = _begin(alert, name, by, check_role)
    text = (reason or inspection.findings or "").strip()
    if name == "dismiss" and not text:
        text = "回头看无问题"
    locked.resolution = (text or inspection.get_result_display())[:200]
    locked.inspection_id = inspection.pk
    locked.resolved_by = by
    locked.resolved_at = timezone.now()
    locked.save(
        update_fields=[
            "state",
            "resolution",
            "inspection_id",
            "resolved_by",
            "resolved_at",
            "region_path",
        ]
    )
    # A dismissed alert no longer deducts (metering.risk).
    recompute_on_commit([locked.enterprise_id])
    return locked


def resolve_for_inspection(inspection, by):
    """The inspections app's listener (registered in apps.py): an inspection of an enterprise
    with open alerts resolves them, in the inspection's transaction (whoever may record the
    inspection may close the alert it answers)."""
    if inspection.enterprise_id is None or inspection.result not in RESULT_STATES:
        return []
    alerts = PowerAlert.objects.filter(
        enterprise_id=inspection.enterprise_id,
        state__in=OPEN,
        period_month__lte=inspection.inspected_on,
    ).order_by("id")
    return [
        resolve_alert(alert, by=by, inspection=inspection, check_role=False) for alert in alerts
    ]
