"""Who may do what to a case, and the checks every workflow function shares: the role sets,
TransitionRefused, area/state checks, the row lock with its version check, the timeline
record, and the list of actions a user may try (the buttons on the case page)."""

import datetime

from accounts.models import Role

from .models import Case, CaseEvent, CaseState

R = Role
PROPOSERS = {R.TOWNSHIP_CLERK, R.TOWNSHIP_HEAD, R.COUNTY_OFFICE}
DETERMINERS = {R.DEPARTMENT_OFFICER, R.COUNTY_OFFICE}
WORKERS = {R.TOWNSHIP_CLERK, R.TOWNSHIP_HEAD, R.DEPARTMENT_OFFICER, R.COUNTY_OFFICE}
VERIFIERS = {R.COUNTY_OFFICE}
INSPECTORS = {
    R.TOWNSHIP_CLERK,
    R.TOWNSHIP_HEAD,
    R.DEPARTMENT_OFFICER,
    R.COUNTY_OFFICE,
    R.CITY_OFFICE,
}
QUASI_FLAGGERS = {R.DEPARTMENT_OFFICER, R.COUNTY_OFFICE, R.CITY_OFFICE}
EXTENSION_APPROVERS = {R.COUNTY_OFFICE, R.CITY_OFFICE}

# A relapsed case gets this long to be shut down again (the seeds say "立即责令停产"),
# counted on the working-day calendar (about the former 30 calendar days).
RELAPSE_DEADLINE_WORKING_DAYS = 20


class TransitionRefused(Exception):
    """A refused state change; `message` is the Chinese text shown to the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def today():
    return datetime.date.today()


# --- checks ------------------------------------------------------------------------------


def _check_role(user, roles, what):
    if user is None or not user.is_authenticated:
        raise TransitionRefused("请先登录。")
    if user.is_read_only:
        raise TransitionRefused("局领导账号为只读，不能办理案件。")
    if not user.has_role(*roles):
        allowed = "、".join(Role(role).label for role in sorted(roles))
        raise TransitionRefused(
            f"您的角色（{user.get_role_display()}）不能{what}，该操作由{allowed}办理。"
        )


def _check_area(user, path):
    area = user.area_path
    if area is not None and not (path or "").startswith(area):
        raise TransitionRefused("该企业不在您的管辖范围内。")


def _check_state(case, states, what):
    if case.state not in states:
        raise TransitionRefused(f"案件当前状态为“{case.get_state_display()}”，不能{what}。")


def _require_text(value, label):
    if not (value or "").strip():
        raise TransitionRefused(f"请填写{label}。")
    return value.strip()


def _lock(case):
    """The stored row, locked until the transaction ends; refused if someone changed it since
    the caller read it (optimistic version check on top of the row lock)."""
    try:
        current = Case.objects.select_for_update().select_related("campaign").get(pk=case.pk)
    except Case.DoesNotExist as error:
        raise TransitionRefused("案件不存在或已被删除。") from error
    if case.version != current.version:
        raise TransitionRefused("该案件刚刚已被他人更新，为避免覆盖他人的操作，请刷新页面后重试。")
    return current


def _save(current, *fields):
    current.version += 1
    current.save(update_fields=[*fields, "version", "updated_at"])


def _record(case, action, by, from_state="", to_state="", comment="", inspection=None):
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=by,
        comment=comment or "",
        inspection_id=getattr(inspection, "pk", None),
        inspection_label=str(inspection)[:200] if inspection is not None else "",
    )


def _done(case, current):
    case.refresh_from_db()
    return case


# --- what a user may do --------------------------------------------------------------------

ACTIONS = {
    # action name: (label, roles, states)
    "determine": ("认定", DETERMINERS, {CaseState.FOUND}),
    "start": ("开始整治", WORKERS, {CaseState.DETERMINED}),
    "submit": ("提请验收", WORKERS, {CaseState.IN_PROGRESS}),
    "fail_verification": ("验收不通过", VERIFIERS, {CaseState.AWAITING_VERIFICATION}),
    "close": ("验收销号", VERIFIERS, {CaseState.AWAITING_VERIFICATION}),
    "reopen": ("回头看：认定反弹", INSPECTORS, {CaseState.CLOSED}),
    "shortfall": (
        "记录整改未到位",
        INSPECTORS,
        {
            CaseState.FOUND,
            CaseState.DETERMINED,
            CaseState.IN_PROGRESS,
            CaseState.AWAITING_VERIFICATION,
        },
    ),
    "flag_quasi": ("标记类散乱污", QUASI_FLAGGERS, set(CaseState.values)),
    "extend": (
        "延长期限",
        WORKERS | EXTENSION_APPROVERS,
        {CaseState.DETERMINED, CaseState.IN_PROGRESS, CaseState.AWAITING_VERIFICATION},
    ),
}


def available_actions(case, user):
    """The transitions this user may try on this case now (the buttons on the case page)."""
    if not user.is_authenticated or user.is_read_only:
        return []
    area = user.area_path
    if area is not None and not case.region_path.startswith(area):
        return []
    names = []
    for name, (_label, roles, states) in ACTIONS.items():
        if case.state in states and user.has_role(*roles):
            if name == "flag_quasi" and case.is_quasi:
                continue
            names.append(name)
    return names


def can_confirm_step(user, step):
    """County office confirms any step; a department officer only its department's steps."""
    if user.is_read_only:
        return False
    if user.has_role(R.COUNTY_OFFICE):
        return True
    if user.role == R.DEPARTMENT_OFFICER and user.organisation_id:
        return bool(step.confirming_department) and (
            user.organisation.department == step.confirming_department
        )
    return False


def can_add_photos(user, step):
    if user.is_read_only:
        return False
    if user.has_role(R.TOWNSHIP_CLERK, R.TOWNSHIP_HEAD, R.COUNTY_OFFICE):
        return True
    return can_confirm_step(user, step)
