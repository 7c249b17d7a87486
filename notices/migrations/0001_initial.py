"""Notification and Reminder move here from rectification, with every row they hold.

rectification's first migration created the tables. This migration
1. adds the two models to this app's state only, on the tables they already have;
2. renames the tables to this app's names (rectification_reminder -> notices_reminder,
   rectification_notification -> notices_notification) with AlterModelTable: one ALTER TABLE …
   RENAME each on SQLite and PostgreSQL, so rows, ids, indexes and foreign keys stay as they are;
3. moves the two content types to this app, so permissions granted on them are kept.
rectification 0005 then drops the models from rectification's state (no SQL) and depends on this
one; this one runs after rectification 0004, the last migration that knew the models there, so
the tables always exist when they are renamed — on a database with data and on a new one.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("notification", "reminder")


def move_content_types(apps, schema_editor, source="rectification", target="notices"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        # After a `migrate` on the new code the target may already exist; then leave both.
        if not content_types.filter(app_label=target, model=model).exists():
            content_types.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="notices", target="rectification")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_load_statutory_holidays"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("rectification", "0004_region_path_statistics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Reminder",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(help_text="例如 case:42、report:township:230826100000", max_length=80, verbose_name="对象")),
                        ("kind", models.CharField(max_length=40, verbose_name="类别")),
                        ("due_date", models.DateField(verbose_name="到期日")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="发送时间")),
                    ],
                    options={
                        "verbose_name": "提醒记录",
                        "verbose_name_plural": "提醒记录",
                        "db_table": "rectification_reminder",
                        "constraints": [models.UniqueConstraint(fields=("key", "kind", "due_date"), name="reminder_once_per_key_kind_due_date")],
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=40, verbose_name="类别")),
                        ("subject", models.CharField(max_length=200, verbose_name="标题")),
                        ("body", models.TextField(blank=True, verbose_name="内容")),
                        ("link", models.CharField(blank=True, max_length=300, verbose_name="链接")),
                        ("unread", models.BooleanField(default=True, verbose_name="未读")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                        ("organisation", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="accounts.organisation", verbose_name="接收单位")),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL, verbose_name="接收人")),
                        ("reminder", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="notices.reminder", verbose_name="提醒记录")),
                    ],
                    options={
                        "verbose_name": "通知",
                        "verbose_name_plural": "通知",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "rectification_notification",
                        "indexes": [models.Index(fields=["recipient", "unread"], name="notification_inbox")],
                    },
                ),
            ],
        ),
        # None: back to the default name, notices_<model>.
        migrations.AlterModelTable(name="reminder", table=None),
        migrations.AlterModelTable(name="notification", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
