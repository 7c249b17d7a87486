"""Hand-over notices: once a transition of the table is done, the people it hands the work to
are told — in the app and by e-mail, through notices' channels — exactly once.

Who is told comes from the transitions table (`Transition.audiences`: by default the next
holder, or the row's `told`), what they read from its `notice`; the services do not send
anything themselves. `announce` is called by the shared record of a transition (rules.py) and
by propose; the notice goes out after the change commits, so a failing notice (mail server
down) never undoes it. The person who acted is not told about their own act.

A unit whose closure steps wait for it (断电 → 供电公司) gets its own notice naming its steps:
when the case starts, and again when failed verification or a relapse sends steps back to
未完成. The failed steps of a verification are the steps left without a date afterwards
(`waiting_steps`), so a verifier naming failed steps shows up here without another hook.
"""

import functools
import re
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Region
from accounts.paths import path_at_level
from accounts.side_effects import after_commit
from notices.notifications import notify_once, register_kind

from ..models import Case, CaseEvent, CaseStep
from .transitions import TRANSITIONS, Told

STEP_KIND = "case_step_waiting"


def kind_of(key):
    return f"case_{key}"


def register_kinds():
    """The Chinese label of each hand-over kind on the notice list (from the notice's 【…】)."""
    for key, transition in TRANSITIONS.items():
        if transition.notice:
            label = re.match(r"【(.+?)】", transition.notice)
            register_kind(kind_of(key), f"整治案件{label.group(1) if label else ''}")
    register_kind(STEP_KIND, "整治案件待确认步骤")


def announce(case, key, by, event):
    """Tell the people `key` hands `case` to, once its transaction commits."""
    if not TRANSITIONS[key].audiences:
        return
    after_commit(
        functools.partial(send_handover, case.pk, key, getattr(by, "pk", None), event.pk),
        f"hand-over notice {key} of case {case.pk}",
    )


def waiting_steps(case):
    """The case's steps still without a done date, in order (after a failed verification: the
    steps that failed)."""
    return list(
        CaseStep.objects.filter(case=case, done_on__isnull=True)
        .select_related("confirming_unit")
        .order_by("order", "id")
    )


def _organisations(case, audiences):
    organisations = []
    kinds = {
        Told.COUNTY_OFFICE: (Region.Level.COUNTY, Organisation.Kind.COUNTY_OFFICE),
        Told.TOWNSHIP: (Region.Level.TOWNSHIP, Organisation.Kind.TOWNSHIP_GOVERNMENT),
    }
    for audience, (level, kind) in kinds.items():
        path = path_at_level(case.region_path, level)
        if audience in audiences and path:
            organisations += list(Organisation.objects.filter(kind=kind, region__path=path))
    if Told.RESPONSIBLE_UNIT in audiences and case.responsible_unit_id:
        organisations.append(case.responsible_unit)
    return organisations


def _body(case, transition, event, actor, failed):
    by = (
        f"{actor.display_name}（{actor.organisation or actor.get_role_display()}）" if actor else ""
    )
    lines = [f"案件 {case.number}（{case.enterprise.name}）：{by}{transition.label}。"]
    if event.comment:
        reason = "原因" if transition.key == "fail_verification" else "说明"
        lines.append(f"{reason}：{event.comment}")
    if failed:
        lines.append("需重新完成的步骤：" + "、".join(step.name for step in failed) + "。")
    if case.deadline and transition.key != "close":
        lines.append(f"整治期限：{case.deadline:%Y-%m-%d}。")
    return "\n".join(lines)


def send_handover(case_id, key, actor_id, event_id):
    """Send the hand-over notice of one transition (after commit); returns the new notices."""
    transition = TRANSITIONS[key]
    audiences = set(transition.audiences)
    case = Case.objects.select_related("enterprise", "responsible_unit", "responsible_user").get(
        pk=case_id
    )
    event = CaseEvent.objects.select_related("actor__organisation").get(pk=event_id)
    actor = event.actor
    link = reverse("rectification:case_detail", args=[case.pk])
    today = timezone.localdate()
    key_prefix = f"case:{case.pk}:{key}:{event.pk}"
    steps = waiting_steps(case) if Told.STEP_UNITS in audiences else []
    # Steps sent back to 未完成 by the verifier (or a relapse): named in the notice.
    failed = steps if key in {"fail_verification", "reopen"} else []
    recipients = _organisations(case, audiences)
    if Told.RESPONSIBLE_PERSON in audiences and case.responsible_user_id:
        recipients.append(case.responsible_user)
    exclude = {actor_id} if actor_id else set()
    sent = []
    if recipients:
        sent = notify_once(
            key_prefix,
            kind_of(key),
            today,
            recipients,
            transition.notice.format(case=case, enterprise=case.enterprise.name),
            _body(case, transition, event, actor, failed),
            link,
            exclude=exclude,
        )
    if Told.STEP_UNITS in audiences:
        told = exclude | {notice.recipient_id for notice in sent}
        by_unit = defaultdict(list)
        for step in steps:
            if step.confirming_unit_id:
                by_unit[step.confirming_unit].append(step)
        for unit, unit_steps in by_unit.items():
            names = "、".join(step.name for step in unit_steps)
            sent += notify_once(
                f"{key_prefix}:unit:{unit.pk}",
                STEP_KIND,
                today,
                [unit],
                f"【待确认步骤】{case.enterprise.name}：{names} 待{unit.short_name or unit.name}确认",
                f"案件 {case.number}（{case.enterprise.name}）{transition.label}，"
                f"以下步骤需由贵单位完成并确认（登记完成日期、上传佐证照片）：{names}。",
                link,
                exclude=told,
            )
    return sent
