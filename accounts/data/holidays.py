"""China's statutory holidays and 调休 make-up working days, as the State Council's yearly notices
(国务院办公厅关于 YYYY 年部分节假日安排的通知) publish them. Only the exceptions to Monday–Friday
are listed: a holiday on a weekday, or a weekend day that is a working day (调休上班).

Add a year here (and run `manage.py load_holidays`) or edit it in the admin once its notice is out.
"""

import datetime


def _span(year, month, day, count):
    start = datetime.date(year, month, day)
    return [start + datetime.timedelta(days=offset) for offset in range(count)]


def _days(year, pairs):
    return [datetime.date(year, month, day) for month, day in pairs]


# year -> list of (name, holiday dates, make-up working dates)
SCHEDULES = {
    2024: [
        ("元旦", _span(2024, 1, 1, 1), []),
        ("春节", _span(2024, 2, 10, 8), _days(2024, [(2, 4), (2, 18)])),
        ("清明节", _span(2024, 4, 4, 3), _days(2024, [(4, 7)])),
        ("劳动节", _span(2024, 5, 1, 5), _days(2024, [(4, 28), (5, 11)])),
        ("端午节", _span(2024, 6, 10, 1), []),
        ("中秋节", _span(2024, 9, 15, 3), _days(2024, [(9, 14)])),
        ("国庆节", _span(2024, 10, 1, 7), _days(2024, [(9, 29), (10, 12)])),
    ],
    2025: [
        ("元旦", _span(2025, 1, 1, 1), []),
        ("春节", _span(2025, 1, 28, 8), _days(2025, [(1, 26), (2, 8)])),
        ("清明节", _span(2025, 4, 4, 3), []),
        ("劳动节", _span(2025, 5, 1, 5), _days(2025, [(4, 27)])),
        ("端午节", _span(2025, 5, 31, 3), []),
        ("国庆节、中秋节", _span(2025, 10, 1, 8), _days(2025, [(9, 28), (10, 11)])),
    ],
    # 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）
    2026: [
        ("元旦", _span(2026, 1, 1, 3), _days(2026, [(1, 4)])),
        ("春节", _span(2026, 2, 15, 9), _days(2026, [(2, 14), (2, 28)])),
        ("清明节", _span(2026, 4, 4, 3), []),
        ("劳动节", _span(2026, 5, 1, 5), _days(2026, [(5, 9)])),
        ("端午节", _span(2026, 6, 19, 3), []),
        ("中秋节", _span(2026, 9, 25, 3), []),
        ("国庆节", _span(2026, 10, 1, 7), _days(2026, [(9, 20), (10, 10)])),
    ],
}


def exceptions():
    """Yield (date, is_working_day, name) for every listed exception."""
    for schedule in SCHEDULES.values():
        for name, holidays, makeup_days in schedule:
            for day in holidays:
                yield day, False, name
            for day in makeup_days:
                yield day, True, f"{name}调休上班"
