"""Dashboards from the shared cache: served again without recomputing while nothing under them
changes, computed afresh after any change under them — a save, a delete or an Excel import."""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.imports import services as imports
from rectification.models import Case, CaseState
from tests.factories.enterprises import EnterpriseFactory
from tests.test_dashboard import make_cases, spread
from tests.test_ledger_import import row, upload, workbook_bytes

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reporting:dashboard")


@pytest.fixture(autouse=True)
def dashboard_cache(settings):
    """The configured cache (Redis in the PostgreSQL + Redis run), under a key prefix of this
    test's own: never cleared, since the Celery broker may share the Redis database."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    settings.DASHBOARD_CACHE = True
    assert cache.get("dashboard:token:above") is None


def view(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return response.context["dash"], len(queries.captured_queries)


def test_a_second_view_is_served_from_the_cache_with_the_same_figures(area, client_for):
    spread(area)
    client = client_for(area["users"]["leader"])
    first, computed = view(client)
    second, cached = view(client)
    assert second.totals == first.totals
    assert [row.total for row in second.children] == [row.total for row in first.children]
    # Session, user and region only: none of the aggregates run again.
    assert cached <= 5 < computed


def test_a_new_case_under_the_county_shows_on_the_next_view(
    area, client_for, django_capture_on_commit_callbacks
):
    spread(area)
    client = client_for(area["users"]["leader"])
    before, _ = view(client)
    with django_capture_on_commit_callbacks(execute=True):
        make_cases(area, 1, township="township_a2")
    after, _ = view(client)
    assert after.totals["cases"] == before.totals["cases"] + 1


def test_a_state_change_and_a_delete_show_on_the_next_view(
    area, client_for, django_capture_on_commit_callbacks
):
    spread(area)
    client = client_for(area["users"]["leader"])
    before, _ = view(client)
    case = Case.objects.filter(region_path__startswith=area["township_a1"].path).first()
    with django_capture_on_commit_callbacks(execute=True):
        case.state, case.closed_on = CaseState.CLOSED, case.found_on
        case.save()
    closed, _ = view(client)
    assert closed.totals["closed"] == before.totals["closed"] + 1
    with django_capture_on_commit_callbacks(execute=True):
        case.delete()
    deleted, _ = view(client)
    assert deleted.totals["cases"] == before.totals["cases"] - 1


def test_a_change_in_another_county_keeps_the_cached_dashboard(
    area, client_for, django_capture_on_commit_callbacks
):
    spread(area)
    client = client_for(area["users"]["leader"])
    view(client)
    with django_capture_on_commit_callbacks(execute=True):
        make_cases(area, 2, township="township_b1")
    _, queries = view(client)
    assert queries <= 5


def test_the_city_dashboard_sees_a_change_in_any_of_its_counties(
    area, client_for, django_capture_on_commit_callbacks
):
    spread(area)
    client = client_for(area["users"]["city"])
    before, _ = view(client)
    with django_capture_on_commit_callbacks(execute=True):
        make_cases(area, 2, township="township_b1")
    after, _ = view(client)
    assert after.totals["cases"] == before.totals["cases"] + 2
    # The county office of county A does not share the city's entry for county A.
    county, _ = view(client_for(area["users"]["county"]))
    assert county.region == area["county_a"]


def test_rows_added_by_an_excel_import_show_on_the_next_view(
    area, client_for, django_capture_on_commit_callbacks
):
    EnterpriseFactory(township=area["township_a1"])
    client = client_for(area["users"]["leader"])
    before, _ = view(client)
    clerk = area["users"]["clerk"]
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15"), row(2, "兴旺砖厂", "2024.3.20")])
    batch = imports.stage_import(upload(content), township=area["township_a1"], by=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        imports.commit_import(batch, by=clerk)
    after, _ = view(client)
    assert after.totals["enterprises"] == before.totals["enterprises"] + 2


def test_nothing_is_cached_without_a_shared_cache(area, client_for, settings):
    settings.DASHBOARD_CACHE = False
    spread(area)
    client = client_for(area["users"]["leader"])
    _, first = view(client)
    _, second = view(client)
    assert second == first


def test_a_power_alert_raised_by_an_upload_and_dismissed_by_a_look_back_shows_on_the_next_view(
    area, client_for, django_capture_on_commit_callbacks
):
    from inspections.models import InspectionResult
    from tests.factories.metering import alert_for, closed_watched_case
    from tests.test_power_alerts import look_back

    case = closed_watched_case(area, "3300000009")
    client = client_for(area["users"]["county"])
    before, _ = view(client)
    with django_capture_on_commit_callbacks(execute=True):
        alert_for(area, case, "3300000009")
    raised, _ = view(client)
    assert raised.totals["power_alerts"] == before.totals["power_alerts"] + 1
    with django_capture_on_commit_callbacks(execute=True):
        look_back(area, case, InspectionResult.NO_PROBLEM, "仅照明用电")
    dismissed, _ = view(client)
    assert dismissed.totals["power_alerts"] == before.totals["power_alerts"]
