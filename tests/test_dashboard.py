"""The leaders' dashboard: who may open it, the figures, links that really filter, fixed queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rectification.models import CaseState, Disposal
from tests.factories.rectification import CaseFactory, new_enterprise

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def make_cases(area, count, township="township_a1", **fields):
    fields.setdefault("disposal", Disposal.SHUTDOWN)
    fields.setdefault("state", CaseState.IN_PROGRESS)
    return [CaseFactory(enterprise=new_enterprise(area, township), **fields) for _ in range(count)]


def spread(area):
    make_cases(area, 2, deadline=TODAY - datetime.timedelta(days=5))  # overdue in 甲一镇
    make_cases(area, 1, township="township_a2", state=CaseState.CLOSED, closed_on=TODAY)
    make_cases(area, 1, township="township_a2", disposal=Disposal.UPGRADE, is_relapse=True)
    make_cases(area, 3, township="township_b1")  # county B: not in county A's figures


def test_leader_sees_county_totals_and_completion_rate(area, client_for):
    spread(area)
    response = client_for(area["users"]["leader"]).get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    dash = response.context["dash"]
    assert dash.region == area["county_a"]
    assert dash.totals["cases"] == 4
    assert dash.totals["closed"] == 1
    assert dash.totals["completion"] == 25.0
    assert dash.totals["overdue"] == 2
    assert dash.totals["relapses"] == 1
    rows = {row.region.name: row for row in dash.children}
    assert rows["甲一镇"].total == 2 and rows["甲一镇"].overdue == 2
    assert rows["甲二乡"].closed == 1
    assert "echarts.min.js" in response.content.decode()


def test_city_sees_every_county_with_links_into_each_county(area, client_for):
    spread(area)
    response = client_for(area["users"]["city"]).get(reverse("reporting:dashboard"))
    dash = response.context["dash"]
    assert dash.totals["cases"] == 7
    rows = {row.region.name: row for row in dash.children}
    assert rows["乙县"].total == 3
    assert rows["乙县"].url.endswith(f"?region={area['county_b'].code}")
    drilled = client_for(area["users"]["city"]).get(rows["乙县"].url)
    assert drilled.context["dash"].totals["cases"] == 3


def test_township_clerk_and_department_are_refused(area, client_for):
    for role in ("clerk", "head", "officer"):
        response = client_for(area["users"][role]).get(reverse("reporting:dashboard"))
        assert response.status_code == 403


def test_county_cannot_open_another_countys_dashboard(area, client_for):
    response = client_for(area["users"]["county"]).get(
        reverse("reporting:dashboard"), {"region": area["county_b"].code}
    )
    assert response.status_code == 404


def test_bar_links_open_the_case_list_filtered_to_that_bar(area, client_for):
    spread(area)
    client = client_for(area["users"]["leader"])
    dash = client.get(reverse("reporting:dashboard")).context["dash"]
    series = {item["name"]: item for item in dash.bars["series"]}
    bar = series["关停取缔·整治中"]
    index = dash.bars["categories"].index("甲一镇")
    assert bar["data"][index] == 2
    listed = client.get(bar["urls"][index])
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == 2


@pytest.mark.parametrize(
    ("link", "expected"),
    [("closed", 1), ("open_overdue", 2), ("relapses", 1), ("cases", 4)],
)
def test_total_figures_link_to_lists_with_the_same_count(area, client_for, link, expected):
    spread(area)
    client = client_for(area["users"]["county"])
    dash = client.get(reverse("reporting:dashboard")).context["dash"]
    listed = client.get(dash.links[link])
    assert listed.context["page"].paginator.count == expected


def test_monthly_trend_counts_found_and_closed_per_month(area, client_for):
    make_cases(area, 2, found_on=TODAY)
    make_cases(area, 1, found_on=TODAY, state=CaseState.CLOSED, closed_on=TODAY)
    make_cases(area, 1, found_on=TODAY - datetime.timedelta(days=800))  # older than a year
    dash = client_for(area["users"]["leader"]).get(reverse("reporting:dashboard")).context["dash"]
    assert len(dash.trend["months"]) == 12
    assert dash.trend["found"][-1] == 3
    assert dash.trend["closed"][-1] == 1
    assert sum(dash.trend["found"]) == 3


def test_coverage_and_submission_links_point_at_their_pages(area, client_for):
    client = client_for(area["users"]["county"])
    dash = client.get(reverse("reporting:dashboard")).context["dash"]
    assert dash.coverage["ledger_count"] == 0
    coverage = client.get(dash.coverage_url)
    assert coverage.status_code == 200
    assert coverage.context["area"] == area["county_a"]
    board = client.get(dash.board_url)
    assert board.status_code == 200 and board.context["board"] is not None
    assert dash.board.expected == 2  # two townships owe their ledger


def test_dashboard_runs_a_fixed_number_of_queries(area, client_for, django_assert_num_queries):
    client = client_for(area["users"]["leader"])
    spread(area)
    client.get(reverse("reporting:dashboard"))  # warm the session and content types
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reporting:dashboard"))
    # The figures, the riskiest 20 and the open power alerts, whatever the data size; on
    # PostgreSQL one more for the transaction's SET LOCAL work_mem.
    assert len(small.captured_queries) <= 27
    make_cases(area, 15, deadline=TODAY - datetime.timedelta(days=2), responsible_person="甲")
    make_cases(area, 10, township="township_a2", is_relapse=True, state=CaseState.FOUND)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("reporting:dashboard"))


def test_leader_navigation_shows_the_dashboard(area, client_for):
    response = client_for(area["users"]["leader"]).get(reverse("home"))
    assert reverse("reporting:dashboard") in response.content.decode()
    response = client_for(area["users"]["clerk"]).get(reverse("home"))
    assert reverse("reporting:dashboard") not in response.content.decode()


def test_accountability_rows_link_to_the_units_overdue_cases(area, client_for):
    spread(area)
    make_cases(
        area,
        1,
        township="township_a2",
        responsible_unit=area["orgs"]["environment"],
        deadline=TODAY - datetime.timedelta(days=1),
    )
    client = client_for(area["users"]["leader"])
    response = client.get(reverse("reporting:dashboard"))
    accounts = response.context["dash"].accountability
    environment = next(a for a in accounts if a.organisation == area["orgs"]["environment"])
    assert environment.overdue_cases == 1
    link = (
        f"{reverse('rectification:case_list')}?overdue=true"
        f"&amp;responsible_unit={environment.organisation.pk}"
    )
    assert link in response.content.decode()
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.context["page"].paginator.count == 1
