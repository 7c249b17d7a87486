"""Deep pages by cursor: past the numbered pages a list's next page is reached by the sort
values of the last row shown (accounts.pagination.KeysetPaginator), in the page and the API,
and the pages read in order hold every row once."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.pagination import KeysetPaginator, after_values, decode_cursor, encode_cursor
from rectification.models import Case
from tests.factories.rectification import CampaignFactory, CaseFactory, new_enterprise

pytestmark = pytest.mark.django_db


def make_cases(area, count):
    campaign = CampaignFactory()
    townships = ["township_a1", "township_a2"]
    return [
        CaseFactory(enterprise=new_enterprise(area, townships[n % 2]), campaign=campaign)
        for n in range(count)
    ]


def walk(paginator, params=None):
    """Every page from the first, following page numbers and then cursors."""
    params = dict(params or {})
    pages = []
    while True:
        page = paginator.page_from(params)
        pages.append(page)
        if page.next_cursor:
            params = {"cursor": page.next_cursor}
        elif not page.by_cursor and page.has_next():
            params = {"page": page.next_page_number()}
        else:
            return pages


def test_pages_past_the_numbered_ones_follow_a_cursor_and_hold_every_row_once(area):
    make_cases(area, 23)
    queryset = Case.objects.order_by("region_path", "-id")
    paginator = KeysetPaginator(queryset, 2)
    paginator.numbered_pages = 3
    pages = walk(paginator)
    assert [page.by_cursor for page in pages[:4]] == [False, False, False, True]
    assert [page.number for page in pages] == list(range(1, 13))
    assert [case.pk for page in pages for case in page] == list(
        queryset.values_list("pk", flat=True)
    )


def test_a_cursor_that_is_not_ours_gives_the_first_page(area):
    make_cases(area, 3)
    paginator = KeysetPaginator(Case.objects.order_by("region_path", "-id"), 2)
    for cursor in ("garbage", encode_cursor(1, ["x", 1]), encode_cursor(3, [True, 1])):
        page = paginator.page_from({"cursor": cursor})
        assert page.number == 1 and not page.by_cursor


def test_cursor_round_trips_its_page_number_and_values():
    assert decode_cursor(encode_cursor(21, ["230000/甲/", 7])) == (21, ["230000/甲/", 7])


def test_rows_after_mixed_directions_are_the_rows_later_in_that_order(area):
    make_cases(area, 9)
    ordered = list(Case.objects.order_by("region_path", "-id"))
    middle = ordered[4]
    after = Case.objects.filter(
        after_values(["region_path", "-id"], [middle.region_path, middle.id])
    ).order_by("region_path", "-id")
    assert list(after) == ordered[5:]


def test_case_list_reaches_its_deep_pages_by_cursor_and_shows_every_case_once(
    area, client_for, monkeypatch
):
    cases = make_cases(area, 7)
    monkeypatch.setattr("rectification.views.PAGE_SIZE", 2)
    monkeypatch.setattr(KeysetPaginator, "numbered_pages", 2)
    client = client_for(area["users"]["county"])
    url = reverse("rectification:case_list")
    shown, links = [], []
    response = client.get(url)
    while True:
        body = response.content.decode()
        # Each case is linked twice on a page: its table row and its phone card.
        shown += {int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', body)}
        following = re.findall(r'class="page-link" href="([^"]*)">下一页<', body)
        if not following:
            break
        links.append(unescape(following[0]))
        response = client.get(url + links[-1])
    assert sorted(shown) == sorted(case.pk for case in cases)
    assert ["cursor=" in link for link in links] == [False, True, True]


def test_api_next_link_past_the_numbered_pages_is_a_cursor(area, client_for, monkeypatch):
    make_cases(area, 5)
    monkeypatch.setattr(KeysetPaginator, "numbered_pages", 2)
    client = client_for(area["users"]["county"])
    first = client.get("/api/cases/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert "cursor=" in second["next"]
    third = client.get(second["next"]).json()
    assert third["next"] is None
    ids = [row["id"] for page in (first, second, third) for row in page["results"]]
    expected = list(
        Case.objects.visible_to(area["users"]["county"])
        .order_by("region_path", "-id")
        .values_list("pk", flat=True)
    )
    assert ids == expected


def test_a_list_sorted_by_date_follows_its_cursor_across_equal_dates(area):
    make_cases(area, 9)
    queryset = Case.objects.order_by("-found_on", "region_path", "-id")
    Case.objects.filter(pk__in=list(queryset.values_list("pk", flat=True))[:5]).update(
        found_on="2024-05-20"
    )
    paginator = KeysetPaginator(queryset, 2)
    paginator.numbered_pages = 1
    pages = walk(paginator)
    assert pages[1].by_cursor
    assert [case.pk for page in pages for case in page] == list(
        queryset.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("url", ["/cases/", "/api/cases/", "/enterprises/", "/api/enterprises/"])
def test_a_page_reached_by_cursor_runs_the_queries_page_one_runs(
    area, client_for, monkeypatch, url
):
    make_cases(area, 9)
    monkeypatch.setattr(KeysetPaginator, "numbered_pages", 1)
    monkeypatch.setattr("rectification.views.PAGE_SIZE", 2)
    monkeypatch.setattr("enterprises.views.PAGE_SIZE", 2)
    client = client_for(area["users"]["county"])
    params = {"page_size": 2} if url.startswith("/api/") else {}
    client.get(url, params)  # warm the session
    with CaptureQueriesContext(connection) as first:
        response = client.get(url, params)
    if url.startswith("/api/"):
        following = response.json()["next"]
    else:
        following = url + unescape(
            re.findall(r'class="page-link" href="([^"]*)">下一页<', response.content.decode())[0]
        )
    assert "cursor=" in following
    with CaptureQueriesContext(connection) as deep:
        client.get(following)
    assert len(deep.captured_queries) == len(first.captured_queries)
