"""County and city dashboards (/reports/dashboard/) against the bare aggregate SQL of their main
figure: cases grouped by state × disposal under the area. Targets: ≤ 150 ms / ≤ 400 ms.

Each is measured computed on every view (as the first view after any change under it is), and,
when a shared cache is configured (REDIS_URL), served from reporting.dashboard.cache."""

from django.conf import settings
from django.test.utils import override_settings

from .common import data_size, for_each_office, get_ok, time_page, time_raw

BARE_AGGREGATE = (
    "SELECT state, disposal, COUNT(*) FROM rectification_case "
    "WHERE region_path LIKE %s GROUP BY state, disposal"
)


TARGET_MS = {"county": 150, "city": 400}


def run(report):
    for_each_office(report, measure)


def measure(report, username, client, user):
    size = data_size()
    shared_cache = "redis" in settings.CACHES["default"]["BACKEND"].lower()
    baseline = time_raw(BARE_AGGREGATE, [user.organisation.region.path + "%"])
    modes = [("computed on every view", False)]
    if shared_cache:
        modes.append(("from the cache while nothing under it changes", True))
    for label, cached in modes:
        with override_settings(DASHBOARD_CACHE=cached):
            if cached:
                get_ok(client, "/reports/dashboard/")  # the one computed view
            figure = time_page(client, "/reports/dashboard/")
        report.add(
            f"{username} dashboard, {label}, p95 ms [{figure['queries']} queries]",
            size,
            round(figure["p95_ms"], 1),
            round(baseline["p95_ms"], 1),
            f"≤ {TARGET_MS[username]}",
        )
