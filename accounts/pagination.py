"""Page counts without COUNT(*) over a province: a Paginator whose total comes from the
PostgreSQL planner's row estimate when that estimate is large, and from an exact COUNT when
it is small (or on databases without an estimate, such as SQLite). While the whole table is small the
count costs the one query queryset.count() would.

A list of a few thousand rows shows its exact size; a list of a million shows "约 1,000,000"
— counting a million rows exactly on every page view costs more than the page itself, and
nobody reads the last digit. The API pagination and the list pages of records that grow with the
area (ledger, cases, inspections, tips, supervision transfers, submissions) use it. Three lists
page with Django's Paginator on purpose: the public list (公示) states how many enterprises are
under remediation, which must be the exact figure; a user's notices and an import file's preview
rows are bounded by nature, so their exact count is cheap.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many estimated rows the exact COUNT is cheap enough to run.
EXACT_COUNT_BELOW = 20_000


def _pk_sql(queryset):
    try:
        return queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None


def planner_estimate(queryset):
    """The planner's row estimate for the queryset, or None where the database has none."""
    connection = connections[queryset.db]
    compiled = _pk_sql(queryset) if connection.vendor == "postgresql" else None
    if compiled is None:
        return None
    sql, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _count_unless_table_is_large(queryset, exact_below):
    """COUNT(*) of the queryset in one statement when its table is small (so a small table costs
    exactly what queryset.count() costs); None, without counting, when the table is large."""
    connection = connections[queryset.db]
    compiled = _pk_sql(queryset)
    if compiled is None:
        return 0
    sql, params = compiled
    with connection.cursor() as cursor:
        # The scalar subquery is an InitPlan: PostgreSQL runs it only when the CASE needs it.
        cursor.execute(
            "SELECT CASE WHEN c.reltuples < %s "
            f"THEN (SELECT COUNT(*) FROM ({sql}) AS page_rows) END "
            "FROM pg_class c WHERE c.oid = %s::regclass",
            [exact_below, *params, connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        return cursor.fetchone()[0]


def estimated_count(queryset, exact_below=EXACT_COUNT_BELOW):
    """(count, is_estimate): exact unless the planner expects at least `exact_below` rows."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count(), False
    exact = _count_unless_table_is_large(queryset, exact_below)
    if exact is not None:
        return exact, False
    estimate = planner_estimate(queryset)
    if estimate is not None and estimate >= exact_below:
        return estimate, True
    return queryset.count(), False


class EstimatedCountPaginator(Paginator):
    """Paginator for querysets; `count_is_estimate` tells the template to print "约"."""

    exact_below = EXACT_COUNT_BELOW

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "query"):
            self.count_is_estimate = False
            return super().count
        total, self.count_is_estimate = estimated_count(self.object_list, self.exact_below)
        return total

    count_is_estimate = False
