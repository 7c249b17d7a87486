"""`manage.py send_reminders [--date YYYY-MM-DD]`: the daily reminder job, for cron-only installs."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from rectification.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "发送整治期限提醒、逾期督办和回头看到期通知（与每日定时任务相同，重复运行不会重复发送）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from error
        sent = send_due_reminders(day)
        total = sum(sent.values())
        self.stdout.write(self.style.SUCCESS(f"提醒任务完成：新发送 {total} 条提醒。"))
        for kind, count in sorted(sent.items()):
            self.stdout.write(f"  {kind}: {count}")
