"""The daily reminder job: deadline reminders 7, 3 and 1 days ahead to the responsible person
and unit, the overdue notice (escalated to the county office) and look-back (回头看) due notices.

Each notice goes through `notify_once`, keyed by case, kind and due date, so running the job
twice in a day — or a retried task — sends nothing new. Queries are batched: the cases come in
one query each with their units, members are fetched once per unit.
"""

import datetime
from collections import defaultdict

from django.urls import reverse

from accounts.models import Organisation

from .models import Case, CaseState
from .notification_models import Notification
from .notifications import notify_once

REMINDER_DAYS = {
    7: Notification.Kind.DUE_IN_7,
    3: Notification.Kind.DUE_IN_3,
    1: Notification.Kind.DUE_IN_1,
}


def county_path(region_path):
    codes = [code for code in region_path.split("/") if code]
    return "/".join(codes[:3]) + "/" if len(codes) >= 3 else region_path


class RecipientBook:
    """The county offices, loaded once per job (overdue and look-back notices go to them)."""

    def __init__(self):
        self.county_offices = None

    def county_office_for(self, region_path):
        if self.county_offices is None:
            self.county_offices = defaultdict(list)
            for organisation in Organisation.objects.filter(
                kind=Organisation.Kind.COUNTY_OFFICE
            ).select_related("region"):
                self.county_offices[organisation.region.path].append(organisation)
        return self.county_offices.get(county_path(region_path), [])


def case_link(case):
    return reverse("rectification:case_detail", args=[case.pk])


def _responsible(case):
    recipients = []
    if case.responsible_user_id:
        recipients.append(case.responsible_user)
    if case.responsible_unit_id:
        recipients.append(case.responsible_unit)
    return recipients


def send_due_reminders(today=None):
    """Run every reminder due on `today`; returns how many notices of each kind were new."""
    today = today or datetime.date.today()
    book = RecipientBook()
    sent = defaultdict(int)
    base = Case.objects.select_related("enterprise", "responsible_unit", "responsible_user")

    ahead = [today + datetime.timedelta(days=days) for days in REMINDER_DAYS]
    for case in (
        base.open()
        .filter(deadline__in=ahead)
        .exclude(state=CaseState.FOUND)
        .iterator(chunk_size=500)
    ):
        days = (case.deadline - today).days
        kind = REMINDER_DAYS[days]
        created = notify_once(
            f"case:{case.pk}",
            kind,
            case.deadline,
            _responsible(case),
            f"【整治期限提醒】{case.enterprise.name} 距整治期限还有 {days} 天",
            f"案件 {case.number}（{case.enterprise.name}）的整治期限为 {case.deadline:%Y-%m-%d}，"
            f"当前状态：{case.get_state_display()}。请按期完成整治并提请验收。",
            case_link(case),
        )
        sent[kind] += bool(created)

    # Overdue: the first run after the deadline sends it; a missed day does not lose it.
    for case in base.overdue(today).iterator(chunk_size=500):
        created = notify_once(
            f"case:{case.pk}",
            Notification.Kind.OVERDUE,
            case.deadline,
            [*_responsible(case), *book.county_office_for(case.region_path)],
            f"【逾期督办】{case.enterprise.name} 已超过整治期限",
            f"案件 {case.number}（{case.enterprise.name}）的整治期限 {case.deadline:%Y-%m-%d} 已过，"
            f"仍为“{case.get_state_display()}”。责任单位：{case.responsible_unit or '未指定'}，"
            f"分包责任人：{case.responsible_person or '未指定'}。已抄送县整治办督办。",
            case_link(case),
        )
        sent[Notification.Kind.OVERDUE] += bool(created)

    for case in base.closed().filter(look_back_due__lte=today).iterator(chunk_size=500):
        created = notify_once(
            f"case:{case.pk}",
            Notification.Kind.LOOK_BACK_DUE,
            case.look_back_due,
            [*_responsible(case), *book.county_office_for(case.region_path)],
            f"【回头看】{case.enterprise.name} 已到回头看时间",
            f"案件 {case.number}（{case.enterprise.name}）已于 {case.closed_on:%Y-%m-%d} 销号，"
            f"请于 {case.look_back_due:%Y-%m-%d} 起开展回头看，严防死灰复燃。",
            case_link(case),
        )
        sent[Notification.Kind.LOOK_BACK_DUE] += bool(created)
    return dict(sent)
