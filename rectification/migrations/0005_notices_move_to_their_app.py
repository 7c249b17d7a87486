"""Notification and Reminder now belong to the notices app (notices 0001 took over and renamed
their tables, rows kept): they leave rectification's state only — no SQL runs here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0004_region_path_statistics"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="Reminder"),
            ],
        ),
    ]
