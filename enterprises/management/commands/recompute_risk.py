"""`manage.py recompute_risk [--date YYYY-MM-DD] [--chunk N]`: rewrite every enterprise's 风险画像
(score, band, deductions) in id-ordered chunks — the nightly pass, run by hand after the
weights change or after a bulk load."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from enterprises.risk import CHUNK_SIZE, recompute_all


class Command(BaseCommand):
    help = "重新计算全部企业的风险画像（评分、等级和扣分明细），按企业编号分批进行。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期计算（YYYY-MM-DD），默认今天")
        parser.add_argument("--chunk", type=int, default=CHUNK_SIZE, help="每批企业数")

    def handle(self, *args, date=None, chunk=CHUNK_SIZE, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from error
        if chunk < 1:
            raise CommandError("每批企业数应为正整数。")
        started = time.monotonic()
        changed = recompute_all(day, chunk_size=chunk)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"风险画像已重新计算：{changed} 家企业的评分或等级有变化，用时 {seconds:.1f} 秒。"
            )
        )
