"""Region-subtree lookup: the scoping helper's prefix query against the same bare SQL."""

from django.db import connection

from accounts.models import Region

from .report import time_calls


def run(report):
    county = Region.objects.counties().first()
    if county is None:
        print("  no regions: run `python manage.py seed_demo` first")
        return
    size = Region.objects.count()

    def orm():
        return list(Region.objects.within(county.path).values_list("id", flat=True))

    def bare():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM accounts_region WHERE path LIKE %s", [county.path + "%"])
            return cursor.fetchall()

    figure, baseline = time_calls(orm), time_calls(bare)
    report.add(
        "county subtree ids (ORM vs bare SQL), p95 ms",
        f"{size} regions",
        round(figure["p95_ms"], 3),
        round(baseline["p95_ms"], 3),
    )
