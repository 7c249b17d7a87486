"""Deadlines given either as a date or as "N 个工作日": the number is counted on the
working-day calendar (accounts.workdays) from today, and the resulting date is what is stored,
shown and compared by reminders and overdue counts. Shared by the case workflow and by the
field-work app (tip response times)."""

from django.utils import timezone

from accounts.refusals import Refused
from accounts.workdays import add_working_days, is_year_known

MAX_WORKING_DAYS = 365


def resolve_deadline(*, deadline=None, working_days=None, start=None, label="期限", field=None):
    """(date, working_days or None): the date as given, or `working_days` after `start`
    (today by default) on the calendar. Neither given gives (None, None); the caller decides
    whether the deadline is required. Both given, or a number out of range, is refused."""
    if deadline is not None and working_days is not None:
        raise Refused(f"{label}请只填写日期或工作日天数其中一项。", field=field)
    if working_days is None:
        return deadline, None
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise Refused(f"{label}的工作日天数须在 1 到 {MAX_WORKING_DAYS} 之间。", field=field)
    start = start or timezone.localdate()
    return add_working_days(start, working_days), working_days


def calendar_warning(end, *, start=None):
    """The Chinese warning when a year the count ran through has no holiday schedule loaded
    (only weekends were skipped then), or "" when the calendar covered the whole period."""
    if end is None:
        return ""
    first = (start or timezone.localdate()).year
    missing = [
        year for year in range(min(first, end.year), end.year + 1) if not is_year_known(year)
    ]
    if not missing:
        return ""
    years = "、".join(f"{year} 年" for year in missing)
    return f"{years}的法定节假日和调休安排尚未载入，计算期限时只扣除了周末，请核对。"


def with_working_days(day, working_days):
    """ "2026-02-27（10 个工作日）" — the date, and the count it was computed from if any."""
    if day is None:
        return "—"
    text = f"{day:%Y-%m-%d}"
    return f"{text}（{working_days} 个工作日）" if working_days else text


def deadline_warning(case):
    """The calendar warning for a case deadline counted in working days into a year whose
    holidays are not loaded ("" otherwise, and for deadlines given as a date)."""
    if not case.deadline_working_days:
        return ""
    return calendar_warning(case.deadline)
