"""The daily reminder pass (rectification.reminders.send_due_reminders) over every case, then
its second run the same day, which must send nothing new. Target: ≤ 60 s each. Both runs are
rolled back afterwards, so the benchmark can run again on the same data."""

import os
import time

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

from django.db import transaction

from notices.models import Notification
from rectification.models import Case
from rectification.reminders import send_due_reminders

TARGET_S = 60


class RollBack(Exception):
    pass


def run(report):
    cases = Case.objects.count()
    if not cases:
        print("  no cases: run `python manage.py seed_demo` first")
        return
    size = f"{cases:,} cases"
    first, first_seconds, rows, second, second_seconds = rolled_back_passes()
    report.add(
        f"daily reminder pass, first run, s [{sum(first.values()):,} notices, {rows:,} rows]",
        size,
        round(first_seconds, 2),
        None,
        f"≤ {TARGET_S}",
    )
    report.add(
        f"daily reminder pass, second run, s [{sum(second.values()):,} new notices]",
        size,
        round(second_seconds, 2),
        None,
        f"≤ {TARGET_S}, 0 new",
    )


def rolled_back_passes():
    """(first run's counts, its seconds, rows written, second run's counts, its seconds), with
    both runs rolled back."""
    try:
        with transaction.atomic():
            before = Notification.objects.count()
            started = time.perf_counter()
            first = send_due_reminders()
            first_seconds = time.perf_counter() - started
            # One notice fans out to every recipient: the rows written are what costs.
            rows = Notification.objects.count() - before
            started = time.perf_counter()
            second = send_due_reminders()
            second_seconds = time.perf_counter() - started
            raise RollBack
    except RollBack:
        pass
    return first, first_seconds, rows, second, second_seconds


if __name__ == "__main__":
    # `python -m bench.bench_reminders`: the first pass alone, as JSON — bench_load runs it
    # beside the 64-user load when BENCH_LOAD_REMINDERS=1.
    import json

    first, first_seconds, rows, _, _ = rolled_back_passes()
    print(json.dumps({"seconds": round(first_seconds, 2), "notices": sum(first.values())}))
