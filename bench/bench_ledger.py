"""Ledger page (/enterprises/) and /api/enterprises/ filtered by township, state (有无手续) and
text, page 1 and page 200, against the bare SQL of the same page's rows. Target: p95 ≤ 100 ms."""

from types import SimpleNamespace
from urllib.parse import urlencode

from accounts.models import Region
from enterprises.filters import EnterpriseFilter
from enterprises.models import Enterprise

from .common import data_size, for_each_office, time_bare_sql, time_page

PAGE_SIZE = 50
TARGET_MS = 100


def filters_for(user):
    township = Region.objects.visible_to(user).townships().order_by("code").first()
    return {
        "township": {"township": township.code},
        "state": {"permit_status": "partial"},
        "text": {"q": "铸造"},
    }


def page_queryset(user, params, page):
    request = SimpleNamespace(user=user)
    filterset = EnterpriseFilter(
        params, queryset=Enterprise.objects.visible_to(user), request=request
    )
    queryset = filterset.qs.select_related("township", "village")
    start = (page - 1) * PAGE_SIZE
    return queryset[start : start + PAGE_SIZE]


def run(report):
    # The county office (a county's ledger) and the city office (ten counties: deep pages).
    for_each_office(report, measure)


def measure(report, username, client, user):
    size = data_size()
    for name, params in filters_for(user).items():
        matching = EnterpriseFilter(
            params, queryset=Enterprise.objects.visible_to(user), request=SimpleNamespace(user=user)
        ).qs.count()
        last_page = max(1, -(-matching // PAGE_SIZE))
        for page in (1, min(200, last_page)):
            baseline = time_bare_sql(page_queryset(user, params, page))
            query = urlencode({**params, "page": page})
            for label, url in (
                ("ledger page", f"/enterprises/?{query}"),
                ("/api/enterprises/", f"/api/enterprises/?{query}"),
            ):
                figure = time_page(client, url)
                report.add(
                    f"{username}: {label} by {name}, page {page} ({matching:,} rows match), p95 ms "
                    f"[{figure['queries']} queries]",
                    size,
                    round(figure["p95_ms"], 1),
                    round(baseline["p95_ms"], 1),
                    f"≤ {TARGET_MS}",
                )
