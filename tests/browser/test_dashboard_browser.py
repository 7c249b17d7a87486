"""In Chromium: a leader opens the dashboard, the ECharts canvases are drawn, and a figure's
link opens the case list filtered to what the figure counts."""

import pytest
from django.utils import timezone

from rectification.models import CaseState, Disposal
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.rectification import CaseFactory, new_enterprise, shutdown_case_due

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_sees_charts_and_follows_a_figure_to_the_filtered_list(
    page, log_in, live_server, area
):
    today = timezone.localdate()
    # Two of the three open cases are past their deadline.
    for days_left in (-5, -5, 5):
        shutdown_case_due(area, days_left)
    CaseFactory(
        enterprise=new_enterprise(area, "township_a2"),
        state=CaseState.CLOSED,
        closed_on=today,
        disposal=Disposal.UPGRADE,
    )
    log_in("leader_a", TEST_PASSWORD)
    # The landing page offers the dashboard in the leader's navigation.
    assert page.locator('nav a[href="/reports/dashboard/"]').count() == 1
    page.goto(f"{live_server.url}/reports/dashboard/")
    page.wait_for_selector("#chart-bars canvas")
    page.wait_for_selector("#chart-trend canvas")
    assert page.inner_text("#dashboard-area") == "甲县"
    assert "25.0%" in page.inner_text("#figure-completion")
    assert page.inner_text("#figure-overdue").split()[-1] == "2"
    assert "甲一镇政府" in page.inner_text("#dashboard-accountability")

    page.click("#figure-overdue")
    page.wait_for_selector("#case-table", state="attached")  # cards on a phone
    assert "overdue=true" in page.url
    assert page.locator("#case-table tbody tr").count() == 2
