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

KeysetPaginator keeps page numbers for the first pages (an OFFSET of a few hundred rows is
cheap) and from there on reaches the next page by a cursor: the sort values of the last row
shown, so page 500 reads 50 index entries after the cursor instead of skipping 25,000.
"""

import base64
import binascii
import json

from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Q
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


# Pages up to this number are reached by OFFSET; the next page after it by the cursor.
NUMBERED_PAGES = 20


def encode_cursor(number, values):
    raw = json.dumps([number, values], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """(page number, sort values) of a cursor, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        number, values = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(number, int) or number < 2 or not isinstance(values, list):
        return None
    if not all(isinstance(value, (str, int)) and not isinstance(value, bool) for value in values):
        return None
    return number, values


def after_values(ordering, values):
    """Q of the rows after `values` in `ordering` (["region_path", "-id"]): written as
    `a >= v AND NOT (a = v AND NOT <rest after>)` rather than `a > v OR (a = v AND …)`, so the
    first column bounds an index scan whatever the directions of the others."""
    (first, *rest), (value, *rest_values) = ordering, values
    name = first.lstrip("-")
    bound = Q(**{f"{name}__lte" if first.startswith("-") else f"{name}__gte": value})
    if not rest:
        return bound & ~Q(**{name: value})
    return bound & ~(Q(**{name: value}) & ~after_values(rest, rest_values))


def keyset_ordering(queryset):
    """The queryset's ordering when a cursor can follow it (plain non-null columns of its own
    model ending in the primary key, stored as text or integers), else None."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if not ordering or not all(isinstance(term, str) for term in ordering):
        return None
    fields = {field.name: field for field in queryset.model._meta.concrete_fields}
    fields["pk"] = queryset.model._meta.pk
    for term in ordering:
        field = fields.get(term.lstrip("-"))
        if field is None or field.null:
            return None
        if field.get_internal_type() not in CURSOR_FIELD_TYPES:
            return None
    if ordering[-1].lstrip("-") not in ("id", "pk"):
        return None
    return ordering


CURSOR_FIELD_TYPES = {
    "DateField",
    "DateTimeField",
    "AutoField",
    "BigAutoField",
    "IntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "CharField",
}


class KeysetPaginator(EstimatedCountPaginator):
    """Page numbers for the first NUMBERED_PAGES pages, then a cursor (`?cursor=`) for each
    next page. A page past the numbered ones has `next_cursor` (or None) in place of a
    next page number; the count stays the area's (estimated when large)."""

    numbered_pages = NUMBERED_PAGES

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.ordering = keyset_ordering(object_list) if hasattr(object_list, "query") else None
        if self.ordering:
            model = object_list.model
            self.fields = [
                model._meta.pk
                if term.lstrip("-") == "pk"
                else model._meta.get_field(term.lstrip("-"))
                for term in self.ordering
            ]

    def page_from(self, params):
        """The page `params` ask for: ?cursor=… when it is ours, else ?page=… (get_page)."""
        decoded = decode_cursor(params.get("cursor") or "") if self.ordering else None
        if decoded is None or len(decoded[1]) != len(self.ordering):
            return self.with_cursor(self.get_page(params.get("page")))
        number, values = decoded
        try:
            values = [
                field.to_python(value) for field, value in zip(self.fields, values, strict=True)
            ]
        except ValidationError:
            return self.with_cursor(self.get_page(None))
        rows = list(self.object_list.filter(after_values(self.ordering, values))[: self.per_page])
        page = Page(rows, number, self)
        page.by_cursor = True
        page.next_cursor = self.cursor_after(rows, number) if len(rows) == self.per_page else None
        page.has_next = lambda: page.next_cursor is not None
        return page

    def with_cursor(self, page):
        page.by_cursor, page.next_cursor = False, None
        if self.ordering and page.number >= self.numbered_pages and page.has_next():
            page.object_list = list(page.object_list)
            page.next_cursor = self.cursor_after(page.object_list, page.number)
        return page

    def cursor_after(self, rows, number):
        if not rows:
            return None
        last = rows[-1]
        values = [field.value_from_object(last) for field in self.fields]
        # Dates and times as ISO text (field.to_python reads them back).
        values = [value if isinstance(value, (int, str)) else value.isoformat() for value in values]
        return encode_cursor(number + 1, values)
