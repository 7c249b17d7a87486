"""一张图's API (/api/map/) for the city office (binned on the server) and the administrator's
province, and a county-sized view zoomed in from the city (points): p95 ms and the payload.
Targets: a city ≤ 200 ms p95 and ≤ 500 KB at 1,000,000 enterprises. The baseline is the bare
GROUP BY over the area's cases that the place figures need."""

from maps.models import RegionBoundary

from .common import client_for, data_size, demo_user, get_ok, time_page, time_raw

BARE_AGGREGATE = (
    "SELECT state, COUNT(*) FROM rectification_case WHERE region_path LIKE %s GROUP BY state"
)


def run(report):
    size = data_size()
    for username, label, target in (
        ("city", "city", "≤ 200 ms, ≤ 500 KB"),
        ("admin", "province", None),
    ):
        client = client_for(username)
        if client is None:
            print("  no demo data: run `python manage.py seed_demo` first")
            return
        user = demo_user(username)
        path = user.organisation.region.path if user.organisation_id else ""
        baseline = time_raw(BARE_AGGREGATE, [path + "%"])
        views = [(f"{label} map", "/api/map/")]
        county = RegionBoundary.objects.filter(region__code="230826000000").first()
        if username == "city" and county is not None:
            bbox = ",".join(f"{v:.4f}" for v in county.bbox)
            views.append((f"{label} map zoomed to a county", f"/api/map/?bbox={bbox}"))
        for what, url in views:
            payload = len(get_ok(client, url).content)
            figure = time_page(client, url)
            report.add(
                f"{what}, p95 ms [{figure['queries']} queries, {payload / 1024:.0f} KB]",
                size,
                round(figure["p95_ms"], 1),
                round(baseline["p95_ms"], 1),
                target,
            )
