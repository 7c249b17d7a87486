"""The period due now: report pages, the API and the dashboard's 本期报送情况 open on the
month whose tables are due now — the previous month until a few days before this month's first
deadline — and say so. On 1 December that is November (just due, some late), not December."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.dashboard.figures import build_dashboard
from reporting.periods import DUE_NOW_LEAD_DAYS, FIRST_DEADLINE_DAY, Period
from reporting.tables import all_tables

DECEMBER_1 = datetime.date(2026, 12, 1)
NOVEMBER = Period(2026, 11)


@pytest.fixture
def on_1_december(monkeypatch):
    """The pages' "today" is 1 December 2026."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DECEMBER_1)


@pytest.mark.parametrize(
    "day, period",
    [
        (datetime.date(2026, 12, 1), Period(2026, 11)),
        (datetime.date(2026, 12, 19), Period(2026, 11)),
        (datetime.date(2026, 12, 20), Period(2026, 12)),
        (datetime.date(2026, 12, 31), Period(2026, 12)),
        (datetime.date(2027, 1, 5), Period(2026, 12)),
    ],
)
def test_the_period_due_now_is_the_previous_month_until_this_months_reminders_start(day, period):
    assert Period.due_now(day) == period


def test_the_turnover_day_follows_the_first_deadline_of_the_tables():
    assert min(table.deadline_day for table in all_tables()) == FIRST_DEADLINE_DAY
    assert DUE_NOW_LEAD_DAYS == 3  # the first report reminder (reporting.reminders.DAYS_AHEAD)


def test_the_note_names_the_period_its_deadlines_and_that_they_passed():
    deadlines = [datetime.date(2026, 11, 30), datetime.date(2026, 11, 23)]
    assert NOVEMBER.due_note(deadlines, DECEMBER_1) == (
        "当前报送期：2026年11月（截止 11月23日、11月30日，已过截止日）"
    )
    assert NOVEMBER.due_note(deadlines, datetime.date(2026, 11, 24)) == (
        "当前报送期：2026年11月（截止 11月23日、11月30日）"
    )


@pytest.mark.django_db
def test_on_1_december_the_reports_page_opens_on_november_and_says_so(
    area, client_for, on_1_december
):
    page = client_for(area["users"]["county"]).get(reverse("reporting:index")).content.decode()

    assert "报表报送 · 2026年11月" in page
    assert "当前报送期：2026年11月（截止 11月23日、11月30日，已过截止日）" in page


@pytest.mark.django_db
def test_a_chosen_period_is_shown_without_the_note(area, client_for, on_1_december):
    page = (
        client_for(area["users"]["county"])
        .get(reverse("reporting:index"), {"period": "2026-12"})
        .content.decode()
    )

    assert "报表报送 · 2026年12月" in page and "当前报送期" not in page


@pytest.mark.django_db
def test_on_1_december_a_table_page_opens_on_november(area, client_for, on_1_december):
    page = (
        client_for(area["users"]["clerk"])
        .get(reverse("reporting:table", args=["ledger"]))
        .content.decode()
    )

    assert '<option value="2026-11" selected>' in page
    assert "当前报送期：2026年11月（截止 11月23日，已过截止日）" in page


@pytest.mark.django_db
def test_on_1_december_the_dashboard_board_shows_november(area, client_for, on_1_december):
    dashboard = build_dashboard(area["users"]["county"], area["county_a"], DECEMBER_1)

    assert dashboard.board.period == NOVEMBER
    assert dashboard.board_url.endswith("period=2026-11")
    page = client_for(area["users"]["county"]).get(reverse("reporting:dashboard")).content.decode()
    assert "当前报送期：2026年11月" in page and "2026年11月：应报" in page


@pytest.mark.django_db
def test_on_1_december_the_report_table_api_defaults_to_november(area, api_for, on_1_december):
    response = api_for(area["users"]["clerk"]).get("/api/report-tables/ledger/")

    assert response.status_code == 200, response.content
    assert response.json()["period"] == "2026-11"
