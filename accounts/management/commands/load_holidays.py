"""Load (or refresh) the statutory holiday schedule shipped in accounts/data/holidays.py."""

from django.core.management.base import BaseCommand

from accounts.data.holidays import exceptions
from accounts.models import CalendarDay


class Command(BaseCommand):
    help = "载入国务院公布的法定节假日和调休上班日安排（已存在的日期会更新）。"

    def handle(self, *args, **options):
        count = 0
        for day, is_working_day, name in exceptions():
            CalendarDay.objects.update_or_create(
                date=day, defaults={"is_working_day": is_working_day, "name": name}
            )
            count += 1
        self.stdout.write(self.style.SUCCESS(f"已载入 {count} 个节假日/调休日期。"))
