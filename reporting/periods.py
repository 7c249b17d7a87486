"""Reporting periods (a calendar month) and their submission deadlines.

Seed 004 asks the township ledger "每月23日前"; the monthly report is due by the 30th.
A deadline day past the end of a short month falls on its last day.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

# The period "due now" turns over a few days before a month's first deadline (the township
# ledger, the 23rd), when the report reminders for it start: until then the previous month's
# tables — just due, some late — are what everybody works on. On 1 December that is November,
# not December (due in three weeks). tests/test_report_period_default.py keeps the 23 in step
# with the tables.
FIRST_DEADLINE_DAY = 23
DUE_NOW_LEAD_DAYS = 3

PERIOD_PATTERN = re.compile(r"^\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*月?\s*$")


class InvalidPeriod(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self):
        if not (2000 <= self.year <= 2100 and 1 <= self.month <= 12):
            raise InvalidPeriod("报送期间无效，请按“2024-03”格式选择年月。")

    @classmethod
    def parse(cls, text):
        match = PERIOD_PATTERN.match(text or "")
        if not match:
            raise InvalidPeriod("报送期间格式不正确，请按“2024-03”格式填写年月。")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def from_date(cls, day):
        return cls(day.year, day.month)

    @classmethod
    def current(cls):
        return cls.from_date(timezone.localdate())

    @classmethod
    def due_now(cls, today=None):
        """The period whose reports are due now: this month from DUE_NOW_LEAD_DAYS before its
        first deadline on, the previous month before that."""
        today = today or timezone.localdate()
        this = cls.from_date(today)
        turns_over = this.day(FIRST_DEADLINE_DAY) - datetime.timedelta(days=DUE_NOW_LEAD_DAYS)
        return this if today >= turns_over else this.previous()

    def due_note(self, deadlines, today=None):
        """ "当前报送期：2026年11月（截止 11月23日、11月30日，已过截止日）" for the page header."""
        today = today or timezone.localdate()
        deadlines = sorted(set(deadlines))
        if not deadlines:
            return f"当前报送期：{self.label}"
        days = "、".join(f"{day.month}月{day.day}日" for day in deadlines)
        passed = "，已过截止日" if today > deadlines[-1] else ""
        return f"当前报送期：{self.label}（截止 {days}{passed}）"

    @property
    def start(self):
        return datetime.date(self.year, self.month, 1)

    @property
    def end(self):
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def key(self):
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self):
        return f"{self.year}年{self.month}月"

    def day(self, day_of_month):
        """The given day of this month, clamped to the month's last day (the 30th of February)."""
        return datetime.date(self.year, self.month, min(day_of_month, self.end.day))

    def previous(self):
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def __str__(self):
        return self.key


def recent_periods(count=12, today=None):
    period = Period.from_date(today or timezone.localdate())
    periods = []
    for _ in range(count):
        periods.append(period)
        period = period.previous()
    return periods
