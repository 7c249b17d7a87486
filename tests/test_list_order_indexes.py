"""Area lists sort in the order of an index: the case list, the inspection list, the tip list
and the supervision tracking list (附件2) go by place (region_path) and then newest first (or by
date for 附件2), in the page and the API; on PostgreSQL a county's page 1 reads that index in
order, without sorting the county's rows."""

import datetime
import json

import pytest
from django.db import connection
from django.utils import timezone

from inspections.models import TIP_LIST_ORDER, SupervisionTransfer, Tip
from inspections.views.inspections import inspection_queryset
from inspections.views.tips import LIST_FIELDS
from rectification.views import case_list_queryset
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import (
    InspectionFactory,
    SupervisionTransferFactory,
    TeamFactory,
    TipFactory,
)
from tests.factories.rectification import CampaignFactory, CaseFactory

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the C-collation order indexes are PostgreSQL's"
)

DAY = datetime.timedelta(days=1)


def fill_area(area, per_township=6):
    """Cases, inspections, tips and transfers in three townships of two counties, the dates
    running opposite to the creation order so that "-id" and "newest first" differ."""
    campaign = CampaignFactory()
    team = TeamFactory(organisation=area["orgs"]["county_office"])
    today = timezone.localdate()
    for township_key in ("township_a2", "township_a1", "township_b1"):
        township = area[township_key]
        for number in range(per_township):
            enterprise = EnterpriseFactory(township=township)
            CaseFactory(enterprise=enterprise, campaign=campaign)
            InspectionFactory(team=team, enterprise=enterprise, inspected_on=today - number * DAY)
            TipFactory(
                county=township.parent,
                township=township,
                received_at=timezone.now() - number * DAY,
            )
            SupervisionTransferFactory(
                enterprise=enterprise,
                found_by=area["orgs"]["county_office"],
                transferred_on=today - number * DAY,
            )


def county_page_queries(county):
    """Page 1 of each list as the pages build it for a county user."""
    return {
        "case_list_order": case_list_queryset(county)[:50],
        "inspection_list_order": inspection_queryset(county)[:50],
        "tip_list_order": Tip.objects.visible_to(county)
        .order_by(*TIP_LIST_ORDER)
        .values(*LIST_FIELDS)[:50],
        "transfer_list_order": SupervisionTransfer.objects.visible_to(county).select_related(
            "township", "enterprise"
        )[:50],
    }


def plan_nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = plan if not isinstance(plan, str) else json.loads(plan)
    return list(plan_nodes(plan[0]["Plan"]))


@only_postgresql
def test_a_countys_first_page_of_each_area_list_reads_its_order_index_without_sorting(area):
    fill_area(area)
    with connection.cursor() as cursor:
        for table in (
            "rectification_case",
            "inspections_inspection",
            "inspections_tip",
            "inspections_supervisiontransfer",
        ):
            cursor.execute(f"ANALYZE {table}")
        # Still small tables: ask for the plan a large table gets (a sort stays possible, at a
        # price, so a Sort node would show that the index cannot give the order).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    county = area["users"]["county"]
    for index, queryset in county_page_queries(county).items():
        nodes = explain(queryset)
        assert index in {node.get("Index Name") for node in nodes}, (index, nodes)
        assert "Sort" not in {node["Node Type"] for node in nodes}, (index, nodes)


def test_inspection_list_goes_by_place_and_newest_first_in_each_place_in_page_and_api(
    area, client_for, api_for
):
    fill_area(area, per_township=3)
    county = area["users"]["county"]
    expected = sorted(
        inspection_queryset(county).values_list("region_path", "inspected_on", "id"),
        key=lambda row: (row[0], -row[1].toordinal(), -row[2]),
    )
    assert list(inspection_queryset(county).values_list("region_path", "inspected_on", "id")) == (
        expected
    )
    api_ids = [row["id"] for row in api_for(county).get("/api/inspections/").json()["results"]]
    assert api_ids == [row[2] for row in expected]
    page = client_for(county).get("/inspections/")
    assert [inspection.pk for inspection in page.context["page"]] == [row[2] for row in expected]


def test_tip_list_goes_by_place_and_latest_first_in_each_place_in_page_and_api(
    area, client_for, api_for
):
    fill_area(area, per_township=3)
    county = area["users"]["county"]
    rows = list(Tip.objects.visible_to(county).values_list("region_path", "received_at", "id"))
    expected = [
        row[2] for row in sorted(rows, key=lambda row: (row[0], -row[1].timestamp(), -row[2]))
    ]
    api_ids = [row["id"] for row in api_for(county).get("/api/tips/").json()["results"]]
    assert api_ids == expected
    page = client_for(county).get("/inspections/tips/")
    assert [tip["id"] for tip in page.context["page"]] == expected
