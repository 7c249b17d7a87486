"""Sending notices: `notify_once` and the pluggable channel registry.

`notify_once(key, kind, due_date, recipients, subject, body, link)` inserts one `Reminder`
(unique per key, kind and due date) and, only if that insert is new, writes an in-app
`Notification` per recipient and hands each to every registered channel. The reporting app uses
the same function for report-deadline reminders. Channels run after the transaction commits,
so a rolled-back job sends no e-mail.

A channel is a callable `channel(notification)`; register more (SMS later) with
`register_channel(name, func)` in an AppConfig.ready().
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from accounts.models import Organisation

from .notification_models import KIND_LABELS, Notification, Reminder

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


def notify_once(key, kind, due_date, recipients, subject, body="", link=""):
    """Send a notice unless this (key, kind, due_date) was already sent; returns the new
    Notification rows ([] when it had been sent before)."""
    people = expand_recipients(recipients)
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(key=key, kind=kind, due_date=due_date)
        except IntegrityError:
            return []
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
        transaction.on_commit(lambda: deliver(created))
    return created


def mark_read(user, notification_ids=None):
    """Mark the user's notices read (all of them when no ids are given); returns the count."""
    queryset = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(unread=False)
