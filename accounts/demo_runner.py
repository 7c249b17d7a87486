"""Run every app's demo generator: `<app>.demo.seed(context)` in INSTALLED_APPS order
(accounts first, reporting last), so `manage.py seed_demo` and the benchmarks build the same data."""

import random
import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.db import transaction


def app_seeders():
    """(label, seed function) of every project app that has a demo module."""
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo"
        if app_config.path.startswith(str(settings.BASE_DIR)) and find_spec(module_name):
            yield app_config.label, import_module(module_name).seed


def seed_all(size, seed_number, stdout=None, on_seeded=None):
    """Build the demo for `size` enterprises in one transaction; returns the shared context.
    `on_seeded(label, seconds)` hears how long each app's generator took."""
    context = {"size": size, "random": random.Random(seed_number), "stdout": stdout}
    with transaction.atomic():
        for label, seed in app_seeders():
            started = time.perf_counter()
            seed(context)
            if on_seeded is not None:
                on_seeded(label, round(time.perf_counter() - started, 2))
    return context
