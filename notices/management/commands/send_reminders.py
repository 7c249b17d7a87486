"""`manage.py send_reminders [--date YYYY-MM-DD]`: every registered daily job (case deadlines,
waiting tips, report deadlines), for cron-only installs — the same jobs as the beat task."""

import datetime
from collections.abc import Mapping

from django.core.management.base import BaseCommand, CommandError

from notices import jobs


class Command(BaseCommand):
    help = (
        "发送全部每日提醒：整治期限、逾期督办和回头看，举报交办与核查，报表报送"
        "（与每日定时任务相同，重复运行不会重复发送）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from error
        outcomes = jobs.run(day)
        total = sum(outcome.count for outcome in outcomes)
        self.stdout.write(self.style.SUCCESS(f"提醒任务完成：新发送 {total} 条提醒。"))
        for outcome in outcomes:
            if outcome.error is not None:
                self.stderr.write(f"  {outcome.job.label}：失败（{outcome.error}）")
                continue
            self.stdout.write(f"  {outcome.job.label}: {outcome.count}")
            if isinstance(outcome.sent, Mapping):
                for kind, count in sorted(outcome.sent.items()):
                    self.stdout.write(f"    {kind}: {count}")
        failed = [outcome.job.label for outcome in outcomes if outcome.error is not None]
        if failed:
            # After the others ran: cron sees a non-zero exit and mails the output.
            raise CommandError(f"{len(failed)} 项提醒任务失败：{'、'.join(failed)}，详见日志。")
