"""Queries per page must not grow with the data: the county office's pages are counted over
everything they list and over a filtered slice about ten times smaller (the dashboard: the
demo county against an empty one)."""

from urllib.parse import urlencode

from django.test.utils import override_settings

from accounts.demo import COUNTY, OTHER_COUNTY
from accounts.models import Region
from enterprises.models import Enterprise
from rectification.models import Case

from .common import NO_DEMO_DATA, client_for, count_queries, data_size, demo_user


def run(report):
    client = client_for("county")
    if client is None:
        print(NO_DEMO_DATA)
        return
    user = demo_user("county")
    size = data_size()
    township = Region.objects.visible_to(user).townships().order_by("code").first()
    # The same user and page over two slices of the data at least ten times apart.
    narrow_ledger = {"reported_after": "2026-08-01"}
    narrow_cases = {"township": township.pk}
    pages = [
        ("ledger page", "/enterprises/", narrow_ledger, Enterprise),
        ("/api/enterprises/ list", "/api/enterprises/", narrow_ledger, Enterprise),
        ("case list", "/cases/", narrow_cases, Case),
        ("/api/cases/ list", "/api/cases/", narrow_cases, Case),
    ]
    for label, url, narrow, model in pages:
        everything = model.objects.visible_to(user).count()
        if model is Enterprise:
            few = Enterprise.objects.visible_to(user).filter(reported_on__gte="2026-08-01").count()
        else:
            few = Case.objects.visible_to(user).filter(enterprise__township=township).count()
        report.add(
            f"queries: {label}, {everything:,} rows listed vs {few:,}",
            size,
            count_queries(client, url),
            count_queries(client, f"{url}?{urlencode(narrow)}"),
            "constant (± the filter’s own lookup and exact vs estimated count)",
        )
    city = client_for("city")
    # Computed, not from the dashboard cache: the count that matters is the one of a fresh view.
    with override_settings(DASHBOARD_CACHE=False):
        report.add(
            "queries: dashboard (computed), the demo county vs an empty county",
            size,
            count_queries(city, f"/reports/dashboard/?region={COUNTY[0]}"),
            count_queries(city, f"/reports/dashboard/?region={OTHER_COUNTY[0]}"),
            "constant",
        )
