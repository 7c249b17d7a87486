"""Moving Notification and Reminder from rectification to the notices app keeps every row: a
database migrated up to the last state before the move, with notices in it, migrates forward and
the same notices are read through notices.models — on SQLite and on PostgreSQL alike (this file
is not limited to either; CI runs it on both)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notices.models import Notification, Reminder
from notices.notifications import notify_once

BEFORE_THE_MOVE = [("notices", None), ("rectification", "0004_region_path_statistics")]
DUE = datetime.date(2024, 5, 23)


def migrate(targets):
    executor = MigrationExecutor(connection)
    return executor.migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_existing_notices_survive_the_move_to_the_notices_app(area):
    clerk, head = area["users"]["clerk"], area["users"]["head"]
    try:
        old = migrate(BEFORE_THE_MOVE).apps
        tables = connection.introspection.table_names()
        assert "rectification_notification" in tables and "notices_notification" not in tables
        OldReminder = old.get_model("rectification", "Reminder")
        OldNotification = old.get_model("rectification", "Notification")
        reminder = OldReminder.objects.create(key="case:42", kind="due_in_3", due_date=DUE)
        kept = OldNotification.objects.create(
            recipient_id=clerk.pk,
            organisation_id=area["orgs"]["township_a1"].pk,
            reminder=reminder,
            kind="due_in_3",
            subject="【整治期限提醒】某厂 距整治期限还有 3 天",
            body="请按期完成整治。",
            link="/cases/42/",
        )
        read = OldNotification.objects.create(
            recipient_id=head.pk, kind="other", subject="已读的通知", unread=False
        )
    finally:
        migrate(latest())

    tables = connection.introspection.table_names()
    assert {"notices_notification", "notices_reminder"} <= set(tables)
    assert not {"rectification_notification", "rectification_reminder"} & set(tables)
    notice = Notification.objects.select_related("reminder").get(pk=kept.pk)
    assert (notice.recipient, notice.organisation) == (clerk, area["orgs"]["township_a1"])
    assert (notice.subject, notice.body, notice.link) == (kept.subject, kept.body, kept.link)
    assert notice.unread is True and notice.created_at == kept.created_at
    assert (notice.reminder.key, notice.reminder.kind, notice.reminder.due_date) == (
        "case:42",
        "due_in_3",
        DUE,
    )
    assert Notification.objects.get(pk=read.pk).unread is False
    assert list(Notification.objects.for_user(clerk).unread()) == [notice]
    # The moved tables go on working: the unique reminder still refuses a repeat, and new rows
    # take new ids after the old ones.
    assert notify_once("case:42", "due_in_3", DUE, [clerk], "重复") == []
    (new,) = notify_once("case:43", "due_in_3", DUE, [clerk], "新的通知")
    assert new.pk > max(kept.pk, read.pk) and new.reminder.pk > reminder.pk
    assert Reminder.objects.count() == 2
