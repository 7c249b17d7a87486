"""County and city dashboards (/reports/dashboard/) against the bare aggregate SQL of their main
figure: cases grouped by state × disposal under the area. Targets: ≤ 150 ms / ≤ 400 ms."""

from .common import client_for, data_size, demo_user, time_page, time_raw

BARE_AGGREGATE = (
    "SELECT state, disposal, COUNT(*) FROM rectification_case "
    "WHERE region_path LIKE %s GROUP BY state, disposal"
)


def run(report):
    size = data_size()
    for username, target in (("county", 150), ("city", 400)):
        client = client_for(username)
        if client is None:
            print("  no demo data: run `python manage.py seed_demo` first")
            return
        path = demo_user(username).organisation.region.path
        figure = time_page(client, "/reports/dashboard/")
        baseline = time_raw(BARE_AGGREGATE, [path + "%"])
        report.add(
            f"{username} dashboard, p95 ms [{figure['queries']} queries]",
            size,
            round(figure["p95_ms"], 1),
            round(baseline["p95_ms"], 1),
            f"≤ {target}",
        )
