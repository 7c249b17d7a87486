"""Build the benchmark data with the demo generator, timing each app's seeder.

The same `<app>.demo.seed(context)` functions as `manage.py seed_demo`, called one by one so
the time each takes is printed (and kept in the report): which seeder is slow at scale.
"""

import random
import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.db import transaction


def seed(size, seed_number=20240315, report=None):
    context = {"size": size, "random": random.Random(seed_number), "stdout": None}
    timings = {}
    with transaction.atomic():
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if (
                not app_config.path.startswith(str(settings.BASE_DIR))
                or find_spec(module_name) is None
            ):
                continue
            started = time.perf_counter()
            import_module(module_name).seed(context)
            timings[app_config.label] = round(time.perf_counter() - started, 2)
            print(f"  seed {app_config.label}: {timings[app_config.label]} s", flush=True)
    if report is not None:
        for label, seconds in timings.items():
            report.add(f"seed_demo: {label} seeder, s", f"{size} enterprises", seconds)
    return timings


if __name__ == "__main__":
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    seed(int(sys.argv[1]))
