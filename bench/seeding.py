"""Build the benchmark data with the demo generator, timing each app's seeder.

The same `<app>.demo.seed(context)` functions as `manage.py seed_demo`, called one by one so
the time each takes is printed (and kept in the report): which seeder is slow at scale.
"""

from accounts.demo_runner import seed_all


def seed(size, seed_number=20240315, report=None):
    timings = {}

    def seeded(label, seconds):
        timings[label] = seconds
        print(f"  seed {label}: {seconds} s", flush=True)

    seed_all(size, seed_number, on_seeded=seeded)
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
