"""The ledger's text search finds exactly what a substring match finds, on both databases, and
on PostgreSQL answers a term of two characters or more from the GIN index of 2-character
tokens (enterprises.search)."""

import json
import random

import pytest
from django.db import connection

from enterprises.models import Enterprise
from enterprises.search import bigrams, search_enterprises, substring_match
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only"
)

# A small alphabet, so random names share many 2-character tokens out of order (造铸 vs 铸造).
ALPHABET = "铸造厂塑料加工宏达砖瓦石材木业Ab1"


def random_text(rng, length):
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def test_a_term_is_cut_into_overlapping_two_character_tokens():
    assert bigrams("铸造厂") == ["造厂", "铸造"]
    assert bigrams("塑") == []


def test_search_finds_exactly_the_enterprises_whose_text_contains_the_term(area):
    rng = random.Random(16)
    for _ in range(60):
        EnterpriseFactory(
            township=area["township_a1"],
            name=random_text(rng, rng.randint(3, 12)),
            address=random_text(rng, rng.randint(0, 10)),
            village_group=random_text(rng, rng.randint(0, 4)),
        )
    everyone = Enterprise.objects.all()
    terms = [random_text(rng, length) for length in (1, 2, 2, 2, 3, 3, 4, 4, 5)]
    terms += ["铸造", "造铸", "ab", "AB1", "厂厂厂"]
    for term in terms:
        found = set(search_enterprises(everyone, term).values_list("pk", flat=True))
        expected = {
            enterprise.pk
            for enterprise in everyone
            if term.lower()
            in "\n".join((enterprise.name, enterprise.address, enterprise.village_group)).lower()
            or term.upper() in enterprise.credit_code
        }
        assert found == expected, term
        assert found == set(everyone.filter(substring_match(term)).values_list("pk", flat=True))


def test_search_within_an_area_keeps_to_the_area(area):
    inside = EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    EnterpriseFactory(township=area["township_b1"], name="宏达铸造厂")
    county = area["users"]["county"]
    found = search_enterprises(Enterprise.objects.visible_to(county), "铸造", county.area_path)
    assert list(found) == [inside]


def many_enterprises(area, count):
    """`count` unmatched enterprises in one township, written at once (a plan is chosen by
    table size: on a handful of rows the planner rightly reads the table whole)."""
    template = EnterpriseFactory(township=area["township_a1"], name="砖瓦窑", credit_code="")
    rows = []
    for number in range(count):
        row = Enterprise.objects.get(pk=template.pk)
        row.pk, row.name = None, f"砖瓦窑{number}"
        rows.append(row)
    Enterprise.objects.bulk_create(rows)


@only_postgresql
@pytest.mark.parametrize("term", ["铸造", "铸造厂", "塑料加工"])
def test_search_of_two_characters_or_more_reads_the_token_index(area, term):
    many_enterprises(area, 500)
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂塑料加工")
    county = area["users"]["county"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
        # Still a small table: the plan asked for is the one a large table gets.
        cursor.execute("SET LOCAL enable_seqscan = off")
    queryset = search_enterprises(Enterprise.objects.visible_to(county), term, county.area_path)
    for query in (queryset.order_by("region_path", "id")[:50], queryset.order_by().values("pk")):
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.dumps(plan if not isinstance(plan, str) else json.loads(plan))
        assert "enterprise_search_bigrams" in plan
    assert [enterprise.name for enterprise in queryset] == ["宏达铸造厂塑料加工"]


def test_the_inspection_list_finds_an_enterprise_by_name_and_a_site_by_its_place(client_for, area):
    from tests.factories.inspections import InspectionFactory, TeamFactory

    team = TeamFactory(organisation=area["orgs"]["county_office"])
    named = InspectionFactory(
        team=team, enterprise=EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    )
    site = InspectionFactory(
        team=team, enterprise=None, township=area["township_a1"], place="河湾铸造作坊旧址"
    )
    InspectionFactory(
        team=team, enterprise=EnterpriseFactory(township=area["township_a1"], name="砖瓦窑")
    )
    InspectionFactory(
        team=team, enterprise=EnterpriseFactory(township=area["township_b1"], name="宏达铸造厂")
    )
    client = client_for(area["users"]["county"])
    found = {row["id"] for row in client.get("/api/inspections/?q=铸造").json()["results"]}
    assert found == {named.pk, site.pk}
    page = client.get("/inspections/?q=铸造").content.decode()
    assert "宏达铸造厂" in page and "河湾铸造作坊旧址" in page and "砖瓦窑" not in page


@only_postgresql
def test_the_inspection_lists_search_goes_through_the_token_index(client_for, area):
    """The inspection list asks for `enterprise IN (the ledger's indexed search)`; the plan of
    that search is the one test_search_of_two_characters_or_more_reads_the_token_index checks."""
    from django.test.utils import CaptureQueriesContext

    from enterprises.search import enterprises_matching
    from tests.factories.inspections import InspectionFactory, TeamFactory

    many_enterprises(area, 500)
    InspectionFactory(
        team=TeamFactory(organisation=area["orgs"]["county_office"]),
        enterprise=EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂"),
    )
    county = area["users"]["county"]
    client = client_for(county)
    with CaptureQueriesContext(connection) as context:
        assert client.get("/api/inspections/?q=铸造").json()["count"] == 1
    # The count and the page: the queries limited to the area.
    area_condition = '"inspections_inspection"."region_path"'
    listing = [q["sql"] for q in context.captured_queries if area_condition in q["sql"]]
    assert len(listing) == 2 and all(
        "qingling_search_bigrams" in sql and "@>" in sql and '"enterprise_id" IN (SELECT' in sql
        for sql in listing
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = enterprises_matching(county, "铸造").query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    assert "enterprise_search_bigrams" in json.dumps(plan)
