"""The ledger's text search (企业名称、信用代码、地址、村组) by substring, served on PostgreSQL by
an index whatever the term's length from two characters up.

A trigram index cannot serve a two-character Chinese term (铸造), and LIKE '%铸造%' over a
city's 90,000 rows reads every one of them. So PostgreSQL keeps a GIN index of each
enterprise's overlapping 2-character tokens (铸造厂 → 铸造, 造厂) of the four columns, built by
the SQL function qingling_search_bigrams (migration 0009_search_bigrams). A term's rows are
those whose tokens contain all the term's tokens (`@>`, answered from the index), re-checked by
the plain substring match: the tokens narrow, the LIKE decides, so the result is exactly the
substring match's (adjacency included). One-character terms and SQLite use the LIKE alone.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import F, Func, Q, TextField

SEARCH_FIELDS = ("region_path", "name", "credit_code", "address", "village_group")
BIGRAMS_FUNCTION = "qingling_search_bigrams"


class SearchBigrams(Func):
    """qingling_search_bigrams(region_path, name, credit_code, address, village_group): the
    expression the GIN index enterprise_search_bigrams is built on (written the same to be
    used). Besides the text's tokens it holds one token per place of the enterprise's path
    ("/230826000000"), so the area is narrowed inside the same index lookup: a county's 24
    matches of 铸造厂 are found without fetching the city's 4,490."""

    function = BIGRAMS_FUNCTION
    output_field = ArrayField(TextField())

    def __init__(self, prefix=""):
        super().__init__(*(F(f"{prefix}{name}") for name in SEARCH_FIELDS))


def bigrams(term):
    """The term's overlapping 2-character tokens, as the SQL function makes them (lower case)."""
    text = term.lower()
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def substring_match(value, prefix=""):
    """Q of the enterprises whose name, credit code, address or 村组 contains `value`."""
    # Chinese text has no case: then a plain LIKE finds exactly what ILIKE would, without
    # upper-casing four columns of every row in the area.
    lookup = "icontains" if value.upper() != value.lower() else "contains"
    return (
        Q(**{f"{prefix}name__{lookup}": value})
        | Q(**{f"{prefix}credit_code__{lookup}": value.upper()})
        | Q(**{f"{prefix}address__{lookup}": value})
        | Q(**{f"{prefix}village_group__{lookup}": value})
    )


def area_token(area_path):
    """The index token of the area whose path is `area_path` (its last code), or None."""
    codes = [code for code in (area_path or "").split("/") if code]
    return f"/{codes[-1]}" if codes else None


def search_enterprises(queryset, value, area_path=None):
    """The enterprises of `queryset` matching `value` (already stripped, not empty);
    `area_path`, the area `queryset` is already limited to, narrows the index lookup too."""
    if connections[queryset.db].vendor == "postgresql" and len(value) >= 2:
        tokens = bigrams(value)
        token = area_token(area_path)
        if token:
            tokens.append(token)
        queryset = queryset.alias(search_bigrams=SearchBigrams()).filter(
            search_bigrams__contains=tokens
        )
    return queryset.filter(substring_match(value))


def enterprises_matching(user, value):
    """The enterprises visible to `user` matching `value`, as a subquery for the lists that
    search by enterprise (cases, inspections): `enterprise IN (…)` is served by the same index
    as the ledger's search, where a join and LIKE on the enterprise's name read the whole
    ledger."""
    from .models import Enterprise

    return search_enterprises(
        Enterprise.objects.visible_to(user), value, getattr(user, "area_path", None)
    ).values("pk")


CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {BIGRAMS_FUNCTION}(path text, a text, b text, c text, d text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{{}}')
        || ARRAY(SELECT '/' || code FROM unnest(string_to_array(path, '/')) AS code WHERE code <> '')
    FROM (
        SELECT lower(
            coalesce(a, '') || chr(10) || coalesce(b, '') || chr(10) || coalesce(c, '')
            || chr(10) || coalesce(d, '')
        ) AS t
    ) AS joined,
         generate_series(1, char_length(t) - 1) AS i
$$
"""
