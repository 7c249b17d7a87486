"""Every list a user opens, page and API, for the county and the city office: page 1, a deep
page (page 200 where the list is that long, else the last; past the numbered pages it is
reached by cursor as the pager links it), each filter the page offers and the text search with
2-, 3- and 4-character terms; beside the same request's own SELECTs run bare through a cursor
in the same run (no ORM, no template, no view). Target: p95 ≤ 100 ms at 1,000,000 enterprises.

BENCH_LIST_REPEAT (default 10) sets the samples per row: the default keeps the module short
on a shared machine; the lead's 1,000,000 run uses 20.
"""

import os
import re
from urllib.parse import urlencode

from django.db import connection

from accounts.models import Region
from accounts.pagination import NUMBERED_PAGES

from .common import data_size, for_each_office, get_ok, time_page
from .report import time_calls

TARGET_MS = 100
REPEAT = int(os.environ.get("BENCH_LIST_REPEAT", "10"))
DEEP_PAGE = 200
SEARCH_TERMS = ("铸造", "铸造厂", "塑料加工")


def lists_for(user):
    """(label, page URL, API URL or None, {filter name: params}) of every list."""
    township = Region.objects.visible_to(user).townships().order_by("code").first()
    place = {"township": township.code}
    return [
        (
            "ledger",
            "/enterprises/",
            "/api/enterprises/",
            {
                "none": {},
                "township": place,
                "state": {"permit_status": "partial"},
                "type": {"enterprise_type": "eight_small"},
                **{f"text {len(term)} chars": {"q": term} for term in SEARCH_TERMS},
            },
        ),
        (
            "case list",
            "/cases/",
            "/api/cases/",
            {
                "none": {},
                "township": {"township": township.pk},
                "state": {"state": "in_progress"},
                "overdue": {"overdue": "true"},
                "relapse": {"is_relapse": "true"},
                **{f"text {len(term)} chars": {"q": term} for term in SEARCH_TERMS},
            },
        ),
        (
            "inspection list",
            "/inspections/",
            "/api/inspections/",
            {
                "none": {},
                "township": place,
                "type": {"inspection_type": "spot_check"},
                "text 2 chars": {"q": SEARCH_TERMS[0]},
            },
        ),
        ("tip list", "/inspections/tips/", "/api/tips/", {"none": {}, "township": place}),
        (
            "附件2 list (督查跟踪)",
            "/inspections/supervision/",
            "/api/supervision-transfers/",
            {"none": {}, "township": {"township": township.code}},
        ),
        (
            "submissions",
            "/reports/submissions/",
            "/api/submissions/",
            {"none": {}, "latest": {"latest": "true"}},
        ),
        ("notifications", "/notices/", "/api/notifications/", {"none": {}}),
    ]


def page_sql(client, url):
    """The SELECTs one GET of `url` runs, with their parameters."""
    captured = []

    def capture(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        response = get_ok(client, url)
    return captured, response


def time_sql(statements):
    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return time_calls(run, repeat=REPEAT)


def deep_url(client, url, params):
    """The URL of the deep page as a user reaches it: by number up to NUMBERED_PAGES, then by
    the cursor the pager links (followed from the last numbered page)."""
    separator = "&" if "?" in url else "?"
    first = get_ok(client, f"{url}{separator}{urlencode(params)}")
    body = first.content.decode() if not url.startswith("/api/") else ""
    if url.startswith("/api/"):
        count = first.json().get("count") or 0
    else:
        match = re.search(r"第 1 / (?:约 )?([\d,]+) 页", body)
        count = int(match.group(1).replace(",", "")) * 50 if match else 0
    last_page = max(1, -(-count // 50))
    target = min(DEEP_PAGE, last_page)
    if target <= NUMBERED_PAGES:
        return f"{url}{separator}{urlencode({**params, 'page': target})}", target
    # Follow cursors from the last numbered page: the deep page is NUMBERED_PAGES + k.
    page_url = f"{url}{separator}{urlencode({**params, 'page': NUMBERED_PAGES})}"
    number = NUMBERED_PAGES
    while number < target:
        response = get_ok(client, page_url)
        if url.startswith("/api/"):
            following = response.json().get("next")
        else:
            links = re.findall(
                r'class="page-link" href="([^"]*)">下一页<', response.content.decode()
            )
            following = links[0].replace("&amp;", "&") if links else None
            following = f"{url}{following}" if following else None
        if not following:
            break
        page_url = following
        number += 1
        # Far pages: follow ten cursors, then report the page reached (the cost is per page).
        if number >= NUMBERED_PAGES + 10:
            break
    return page_url, number


def run(report):
    for_each_office(report, measure)


def measure(report, username, client, user):
    size = data_size()
    for label, page, api, filters in lists_for(user):
        for filter_name, params in filters.items():
            for kind, base in (("page", page), ("API", api)):
                if base is None:
                    continue
                first = f"{base}?{urlencode(params)}" if params else base
                try:
                    deep, deep_number = deep_url(client, base, params)
                except RuntimeError as error:
                    print(f"  {username}: {label} {kind}: {error}")
                    continue
                for which, url in (("page 1", first), (f"page {deep_number}", deep)):
                    if which == "page 1" or deep_number > 1:
                        add_row(
                            report, size, username, label, kind, filter_name, which, client, url
                        )


def add_row(report, size, username, label, kind, filter_name, which, client, url):
    statements, _ = page_sql(client, url)
    figure = time_page(client, url, repeat=REPEAT)
    baseline = time_sql(statements)
    report.add(
        f"{username}: {label} {kind} by {filter_name}, {which}, p95 ms "
        f"[{figure['queries']} queries]",
        size,
        round(figure["p95_ms"], 1),
        round(baseline["p95_ms"], 1),
        f"≤ {TARGET_MS}",
    )
