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

import re
import threading
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Region
from accounts.paths import path_at_level
from accounts.side_effects import after_commit, still_pending
from notices.notifications import gathering, notify_once, register_digest, register_kind

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
    register_digests()


class Batch:
    """The hand-overs of one transaction, sent together once it commits: a person that many of
    them reach (a ledger import proposing 300 cases, 批量验收销号) gets one digest per kind."""

    def __init__(self):
        self.items = []
        self.callback = None
        self.sent = False

    def send(self):
        self.sent = True
        with gathering():
            for item in self.items:
                send_handover(*item)


_local = threading.local()


def announce(case, key, by, event):
    """Tell the people `key` hands `case` to, once its transaction commits."""
    if not TRANSITIONS[key].audiences:
        return
    batch = getattr(_local, "batch", None)
    if batch is None or batch.sent or not still_pending(batch.callback):
        # The first hand-over of this transaction (or the last batch ran or was rolled back).
        batch = _local.batch = Batch()
        batch.items.append((case.pk, key, getattr(by, "pk", None), event.pk))
        batch.callback = after_commit(batch.send, "hand-over notices")
    else:
        batch.items.append((case.pk, key, getattr(by, "pk", None), event.pk))


def start_new_batch():
    """The next hand-over starts a batch of its own even inside the same transaction (tests run
    what would be several requests inside one test transaction)."""
    _local.batch = None


# What many hand-overs of one kind to one person read as, and the case list they link to.
DIGEST_LISTS = {
    "propose": ("新上报待认定的整治案件：{count} 件", "?state=found"),
    "determine": ("已认定、待整治的案件：{count} 件", "?state=determined"),
    "submit": ("提请验收的案件：{count} 件", "?state=awaiting_verification"),
    "fail_verification": ("验收不通过、待整改的案件：{count} 件", "?state=in_progress"),
    "close": ("验收销号的案件：{count} 件", "?state=closed"),
    "reopen": ("回头看认定反弹的案件：{count} 件", "?is_relapse=true"),
    "shortfall": ("整改未到位的案件：{count} 件", "?state=in_progress"),
}


def register_digests():
    def case_list(query):
        return lambda: reverse("rectification:case_list") + query

    for key, (subject, query) in DIGEST_LISTS.items():
        register_digest(kind_of(key), subject, case_list(query))
    register_digest(
        STEP_KIND, "待贵单位确认步骤的案件：{count} 件", case_list("?state=in_progress")
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
