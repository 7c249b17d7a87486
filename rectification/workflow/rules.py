"""What every case transition shares, written once: the role, area and state checks against
the transitions table, the row lock with its version check, the save and the timeline record.

A service function opens with `begin_transition` (checked and locked row) and ends with
`finish_transition` (state from the table, version bump, CaseEvent, caller's case refreshed);
between the two it checks and writes only its own rule.
"""

from django.utils import timezone

from accounts.models import Role
from accounts.refusals import Refused
from accounts.scoping import in_area
from enterprises.risk import recompute_on_commit

from ..models import Case, CaseEvent, CaseState
from .handovers import announce
from .transitions import CASE_TRANSITIONS, TRANSITIONS

# A relapsed case gets this long to be shut down again (the seeds say "立即责令停产"),
# counted on the working-day calendar (about the former 30 calendar days).
RELAPSE_DEADLINE_WORKING_DAYS = 20


def today():
    return timezone.localdate()


def check_role(user, roles, what):
    if user is None or not user.is_authenticated:
        raise Refused("请先登录。")
    if user.is_read_only:
        raise Refused("局领导账号为只读，不能办理案件。")
    if not user.has_role(*roles):
        allowed = "、".join(Role(role).label for role in sorted(roles))
        raise Refused(f"您的角色（{user.get_role_display()}）不能{what}，该操作由{allowed}办理。")


def check_area(user, path):
    if not in_area(user, path):
        raise Refused("该企业不在您的管辖范围内。")


def check_state(case, states, what):
    if case.state not in states:
        raise Refused(f"案件当前状态为“{case.get_state_display()}”，不能{what}。")


def require_text(value, label):
    if not (value or "").strip():
        raise Refused(f"请填写{label}。")
    return value.strip()


def lock(case):
    """The stored row, locked until the transaction ends; refused if someone changed it since
    the caller read it (optimistic version check on top of the row lock)."""
    try:
        current = Case.objects.select_for_update().select_related("campaign").get(pk=case.pk)
    except Case.DoesNotExist as error:
        raise Refused("案件不存在或已被删除。") from error
    if case.version != current.version:
        raise Refused("该案件刚刚已被他人更新，为避免覆盖他人的操作，请刷新页面后重试。")
    return current


def save(current, *fields):
    current.version += 1
    current.save(update_fields=[*fields, "version", "updated_at"])


def record(case, action, by, from_state="", to_state="", comment="", inspection=None, payload=None):
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=by,
        comment=comment or "",
        inspection_id=getattr(inspection, "pk", None),
        inspection_label=str(inspection)[:200] if inspection is not None else "",
        payload=payload or {},
    )


def begin_transition(case, key, by):
    """Check the role, lock the row, check the area and the state: the row to change."""
    transition = TRANSITIONS[key]
    check_role(by, transition.roles, transition.role_verb)
    current = lock(case)
    check_area(by, current.region_path)
    if current.state not in transition.from_states and transition.state_refusal:
        raise Refused(transition.state_refusal)
    check_state(current, transition.from_states, transition.state_verb)
    return current


def finish_transition(case, current, key, by, *fields, note="", inspection=None, payload=None):
    """Move to the table's state, save the given fields, write the timeline row (with the
    `payload` facts the hand-over carries); the caller's `case` is refreshed and returned."""
    transition = TRANSITIONS[key]
    from_state = current.state
    if transition.changes_state:
        current.state = transition.to_state
        fields = ("state", *fields)
        if current.reported_state:
            # The ledger's 完成情况 described the state it was imported in, not this one.
            current.reported_state = ""
            fields = (*fields, "reported_state")
    save(current, *fields)
    event = record(
        current, transition.event, by, from_state, current.state, note, inspection, payload
    )
    announce(current, key, by, event)
    # Every transition may change the enterprise's 风险画像 (relapse, deadline, failures).
    recompute_on_commit([current.enterprise_id])
    case.refresh_from_db()
    return case


def available_transitions(case, user):
    """The transitions this user may try on this case now (the buttons on the case page)."""
    if not user.is_authenticated or user.is_read_only or not in_area(user, case.region_path):
        return []
    return [
        transition
        for transition in CASE_TRANSITIONS.values()
        if case.state in transition.from_states
        and user.has_role(*transition.roles)
        and not (transition.key == "flag_quasi" and case.is_quasi)
    ]


def can_confirm_step(user, step):
    """County office confirms any step; a department officer only its department's steps."""
    if user.is_read_only:
        return False
    if user.has_role(Role.COUNTY_OFFICE):
        return True
    if user.role == Role.DEPARTMENT_OFFICER and user.organisation_id:
        return bool(step.confirming_department) and (
            user.organisation.department == step.confirming_department
        )
    return False


def can_add_photos(user, step):
    if user.is_read_only:
        return False
    if user.has_role(Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD, Role.COUNTY_OFFICE):
        return True
    return can_confirm_step(user, step)


def step_open_for_work(case):
    """Steps are dated and photographed while the case is being carried out."""
    return case.state == CaseState.IN_PROGRESS
