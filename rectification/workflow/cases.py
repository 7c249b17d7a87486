"""The case workflow: one function per transition of the table in transitions.py, each
checking its own rule between the shared preamble and record of rules.py. Nothing else sets
`Case.state`.

Each function locks the case row (select_for_update) and compares the caller's `case.version`
with the stored one, so two people acting at once cannot silently overwrite each other: the
second is refused and asked to reload. The change and its timeline row (CaseEvent) are written
in one transaction; a refusal raises Refused with a Chinese message and changes nothing. The
caller's `case` object is refreshed afterwards.
"""

import datetime

from django.db import IntegrityError, transaction

from accounts.deadlines import resolve_deadline
from accounts.models import Organisation, Role
from accounts.refusals import Refused
from accounts.scoping import covers, in_area
from accounts.workdays import add_working_days
from enterprises.risk import batched_recompute, recompute_on_commit

from ..models import (
    REQUIREMENT_DISPOSAL,
    Campaign,
    Case,
    CaseEvent,
    CaseSequence,
    CaseState,
    DeadlineExtension,
    Disposal,
    Requirement,
)
from .handovers import announce
from .rules import (
    RELAPSE_DEADLINE_WORKING_DAYS,
    begin_transition,
    check_area,
    check_role,
    finish_transition,
    record,
    require_text,
    today,
)
from .steps import check_evidence_complete, plan_steps, return_steps
from .transitions import EXTENSION_APPROVERS, TRANSITIONS

# --- numbering ---------------------------------------------------------------------------


def county_code(region_path):
    codes = [code for code in region_path.split("/") if code]
    return (codes[2] if len(codes) >= 3 else codes[-1])[:6]


def next_case_number(region_path, year):
    prefix = f"{county_code(region_path)}-{year}-"
    try:
        with transaction.atomic():
            CaseSequence.objects.get_or_create(prefix=prefix)
    except IntegrityError:
        pass  # another request created it at the same moment
    sequence = CaseSequence.objects.select_for_update().get(prefix=prefix)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}{sequence.last:04d}"


# --- transitions -------------------------------------------------------------------------


def _check_campaign(campaign, by):
    if campaign is None:
        raise Refused("请选择专项行动。")
    if not Campaign.objects.visible_to(by).filter(pk=campaign.pk).exists():
        raise Refused("该专项行动不适用于您的辖区。")
    if not campaign.is_active:
        raise Refused(f"专项行动“{campaign.name}”已结束，不能再上报案件。")


def _new_case(enterprise, campaign, by, *, found_on=None, reported=None):
    """An unsaved case of `enterprise` in `campaign`, with what a ledger row reported."""
    existing = Case.objects.filter(enterprise=enterprise, campaign=campaign).first()
    if existing is not None:
        raise Refused(f"该企业在本专项行动中已有整治案件（{existing.number}），不能重复上报。")
    township_government = (
        Organisation.objects.filter(
            region_id=enterprise.township_id, kind=Organisation.Kind.TOWNSHIP_GOVERNMENT
        )
        .order_by("id")
        .first()
    )
    case = Case(
        enterprise=enterprise,
        campaign=campaign,
        number=next_case_number(enterprise.region_path, campaign.year),
        state=CaseState.FOUND,
        found_on=found_on or today(),
        region_path=enterprise.region_path,
        responsible_unit=township_government,
        responsible_person=enterprise.responsible_person,
        created_by=by,
    )
    if reported:
        requirement = reported.get("requirement_code") or ""
        deadline = reported.get("deadline")
        deadline = datetime.date.fromisoformat(deadline) if deadline else None
        completed_on = reported.get("completed_on")
        case.requirement = requirement
        case.disposal = REQUIREMENT_DISPOSAL[requirement] if requirement else ""
        case.deadline = case.original_deadline = deadline
        case.responsible_person = (
            reported.get("responsible_person") or enterprise.responsible_person
        )[:60]
        case.reported_completion = (reported.get("progress") or "")[:100]
        case.reported_completed_on = (
            datetime.date.fromisoformat(completed_on) if completed_on else None
        )
        case.reported_state = CaseState.FOUND
    return case


def _save_new(case):
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as error:
        raise Refused("该企业在本专项行动中已有整治案件，不能重复上报。") from error
    # A case opened overdue or from a ledger row may already take points off the score.
    recompute_on_commit([case.enterprise_id])


@transaction.atomic
def propose_case(enterprise, *, campaign, by, note="", found_on=None, reported=None):
    """排查发现: open a case for an enterprise in a campaign. A township's imported ledger row
    gives `found_on` (its 上报时间) and `reported` (hooks: its 整治要求, 整治期限, 分包责任人
    and 完成情况), recorded on the case as the township's proposal."""
    propose = TRANSITIONS["propose"]
    check_role(by, propose.roles, propose.role_verb)
    check_area(by, enterprise.region_path)
    _check_campaign(campaign, by)
    case = _new_case(enterprise, campaign, by, found_on=found_on, reported=reported)
    _save_new(case)
    announce(case, "propose", by, record(case, propose.event, by, "", case.state, note))
    return case


# Who may open cases in the state a historical ledger states (按台账建档).
ESTABLISHERS = frozenset({Role.COUNTY_OFFICE, Role.ADMINISTRATOR})


@transaction.atomic
def establish_from_ledger(enterprise, *, campaign, by, reported, file_name, row):
    """按台账建档: a county office imports a historical ledger and each case takes the state its
    完成情况 states — 已认定, 整治中, or 待验收 for work done with its date — with one timeline
    record naming the importer, the file and the row. Never 已销号: 销号 stays the county's
    act of verification. A row without a mappable 整治要求 cannot be determined and stays
    排查发现."""
    check_role(by, ESTABLISHERS, "按台账建档")
    check_area(by, enterprise.region_path)
    _check_campaign(campaign, by)
    case = _new_case(enterprise, campaign, by, found_on=found_on_of(reported), reported=reported)
    state = reported.get("state") or CaseState.DETERMINED
    if state == CaseState.AWAITING_VERIFICATION and not case.reported_completed_on:
        state = CaseState.IN_PROGRESS
    if not case.requirement:
        state = CaseState.FOUND
    case.state = case.reported_state = state
    if state != CaseState.FOUND:
        case.determined_on = case.found_on
        case.measures = f"按台账：{case.get_requirement_display()}"
    _save_new(case)
    if state != CaseState.FOUND:
        plan_steps(case)
    if state == CaseState.AWAITING_VERIFICATION:
        # Done before the app: every step is dated by the ledger's 完成日期, its proof the ledger.
        case.steps.update(
            done_on=case.reported_completed_on,
            confirming_person="按台账",
            note=f"按台账建档：见“{file_name}”第 {row} 行"[:200],
            evidence_in_ledger=True,
        )
    progress = case.completion or "（未填）"
    record(
        case,
        CaseEvent.Action.ESTABLISH,
        by,
        "",
        state,
        f"{by.display_name}按台账建档：文件“{file_name}”第 {row} 行，完成情况“{progress}”。"
        + ("" if case.requirement else "整治要求未能识别，待认定。"),
    )
    return case


def found_on_of(reported):
    found_on = reported.get("found_on")
    return datetime.date.fromisoformat(found_on) if found_on else None


@transaction.atomic
def determine_case(
    case,
    *,
    by,
    disposal,
    requirement,
    measures,
    responsible_unit,
    responsible_person,
    deadline=None,
    working_days=None,
    note="",
    destination_park="",
    relocation_deadline=None,
    responsible_user=None,
):
    """已认定: choose the disposal and set the plan (一企一策); creates the steps to carry out.

    The deadline (限期整改) is a date or `working_days` counted on the calendar from today."""
    current = begin_transition(case, "determine", by)
    requirement = requirement or ""
    if requirement and requirement not in Requirement.values:
        raise Refused("整治要求只能是补办手续、整改完善或限期拆除。")
    if not disposal and requirement:
        disposal = REQUIREMENT_DISPOSAL[requirement]
    if disposal not in Disposal.values:
        raise Refused("请选择分类处置方式（关停取缔、集聚搬迁或升级改造）。")
    if requirement and REQUIREMENT_DISPOSAL[requirement] != disposal:
        raise Refused(
            f"整治要求“{Requirement(requirement).label}”对应的处置方式是"
            f"“{Disposal(REQUIREMENT_DISPOSAL[requirement]).label}”，"
            f"与所选“{Disposal(disposal).label}”不符。"
        )
    measures = require_text(measures, "整治措施")
    responsible_person = require_text(responsible_person, "分包责任人")
    if responsible_unit is None:
        raise Refused("请选择责任单位。")
    if not covers(responsible_unit.region.path, current.region_path):
        raise Refused("责任单位必须是企业所在地的乡镇政府或县（市）直部门。")
    deadline, working_days = _deadline(deadline, working_days, "整治期限")
    if deadline < today():
        raise Refused("整治期限不能早于今天。")
    if disposal == Disposal.RELOCATION:
        destination_park = require_text(destination_park, "搬迁去向（园区）")
        if relocation_deadline is None:
            relocation_deadline = deadline
        if relocation_deadline > deadline:
            raise Refused("搬迁期限不能晚于整治期限。")
    else:
        destination_park, relocation_deadline = "", None
    current.disposal = disposal
    current.requirement = requirement
    current.measures = measures
    current.responsible_unit = responsible_unit
    current.responsible_person = responsible_person
    current.responsible_user = responsible_user
    current.original_deadline = deadline
    current.deadline = deadline
    current.deadline_working_days = working_days
    current.destination_park = destination_park
    current.relocation_deadline = relocation_deadline
    current.determined_on = today()
    plan_note = f"{Disposal(disposal).label}；期限 {current.deadline_display}。{note}".strip()
    finish_transition(
        case,
        current,
        "determine",
        by,
        "disposal",
        "requirement",
        "measures",
        "responsible_unit",
        "responsible_person",
        "responsible_user",
        "original_deadline",
        "deadline",
        "deadline_working_days",
        "destination_park",
        "relocation_deadline",
        "determined_on",
        note=plan_note,
    )
    plan_steps(current)
    return case


@transaction.atomic
def start_remediation(case, *, by, note=""):
    """整治中: the responsible unit starts carrying out the plan."""
    current = begin_transition(case, "start", by)
    return finish_transition(case, current, "start", by, note=note)


@transaction.atomic
def submit_for_verification(case, *, by, note=""):
    """待验收: every step has its date and at least one photo."""
    current = begin_transition(case, "submit", by)
    check_evidence_complete(current)
    return finish_transition(case, current, "submit", by, note=note)


def _deadline(deadline, working_days, label):
    """The date of a deadline given as a date or as N working days from today (required)."""
    deadline, working_days = resolve_deadline(
        deadline=deadline, working_days=working_days, start=today(), label=label
    )
    if deadline is None:
        raise Refused(f"请填写{label}（日期或工作日天数）。")
    return deadline, working_days


def _extend(current, *, by, approver, new_deadline, reason, working_days=None):
    DeadlineExtension.objects.create(
        case=current,
        previous_deadline=current.deadline,
        new_deadline=new_deadline,
        working_days=working_days,
        reason=reason[:300],
        approver=approver,
        requested_by=by,
    )
    current.deadline = new_deadline
    current.deadline_working_days = working_days


@transaction.atomic
def fail_verification(case, *, by, note, failed_steps=(), new_deadline=None, working_days=None):
    """核查验收不通过: back to 整治中 with a new deadline (kept in the extension list), a date
    or `working_days` from today. The verifier names the steps that failed (at least one, for
    every disposal: a failure naming none would let the case be resubmitted unchanged); those
    go back to 未完成 and must be redone with a new photo before 提请验收 (steps.return_steps).
    The timeline row's payload names them for the notice to the township."""
    current = begin_transition(case, "fail_verification", by)
    note = require_text(note, "验收不通过的原因")
    returned = return_steps(current, failed_steps)
    new_deadline, working_days = _deadline(new_deadline, working_days, "新的整治期限")
    if new_deadline <= today():
        raise Refused("新的整治期限必须晚于今天。")
    _extend(
        current,
        by=by,
        approver=by,
        new_deadline=new_deadline,
        working_days=working_days,
        reason=f"验收不通过：{note}"[:300],
    )
    names = [step.name for step in returned]
    return finish_transition(
        case,
        current,
        "fail_verification",
        by,
        "deadline",
        "deadline_working_days",
        note=f"{note}（未通过步骤：{'、'.join(names)}；新期限 {current.deadline_display}）",
        payload={"failed_steps": names, "failed_step_ids": [step.pk for step in returned]},
    )


@transaction.atomic
def close_case(case, *, by, note=""):
    """已销号: verified and signed off; the look-back (回头看) is scheduled."""
    current = begin_transition(case, "close", by)
    check_evidence_complete(current)
    closed_on = today()
    current.closed_on = closed_on
    current.look_back_due = closed_on + datetime.timedelta(
        days=current.campaign.look_back_after_days
    )
    return finish_transition(case, current, "close", by, "closed_on", "look_back_due", note=note)


@transaction.atomic
def close_cases(cases, *, by, note=""):
    """验收销号 of many 待验收 cases with one note (a backlog imported "按台账建档"): each goes
    through close_case's own rule, all in one transaction. The first refusal names its case
    and rolls back the ones closed before it, so either every case is closed or none is."""
    close = TRANSITIONS["close"]
    check_role(by, close.roles, close.role_verb)
    cases = sorted({case.pk: case for case in cases}.values(), key=lambda case: case.pk)
    if not cases:
        raise Refused("请勾选要验收销号的案件。", field="cases")
    # Locked one by one in id order, so two bulk closures cannot deadlock each other.
    with batched_recompute():
        for case in cases:
            try:
                close_case(case, by=by, note=note)
            except Refused as refusal:
                raise Refused(
                    f"{case.number}：{refusal.message.rstrip('。')}，未销号任何案件。",
                    field="cases",
                ) from refusal
    return cases


@transaction.atomic
def reopen_for_relapse(case, *, by, note, inspection=None):
    """回头看 finds 反弹 (死灰复燃): the closed case reopens to 整治中, flagged, with a new deadline."""
    current = begin_transition(case, "reopen", by)
    note = require_text(note, "反弹情况说明")
    _extend(
        current,
        by=by,
        approver=by,
        new_deadline=add_working_days(today(), RELAPSE_DEADLINE_WORKING_DAYS),
        working_days=RELAPSE_DEADLINE_WORKING_DAYS,
        reason=f"回头看发现反弹，重新限期整治：{note}",
    )
    current.is_relapse = True
    current.closed_on = None
    current.look_back_due = None
    return finish_transition(
        case,
        current,
        "reopen",
        by,
        "is_relapse",
        "closed_on",
        "look_back_due",
        "deadline",
        "deadline_working_days",
        note=note,
        inspection=inspection,
    )


@transaction.atomic
def record_shortfall(case, *, by, note, inspection=None):
    """整改未到位 found on an open case: on the timeline, the state does not change."""
    current = begin_transition(case, "shortfall", by)
    note = require_text(note, "整改未到位的情况")
    return finish_transition(case, current, "shortfall", by, note=note, inspection=inspection)


@transaction.atomic
def flag_quasi(case, *, by, note):
    """类散乱污 (seed 002): re-registered at the same place without real improvement."""
    current = begin_transition(case, "flag_quasi", by)
    if current.is_quasi:
        raise Refused("该案件已标记为类散乱污。")
    note = require_text(note, "标记理由")
    current.is_quasi = True
    return finish_transition(case, current, "flag_quasi", by, "is_quasi", note=note)


@transaction.atomic
def extend_deadline(case, *, by, reason, approver, new_deadline=None, working_days=None):
    """延期: a new deadline with its reason and approver; the list of extensions is kept.
    The new deadline is a date or `working_days` counted from today."""
    current = begin_transition(case, "extend", by)
    reason = require_text(reason, "延期理由")
    if approver is None or not approver.has_role(*EXTENSION_APPROVERS):
        raise Refused("延期须由县整治办（或市整治办）批准，请选择批准人。")
    if not in_area(approver, current.region_path):
        raise Refused("批准人不管辖该企业所在地区。")
    new_deadline, working_days = _deadline(new_deadline, working_days, "新的整治期限")
    if current.deadline and new_deadline <= current.deadline:
        raise Refused(f"新的整治期限必须晚于当前期限（{current.deadline:%Y-%m-%d}）。")
    if new_deadline < today():
        raise Refused("新的整治期限不能早于今天。")
    previous = current.deadline
    _extend(
        current,
        by=by,
        approver=approver,
        new_deadline=new_deadline,
        working_days=working_days,
        reason=reason,
    )
    return finish_transition(
        case,
        current,
        "extend",
        by,
        "deadline",
        "deadline_working_days",
        note=f"期限由 {previous:%Y-%m-%d} 延至 {current.deadline_display}，批准人 {approver}。{reason}"
        if previous
        else reason,
    )
