"""On PostgreSQL the ledger's band filter and the dashboard's 风险最高的 20 家 read their
indexes (enterprise_risk_band_order, enterprise_risk_score_order) instead of sorting the
area: what a 1,000,000-row ledger needs."""

import json

import pytest
from django.db import connection

from enterprises.filters import EnterpriseFilter
from enterprises.models import FULL_RISK_SCORE, Enterprise, RiskBand
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the plans are PostgreSQL's"
)


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return json.dumps(plan if not isinstance(plan, str) else json.loads(plan))


def many(area, count):
    township = area["township_a1"]
    Enterprise.objects.bulk_create(
        EnterpriseFactory.build(
            township=township,
            region_path=township.path,
            risk_score=100 - number % 60,
            # 高 is the few the county looks at first (5% here), as on a real ledger: the
            # band's own index beats walking the area's ledger order and skipping the rest.
            risk_band=RiskBand.HIGH if number % 60 > 56 else RiskBand.LOW,
        )
        for number in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
        # Still a small table: the plan asked for is the one a large table gets.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")


@only_postgresql
def test_the_band_filter_reads_the_band_index_in_ledger_order(area):
    many(area, 600)
    county = area["users"]["county"]
    filterset = EnterpriseFilter(
        {"risk_band": "high"}, queryset=Enterprise.objects.visible_to(county)
    )
    assert "enterprise_risk_band_order" in plan_of(filterset.qs[:50])


@only_postgresql
def test_the_riskiest_twenty_read_the_score_index(area):
    many(area, 600)
    county = area["users"]["county"]
    queryset = (
        Enterprise.objects.visible_within(county, area["county_a"].path)
        .filter(risk_score__lt=FULL_RISK_SCORE)
        .order_by("risk_score", "id")[:20]
    )
    assert "enterprise_risk_score_order" in plan_of(queryset)
