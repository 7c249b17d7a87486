"""List pages count small lists exactly and large ones from PostgreSQL's planner estimate,
without a COUNT(*) over a million rows on every page view (accounts.pagination)."""

import pytest
from django.db import connection

from accounts.pagination import EstimatedCountPaginator, estimated_count
from enterprises.models import Enterprise
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner estimate exists on PostgreSQL only"
)
only_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite fallback")


def make(area, count, **fields):
    return [EnterpriseFactory(township=area["township_a1"], **fields) for _ in range(count)]


def analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")


def test_small_list_is_counted_exactly_in_one_query(area, django_assert_num_queries):
    make(area, 3)
    paginator = EstimatedCountPaginator(Enterprise.objects.order_by("id"), 2)
    with django_assert_num_queries(1):
        assert paginator.count == 3
    assert paginator.count_is_estimate is False
    assert paginator.num_pages == 2


def test_empty_queryset_counts_zero_without_error():
    assert estimated_count(Enterprise.objects.none()) == (0, False)


@only_postgresql
def test_large_table_takes_the_planner_estimate(area):
    make(area, 30)
    analyze()
    total, is_estimate = estimated_count(Enterprise.objects.all(), exact_below=10)
    assert is_estimate is True
    assert 10 <= total <= 60


@only_postgresql
def test_narrow_filter_on_a_large_table_is_still_counted_exactly(area):
    make(area, 30)
    make(area, 1, name="唯一的砖厂")
    analyze()
    assert estimated_count(Enterprise.objects.filter(name="唯一的砖厂"), exact_below=10) == (
        1,
        False,
    )


@only_sqlite
def test_sqlite_always_counts_exactly(area):
    make(area, 5)
    assert estimated_count(Enterprise.objects.all(), exact_below=1) == (5, False)


@only_postgresql
def test_ledger_page_marks_an_estimated_total(area, client_for, monkeypatch):
    make(area, 30)
    analyze()
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 10)
    page = client_for(area["users"]["county"]).get("/enterprises/")
    assert page.status_code == 200
    assert "共 约 " in page.content.decode()


def test_ledger_page_shows_the_exact_total_of_a_small_list(area, client_for):
    make(area, 4)
    page = client_for(area["users"]["county"]).get("/enterprises/")
    assert "共 4 家" in page.content.decode()
