"""Sending notices: `notify_once` and the pluggable channel registry.

`notify_once(key, kind, due_date, recipients, subject, body, link)` inserts one `Reminder`
(unique per key, kind and due date) and, only if that insert is new, writes an in-app
`Notification` per recipient and hands each to every registered channel. Every app sends through
it (case, tip and report reminders, tip assignments). Channels run after the transaction commits,
so a rolled-back job sends no e-mail.

A channel is a callable `channel(notification)`; register more (SMS later) with
`register_channel(name, func)` in an AppConfig.ready().

`notify_once_many(notices)` is the same guarantee for thousands of notices at once (the daily
reminder job): one INSERT … ON CONFLICT DO NOTHING RETURNING for the reminders, bulk inserts
for the notifications of the reminders that were really new, recipients from a `MemberBook`.

Digests: while the daily jobs run (`gathering()`, opened by notices.jobs.run), the reminders of
a kind with a registered digest (`register_digest`) are still recorded one by one, but a person
they would reach many times gets one notice for them all — "今日逾期督办：37 件", linking to the
filtered list — in the app and by e-mail; a person reached once gets the reminder itself.
"""

import contextlib
import contextvars
import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.bulk import insert_rows
from accounts.models import Organisation, User
from accounts.side_effects import after_commit

from .models import KIND_LABELS, Notification, Reminder

logger = logging.getLogger(__name__)

_channels = {}


def register_channel(name, func):
    _channels[name] = func


def unregister_channel(name):
    _channels.pop(name, None)


def channels():
    return dict(_channels)


def register_kind(kind, label):
    """Give a kind used by another app (e.g. "tip_assigned") its Chinese label in the list."""
    KIND_LABELS[kind] = label


@dataclass(frozen=True)
class DigestFormat:
    """How many reminders of one kind read as one notice: `subject` and `body` take {count}."""

    subject: str  # "今日逾期督办：{count} 件"
    link: str  # the filtered list, e.g. "/cases/?overdue=true"
    body: str = "共 {count} 件，请打开清单逐一办理。"


_digests = {}


def register_digest(kind, subject, link, body=None):
    """Reminders of `kind` that reach one person more than once in a daily run become one
    digest notice; `link` may be a callable (resolved when the digest is written)."""
    _digests[kind] = DigestFormat(subject, link, body or DigestFormat.body)


def digest_format(kind):
    return _digests.get(kind)


@dataclass
class Gathering:
    """The digestible notices of one run, per (person, kind): how many, and the first one (sent
    as it is when it stays alone). Memory grows with people × kinds, not with cases."""

    counts: dict = field(default_factory=dict)
    first: dict = field(default_factory=dict)

    def add(self, person, organisation_id, reminder_id, kind, subject, body, link):
        key = (person.pk, kind)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.first.setdefault(
            key, (person, organisation_id, reminder_id, kind, subject, body, link)
        )

    def notifications(self):
        rows = []
        for key, count in self.counts.items():
            person, organisation_id, reminder_id, kind, subject, body, link = self.first[key]
            if count > 1:
                digest = _digests[kind]
                subject = digest.subject.format(count=count)
                body = digest.body.format(count=count)
                link = digest.link() if callable(digest.link) else digest.link
            rows.append(
                Notification(
                    recipient=person,
                    organisation_id=organisation_id,
                    reminder_id=reminder_id,
                    kind=kind,
                    subject=subject,
                    body=body,
                    link=link,
                )
            )
        return rows

    def flush(self):
        """Write the gathered notices (one per person and kind) and hand them to the channels
        after commit; returns them."""
        created = Notification.objects.bulk_create(self.notifications(), batch_size=1000)
        self.counts, self.first = {}, {}
        if created:
            after_commit(lambda: deliver(created), "deliver digests")
        return created


_gathering = contextvars.ContextVar("notice_gathering", default=None)


@contextlib.contextmanager
def gathering():
    """Gather the digestible reminders sent inside the block; they are written, as digests
    where a person gets several of a kind, when it ends (inside the caller's transaction)."""
    current = Gathering()
    token = _gathering.set(current)
    try:
        yield current
    finally:
        _gathering.reset(token)
    current.flush()


def _gathered(kind):
    """The run's gathering if notices of `kind` are to be gathered now, else None."""
    current = _gathering.get()
    return current if current is not None and kind in _digests else None


def email_channel(notification):
    address = notification.recipient.email
    if not address:
        return
    body = notification.body
    if notification.link:
        body = f"{body}\n\n{notification.link}"
    send_mail(notification.subject, body, settings.DEFAULT_FROM_EMAIL, [address])


register_channel("email", email_channel)


def expand_recipients(recipients):
    """Users stay users; an Organisation stands for its active members. Each person once."""
    seen = {}
    for recipient in recipients:
        if recipient is None:
            continue
        if isinstance(recipient, Organisation):
            for member in recipient.members.filter(is_active=True):
                seen.setdefault(member.pk, (member, recipient))
        elif getattr(recipient, "is_active", True):
            seen.setdefault(recipient.pk, (recipient, None))
    return list(seen.values())


def deliver(notifications):
    for notification in notifications:
        for name, channel in list(_channels.items()):
            try:
                channel(notification)
            except Exception:
                # One failing channel (a mail server down) must not hide the in-app notice.
                logger.exception("channel %s failed for notification %s", name, notification.pk)


def notify_once(key, kind, due_date, recipients, subject, body="", link="", exclude=()):
    """Send a notice unless this (key, kind, due_date) was already sent; returns the new
    Notification rows ([] when it had been sent before). `exclude`: ids of users not to tell
    (the person who acted)."""
    people = [
        (person, organisation)
        for person, organisation in expand_recipients(recipients)
        if person.pk not in exclude
    ]
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(key=key, kind=kind, due_date=due_date)
        except IntegrityError:
            return []
        gathered = _gathered(kind)
        if gathered is not None:
            # Written when the run ends, as a digest where a person gets several (the rows
            # returned are not saved: their count is what the caller needs).
            for person, organisation in people:
                gathered.add(
                    person,
                    getattr(organisation, "pk", None),
                    reminder.pk,
                    kind,
                    subject,
                    body,
                    link,
                )
            return [
                Notification(recipient=person, kind=kind, subject=subject) for person, _ in people
            ]
        created = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=person,
                    organisation=organisation,
                    reminder=reminder,
                    kind=kind,
                    subject=subject,
                    body=body,
                    link=link,
                )
                for person, organisation in people
            ]
        )
        after_commit(lambda: deliver(created), "deliver notices")
    return created


@dataclass
class Notice:
    """One reminder to send once; `people` as `MemberBook.expand` gives them."""

    key: str
    kind: str
    due_date: object
    people: list
    subject: str
    body: str = ""
    link: str = ""


class MemberBook:
    """Recipients for a whole job, loaded in bulk and kept: the same rules as
    `expand_recipients` (an organisation stands for its active members, an inactive user gets
    nothing, each person once), without a query per notice."""

    def __init__(self):
        self._users = {}
        self._members = {}
        self._expanded = {}

    def load(self, user_ids=(), organisation_ids=()):
        """Fetch what is not known yet: at most one query for users, one for members."""
        users = {pk for pk in user_ids if pk is not None and pk not in self._users}
        organisations = {
            pk for pk in organisation_ids if pk is not None and pk not in self._members
        }
        if users:
            self._users.update({pk: None for pk in users})
            for user in User.objects.filter(pk__in=users):
                self._users[user.pk] = self._users_shared(user)
        if organisations:
            self._members.update({pk: [] for pk in organisations})
            for member in User.objects.filter(organisation_id__in=organisations, is_active=True):
                self._members[member.organisation_id].append(self._users_shared(member))

    def _users_shared(self, user):
        # One instance per person for the whole job: a notice holds a reference, not a copy.
        known = self._users.get(user.pk)
        if known is None:
            self._users[user.pk] = known = user
        return known

    def expand(self, user_ids=(), organisation_ids=()):
        """[(person, organisation id or None)] for these users, then these units' members.
        The same few combinations recur across thousands of cases: each is worked out once."""
        combination = (tuple(user_ids), tuple(organisation_ids))
        people = self._expanded.get(combination)
        if people is None:
            self.load(user_ids, organisation_ids)
            seen = {}
            for pk in user_ids:
                user = self._users.get(pk) if pk is not None else None
                if user is not None and user.is_active:
                    seen.setdefault(user.pk, (user, None))
            for organisation_id in organisation_ids:
                for member in self._members.get(organisation_id, ()):
                    seen.setdefault(member.pk, (member, organisation_id))
            people = self._expanded[combination] = list(seen.values())
        return people


REMINDER_BATCH = 1000
DELIVERY_BATCH = 2000


def _quoted(*names):
    return ", ".join(connection.ops.quote_name(name) for name in names)


def _insert_new_reminders(cursor, notices, now):
    """Insert the notices' reminders, skipping those already there (sent before, or by a
    concurrent run that got there first); returns {(key, kind, due_date): id} of the rows this
    call inserted. The unique constraint decides, so two runs never both count a reminder."""
    table = connection.ops.quote_name(Reminder._meta.db_table)
    insert = (
        f"INSERT INTO {table} ({_quoted('key', 'kind', 'due_date', 'created_at')}) {{rows}} "
        f"ON CONFLICT ({_quoted('key', 'kind', 'due_date')}) DO NOTHING "
        f"RETURNING {_quoted('id', 'key', 'kind', 'due_date')}"
    )
    inserted = {}
    for start in range(0, len(notices), REMINDER_BATCH):
        batch = notices[start : start + REMINDER_BATCH]
        if connection.vendor == "postgresql":
            # Four arrays instead of 4,000 parameters: far less for the server to parse.
            cursor.execute(
                insert.format(
                    rows="SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::date[]), "
                    "(SELECT %s::timestamptz) AS now"
                ),
                [
                    [notice.key for notice in batch],
                    [notice.kind for notice in batch],
                    [notice.due_date for notice in batch],
                    now,
                ],
            )
        else:
            adapted = connection.ops.adapt_datetimefield_value(now)
            cursor.execute(
                insert.format(rows="VALUES " + ", ".join(["(%s, %s, %s, %s)"] * len(batch))),
                [
                    value
                    for notice in batch
                    for value in (
                        notice.key,
                        notice.kind,
                        connection.ops.adapt_datefield_value(notice.due_date),
                        adapted,
                    )
                ],
            )
        for pk, key, kind, due_date in cursor.fetchall():
            if isinstance(due_date, str):  # SQLite returns the stored text
                due_date = datetime.date.fromisoformat(due_date)
            inserted[key, kind, due_date] = pk
    return inserted


def _insert_notifications(new, now):
    """One in-app notification per recipient of each new reminder, as plain rows (COPY on
    PostgreSQL: a million cases make millions of rows, and a model per row would take most of
    the job's time)."""
    insert_rows(
        Notification,
        [
            {
                "recipient_id": person.pk,
                "organisation_id": organisation_id,
                "reminder_id": reminder_id,
                "kind": notice.kind,
                "subject": notice.subject,
                "body": notice.body,
                "link": notice.link,
                "unread": True,
                "created_at": now,
            }
            for notice, reminder_id in new
            for person, organisation_id in notice.people
        ],
        with_ids=False,
    )


def _deliver_reminders(reminder_ids):
    """Hand the notifications of these reminders to the channels, read back after commit
    (the job keeps ids, not a model per notice, while it runs)."""
    if not _channels:
        return
    for start in range(0, len(reminder_ids), DELIVERY_BATCH):
        deliver(
            Notification.objects.filter(
                reminder_id__in=reminder_ids[start : start + DELIVERY_BATCH]
            )
            .select_related("recipient")
            .order_by("pk")
        )


def notify_once_many(notices):
    """`notify_once` for many notices in one transaction; returns the notices that were new
    (those already sent — now or by a concurrent run — are skipped, as by `notify_once`)."""
    notices = list(notices)
    if not notices:
        return []
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        inserted = _insert_new_reminders(cursor, notices, now)
        # A notice listed twice in one call is still sent once.
        new = []
        for notice in notices:
            reminder_id = inserted.pop((notice.key, notice.kind, notice.due_date), None)
            if reminder_id is not None:
                new.append((notice, reminder_id))
        gathered = _gathering.get()
        if gathered is not None:
            for notice, reminder_id in new:
                if notice.kind in _digests:
                    for person, organisation_id in notice.people:
                        gathered.add(
                            person,
                            organisation_id,
                            reminder_id,
                            notice.kind,
                            notice.subject,
                            notice.body,
                            notice.link,
                        )
            direct = [(notice, pk) for notice, pk in new if notice.kind not in _digests]
        else:
            direct = new
        _insert_notifications(direct, now)
        if direct:
            reminder_ids = [reminder_id for _, reminder_id in direct]
            after_commit(lambda: _deliver_reminders(reminder_ids), "deliver reminders")
    return [notice for notice, _ in new]


def mark_read(user, notification_ids=None):
    """Mark the user's notices read (all of them when no ids are given); returns the count."""
    queryset = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(unread=False)
