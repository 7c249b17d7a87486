"""Deadlines in 工作日 follow the statutory calendar: holidays skipped, 调休 Saturdays counted."""

import datetime

import pytest
from django.core.management import call_command

from accounts.models import CalendarDay
from accounts.workdays import add_working_days, is_working_day, known_years, working_days_between

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_shipped_schedule_is_loaded_by_migration():
    assert {2024, 2025, 2026} <= set(known_years())
    spring_festival = CalendarDay.objects.get(date=D(2026, 2, 16))
    assert spring_festival.name == "春节" and not spring_festival.is_working_day


def test_a_deadline_spanning_the_spring_festival_skips_the_holiday():
    # Notice served Thursday 2026-02-12. Working days after it: Fri 13, Sat 14 (调休上班),
    # then 15–23 is the Spring Festival holiday, then Tue 24, Wed 25 …
    assert add_working_days(D(2026, 2, 12), 1) == D(2026, 2, 13)
    assert add_working_days(D(2026, 2, 12), 2) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    # Counting Monday–Friday only would have said 2026-02-19, in the middle of the holiday.
    assert not is_working_day(D(2026, 2, 19))


def test_a_deadline_can_land_on_a_makeup_saturday():
    # 2026-09-20 is a Sunday worked for 国庆节; 2026-10-10 a Saturday worked.
    assert is_working_day(D(2026, 10, 10))
    assert D(2026, 10, 10).weekday() == 5
    # From Thursday 2026-10-08: Fri 9, Sat 10 (调休上班).
    assert add_working_days(D(2026, 10, 8), 2) == D(2026, 10, 10)


def test_ordinary_weeks_count_monday_to_friday():
    # Friday 2026-11-20 + 3 working days: Mon 23, Tue 24, Wed 25.
    assert add_working_days(D(2026, 11, 20), 3) == D(2026, 11, 25)
    assert add_working_days(D(2026, 11, 20), 0) == D(2026, 11, 20)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 11, 20), -1)


def test_working_days_between_counts_the_same_way():
    assert working_days_between(D(2026, 2, 12), D(2026, 2, 26)) == 5
    assert working_days_between(D(2026, 2, 26), D(2026, 2, 12)) == 0


def test_an_administrator_edit_takes_effect_at_once():
    assert is_working_day(D(2026, 12, 31))
    CalendarDay.objects.create(date=D(2026, 12, 31), is_working_day=False, name="测试假日")
    assert not is_working_day(D(2026, 12, 31))
    assert add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 1)


def test_load_holidays_command_is_idempotent():
    before = CalendarDay.objects.count()
    call_command("load_holidays")
    assert CalendarDay.objects.count() == before
