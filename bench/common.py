"""What the benchmark modules share: the demo users and the loop over the demo's offices, a
signed-in test client, timing a page with its query count, and running the ORM's own SQL bare
as the baseline."""

from contextlib import contextmanager

from django.db import connection
from django.test import Client

from accounts.models import User
from enterprises.models import Enterprise

from .report import time_calls

REPEAT = 20
# The demo's offices most modules measure: a county's and the city's (ten counties).
DEMO_OFFICES = ("county", "city")
NO_DEMO_DATA = "  no demo data: run `python manage.py seed_demo` first"


def demo_user(username):
    return User.objects.select_related("organisation__region").filter(username=username).first()


def client_for(username):
    client = Client()
    user = demo_user(username)
    if user is None:
        return None
    client.force_login(user)
    return client


def for_each_office(report, measure, usernames=DEMO_OFFICES):
    """measure(report, username, client, user) for each demo office in turn, signed in as it;
    stops with the hint to seed when the demo's users are missing."""
    for username in usernames:
        client = client_for(username)
        if client is None:
            print(NO_DEMO_DATA)
            return
        measure(report, username, client, demo_user(username))


def data_size():
    return f"{estimated_rows(Enterprise):,} enterprises"


def estimated_rows(model):
    """The whole table's row count (pg_class estimate on PostgreSQL, COUNT elsewhere)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [model._meta.db_table],
            )
            estimate = cursor.fetchone()[0]
        if estimate and estimate > 0:
            return estimate
    return model.objects.count()


def get_ok(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    # A streamed response is read to the end: its time is part of the page.
    if getattr(response, "streaming", False):
        for _ in response.streaming_content:
            pass
    return response


@contextmanager
def counting_queries():
    """Counts every statement sent to the database (the request machinery resets Django's own
    query log, so a wrapper on execution is used instead)."""
    counter = {"queries": 0}

    def count(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter


def count_queries(client, url):
    with counting_queries() as counter:
        get_ok(client, url)
    return counter["queries"]


def time_page(client, url, repeat=REPEAT):
    """p50/p95 ms of GET url, and how many queries one GET runs."""
    queries = count_queries(client, url)
    timing = time_calls(lambda: get_ok(client, url), repeat=repeat)
    return {**timing, "queries": queries}


def time_bare_sql(queryset, repeat=REPEAT):
    """p95 ms of the queryset's own SQL run through a cursor: no ORM, no template, no view."""
    sql, params = queryset.query.sql_with_params()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return time_calls(run, repeat=repeat)


def time_raw(sql, params=(), repeat=REPEAT):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return time_calls(run, repeat=repeat)
