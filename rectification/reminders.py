"""The daily case reminder job (registered with notices.jobs as "case_reminders"): deadline reminders 7, 3 and 1 days ahead to the responsible person
and unit, the overdue notice (escalated to the county office) and look-back (回头看) due notices.

Each notice is sent once per case, kind and due date (the `Reminder` unique constraint), so
running the job twice in a day — or a retried or concurrent task — sends nothing new.

A province holds a million cases, so the job is set-based: each pass reads its cases' ids,
then works in chunks of ids: one query finds those already reminded, one reads the others'
rows, recipients come from a `MemberBook` kept for the whole run, and `notify_once_many`
bulk-inserts the chunk's reminders and notifications in one transaction.
"""

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Region
from accounts.paths import path_at_level
from notices.models import Notification, Reminder
from notices.notifications import MemberBook, Notice, notify_once_many, register_digest

from .models import Case, CaseState

REMINDER_DAYS = {
    7: Notification.Kind.DUE_IN_7,
    3: Notification.Kind.DUE_IN_3,
    1: Notification.Kind.DUE_IN_1,
}

CHUNK_SIZE = 2000

# How many reminders of a kind read as one notice in the daily run ({count} 件), and the case
# list each links to (notifications.register_digest, from RectificationConfig.ready()).
DIGESTS = {
    Notification.Kind.DUE_IN_7: ("今日整治期限7天提醒：{count} 件", "?due_within=7"),
    Notification.Kind.DUE_IN_3: ("今日整治期限3天提醒：{count} 件", "?due_within=3"),
    Notification.Kind.DUE_IN_1: ("今日整治期限1天提醒：{count} 件", "?due_within=1"),
    Notification.Kind.OVERDUE: ("今日逾期督办：{count} 件", "?overdue=true"),
    Notification.Kind.LOOK_BACK_DUE: ("今日回头看到期：{count} 件", "?look_back_due=true"),
}


def register_digests():
    for kind, (subject, query) in DIGESTS.items():
        register_digest(
            kind,
            subject,
            lambda query=query: reverse("rectification:case_list") + query,
            "共 {count} 件，点击查看清单（按期限排序），逐一督促整改。",
        )


STATE_LABELS = dict(CaseState.choices)

CASE_FIELDS = (
    "pk",
    "number",
    "state",
    "deadline",
    "closed_on",
    "look_back_due",
    "region_path",
    "responsible_person",
    "responsible_unit_id",
    "responsible_user_id",
    "responsible_unit__name",
    "enterprise__name",
)


class RecipientBook:
    """The county offices, loaded once per job (overdue and look-back notices go to them)."""

    def __init__(self):
        self.county_offices = None

    def county_office_ids_for(self, region_path):
        if self.county_offices is None:
            self.county_offices = defaultdict(list)
            for pk, path in Organisation.objects.filter(
                kind=Organisation.Kind.COUNTY_OFFICE
            ).values_list("pk", "region__path"):
                self.county_offices[path].append(pk)
        county = path_at_level(region_path, Region.Level.COUNTY) or region_path
        return self.county_offices.get(county, [])


class CaseLinks:
    """`reverse()` once, not per case: the detail URL differs only by the case id."""

    PLACEHOLDER = 987654321

    def __init__(self):
        url = reverse("rectification:case_detail", args=[self.PLACEHOLDER])
        self.prefix, _, self.suffix = url.partition(str(self.PLACEHOLDER))

    def __call__(self, pk):
        return f"{self.prefix}{pk}{self.suffix}"


def _not_yet_sent(due, kind_for):
    """The ids among `due` ([(case id, due date)]) without their reminder yet, in one query on
    the ledger's unique index.

    Not an anti-join in the case query: while the job runs the ledger grows inside its own
    transaction, the planner's row estimate stays at the old size and it compares every case
    with every reminder."""
    wanted = [(f"case:{pk}", kind_for(due_date), due_date, pk) for pk, due_date in due]
    sent = set(
        Reminder.objects.filter(
            key__in=[key for key, *_ in wanted], kind__in={kind for _, kind, *_ in wanted}
        ).values_list("key", "kind", "due_date")
    )
    return [pk for key, kind, due_date, pk in wanted if (key, kind, due_date) not in sent]


def _send(queryset, due_field, kind_for, compose, members, escalate=None):
    """Send the reminder of every case of `queryset` not reminded yet; {kind: new count}.

    The ids and due dates of the whole pass come first in one narrow query (the planner picks
    the state/date index; a second run the same day reads nothing more); full rows only for
    the cases still to remind, CHUNK_SIZE at a time."""
    sent = defaultdict(int)
    due = sorted(queryset.order_by().values_list("pk", due_field))
    for start in range(0, len(due), CHUNK_SIZE):
        ids = _not_yet_sent(due[start : start + CHUNK_SIZE], kind_for)
        if not ids:
            continue
        # Filtered again: a case changed since the first query is taken as it is now. An id
        # range, not 2,000 ids, as the condition; the few reminded cases inside are dropped.
        wanted = set(ids)
        rows = [
            dict(zip(CASE_FIELDS, values, strict=True))
            for values in queryset.filter(pk__range=(ids[0], ids[-1]))
            .order_by("pk")
            .values_list(*CASE_FIELDS)
            if values[0] in wanted
        ]
        units = [
            ([row["responsible_unit_id"]] if row["responsible_unit_id"] else [])
            + (escalate(row["region_path"]) if escalate else [])
            for row in rows
        ]
        members.load([row["responsible_user_id"] for row in rows], [u for us in units for u in us])
        notices = []
        for row, row_units in zip(rows, units, strict=True):
            kind = kind_for(row[due_field])
            notices.append(
                Notice(
                    f"case:{row['pk']}",
                    kind,
                    row[due_field],
                    members.expand([row["responsible_user_id"]], row_units),
                    *compose(row),
                )
            )
        for notice in notify_once_many(notices):
            sent[notice.kind] += 1
    return sent


def send_due_reminders(today=None):
    """Run every reminder due on `today`; returns how many notices of each kind were new."""
    today = today or timezone.localdate()
    book = RecipientBook()
    members = MemberBook()
    link = CaseLinks()
    sent = defaultdict(int)

    def days_left(deadline):
        return (deadline - today).days

    def ahead(row):
        enterprise, deadline = row["enterprise__name"], row["deadline"]
        return (
            f"【整治期限提醒】{enterprise} 距整治期限还有 {days_left(deadline)} 天",
            f"案件 {row['number']}（{enterprise}）的整治期限为 {deadline:%Y-%m-%d}，"
            f"当前状态：{STATE_LABELS.get(row['state'], row['state'])}。"
            f"请按期完成整治并提请验收。",
            link(row["pk"]),
        )

    sent.update(
        _send(
            Case.objects.open()
            .filter(deadline__in=[today + datetime.timedelta(days=days) for days in REMINDER_DAYS])
            .exclude(state=CaseState.FOUND),
            "deadline",
            lambda deadline: REMINDER_DAYS[days_left(deadline)],
            ahead,
            members,
        )
    )

    # Overdue: the first run after the deadline sends it; a missed day does not lose it.
    def overdue(row):
        enterprise = row["enterprise__name"]
        unit = row["responsible_unit__name"] if row["responsible_unit_id"] else "未指定"
        return (
            f"【逾期督办】{enterprise} 已超过整治期限",
            f"案件 {row['number']}（{enterprise}）的整治期限 {row['deadline']:%Y-%m-%d} 已过，"
            f"仍为“{STATE_LABELS.get(row['state'], row['state'])}”。责任单位：{unit}，"
            f"分包责任人：{row['responsible_person'] or '未指定'}。已抄送县整治办督办。",
            link(row["pk"]),
        )

    sent.update(
        _send(
            Case.objects.overdue(today),
            "deadline",
            lambda deadline: Notification.Kind.OVERDUE,
            overdue,
            members,
            escalate=book.county_office_ids_for,
        )
    )

    def look_back(row):
        enterprise = row["enterprise__name"]
        return (
            f"【回头看】{enterprise} 已到回头看时间",
            f"案件 {row['number']}（{enterprise}）已于 {row['closed_on']:%Y-%m-%d} 销号，"
            f"请于 {row['look_back_due']:%Y-%m-%d} 起开展回头看，严防死灰复燃。",
            link(row["pk"]),
        )

    sent.update(
        _send(
            Case.objects.closed().filter(look_back_due__lte=today),
            "look_back_due",
            lambda look_back_due: Notification.Kind.LOOK_BACK_DUE,
            look_back,
            members,
            escalate=book.county_office_ids_for,
        )
    )
    return dict(sent)
