"""The one pagination partial: its links keep every other query parameter, so page 2 of a
filtered list is page 2 of the same filtered list."""

import re
from html import unescape

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from notices.models import Notification

pytestmark = pytest.mark.django_db


def page_links(html):
    return [unescape(href) for href in re.findall(r'class="page-link" href="([^"]*)"', html)]


def test_page_links_keep_the_filters_and_replace_only_the_page():
    request = RequestFactory().get("/cases/", {"state": "in_progress", "q": "甲", "page": "2"})
    page = Paginator(range(120), 50).page(2)

    html = render_to_string("partials/pagination.html", {"page": page}, request=request)

    assert page_links(html) == [
        "?state=in_progress&q=%E7%94%B2&page=1",
        "?state=in_progress&q=%E7%94%B2&page=3",
    ]
    assert "第 2 / 3 页" in html


def test_second_page_of_unread_notices_shows_only_unread_notices(area, client_for):
    clerk = area["users"]["clerk"]
    Notification.objects.bulk_create(
        [Notification(recipient=clerk, kind="other", subject=f"未读{n}") for n in range(60)]
        + [
            Notification(recipient=clerk, kind="other", subject=f"已读{n}", unread=False)
            for n in range(60)
        ]
    )
    client = client_for(clerk)
    url = reverse("notices:notification_list")

    first = client.get(url, {"unread": "1"}).content.decode()
    (next_link,) = page_links(first)
    second = client.get(url + next_link)

    assert next_link == "?unread=1&page=2"
    assert [notice.subject for notice in second.context["page"]]
    assert all(notice.unread for notice in second.context["page"])
    assert second.context["page"].paginator.count == 60
