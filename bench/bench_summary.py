"""The monthly 摸底情况汇总表 of a city as .xlsx, exported by the city office. Target: ≤ 1 s
for a 20,000-enterprise city (the figure is printed with the city's real enterprise count)."""

from enterprises.models import Enterprise

from .common import NO_DEMO_DATA, client_for, data_size, demo_user, time_page

TARGET_MS = 1000


def run(report):
    client = client_for("city")
    if client is None:
        print(NO_DEMO_DATA)
        return
    city = demo_user("city").organisation.region
    in_city = Enterprise.objects.within(city.path).count()
    figure = time_page(client, f"/reports/tables/survey_summary/export/?region={city.code}", 5)
    report.add(
        f"monthly 摸底情况汇总表 .xlsx for a {in_city:,}-enterprise city, p95 ms "
        f"[{figure['queries']} queries]",
        data_size(),
        round(figure["p95_ms"], 1),
        None,
        f"≤ {TARGET_MS}",
    )
