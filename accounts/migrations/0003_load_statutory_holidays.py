from django.db import migrations


def load(apps, schema_editor):
    from accounts.data.holidays import exceptions

    CalendarDay = apps.get_model("accounts", "CalendarDay")
    for day, is_working_day, name in exceptions():
        CalendarDay.objects.update_or_create(
            date=day, defaults={"is_working_day": is_working_day, "name": name}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_calendar_day")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
