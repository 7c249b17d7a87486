"""In headless Chromium: the county determines a case with "N 个工作日" instead of a date; the
deadline is counted over the 2026 Spring Festival holiday and shown as a date with the count."""

import datetime

import pytest
from django.core.management import call_command

from rectification.models import Case
from rectification.workflow import cases, rules
from tests.browser.case_page import determine_shutdown
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.rectification import found_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_county_sets_a_deadline_in_working_days_over_the_spring_festival(
    area, page, log_in, live_server, monkeypatch
):
    # Transactional tests flush the tables between tests, the shipped calendar with them.
    call_command("load_holidays")
    # The live server runs in this process: the workflow's "today" is the Thursday before
    # the holiday (15–23 February 2026; Saturday 14th is a 调休 working day).
    monkeypatch.setattr(cases, "today", lambda: datetime.date(2026, 2, 12))
    monkeypatch.setattr(rules, "today", lambda: datetime.date(2026, 2, 12))
    case = found_case(area)
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    determine_shutdown(page, area, "依法关停", working_days="5")
    assert page.inner_text("#case-deadline").startswith("2026-02-26（5 个工作日）")
    assert Case.objects.get(pk=case.pk).deadline == datetime.date(2026, 2, 26)
