"""一张图's API (/api/map/) for the city office (binned on the server) and the administrator's
province, a county-sized view zoomed in from the city (points) and the boundaries of both
scales: p95 ms and the payload.
Targets: a city ≤ 200 ms p95 and ≤ 500 KB at 1,000,000 enterprises. The baseline is the bare
GROUP BY over the area's cases that the place figures need."""

from maps.models import RegionBoundary

from .common import data_size, for_each_office, get_ok, time_page, time_raw

BARE_AGGREGATE = (
    "SELECT state, COUNT(*) FROM rectification_case WHERE region_path LIKE %s GROUP BY state"
)


# The city office (binned) and the administrator, whose map is the province.
SCALES = {"city": ("city", "≤ 200 ms, ≤ 500 KB"), "admin": ("province", None)}


def run(report):
    for_each_office(report, measure, usernames=tuple(SCALES))


def measure(report, username, client, user):
    size = data_size()
    label, target = SCALES[username]
    path = user.organisation.region.path if user.organisation_id else ""
    baseline = time_raw(BARE_AGGREGATE, [path + "%"])
    views = [(f"{label} map", "/api/map/", target)]
    county = RegionBoundary.objects.filter(region__code="230826000000").first()
    if username == "city" and county is not None:
        bbox = ",".join(f"{v:.4f}" for v in county.bbox)
        views.append((f"{label} map zoomed to a county", f"/api/map/?bbox={bbox}", target))
    # The boundaries, simplified for the scale (maps.geometry); no bare SQL beside them.
    views.append((f"{label} map boundaries", "/api/map/boundaries/", None))
    for what, url, view_target in views:
        payload = len(get_ok(client, url).content)
        figure = time_page(client, url)
        report.add(
            f"{what}, p95 ms [{figure['queries']} queries, {payload / 1024:.0f} KB]",
            size,
            round(figure["p95_ms"], 1),
            round(baseline["p95_ms"], 1) if "boundaries" not in url else None,
            view_target,
        )
