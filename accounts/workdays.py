"""The working-day calendar: deadlines set as "N 个工作日" are computed over weekends, statutory
holidays and 调休 make-up working days, the way government offices count them.

Counting follows the usual administrative rule: the day the period starts (e.g. the day a
notice is served) is not counted; the deadline is the N-th working day after it.
"""

import datetime

from .models import CalendarDay

ONE_DAY = datetime.timedelta(days=1)


def _exceptions(start, end):
    """date -> is_working_day for the recorded exceptions in [start, end]: one small query.

    Not cached on purpose: an administrator's edit must count at once in every process.
    """
    rows = CalendarDay.objects.filter(date__range=(start, end)).values_list(
        "date", "is_working_day"
    )
    return dict(rows)


def _horizon(start, count):
    # Even the longest holiday run (9 days) and weekends cannot stretch N working days past
    # 2N + 14 calendar days.
    return start + datetime.timedelta(days=2 * count + 14)


def is_working_day(day, table=None):
    table = _exceptions(day, day) if table is None else table
    if day in table:
        return table[day]
    return day.weekday() < 5


def add_working_days(start, count):
    """The date that is `count` working days after `start` (start itself not counted)."""
    if count < 0:
        raise ValueError("工作日天数不能为负数。")
    table = _exceptions(start, _horizon(start, count))
    day = start
    remaining = count
    while remaining:
        day += ONE_DAY
        if is_working_day(day, table):
            remaining -= 1
    return day


def working_days_between(start, end):
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    table = _exceptions(start, end)
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if is_working_day(day, table):
            count += 1
    return count


def known_years():
    return sorted({day.year for day in CalendarDay.objects.dates("date", "year")})


def is_year_known(year):
    return year in known_years()
