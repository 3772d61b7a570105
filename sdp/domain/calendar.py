"""Calendar arithmetic for legal time limits.

Working days are Monday to Friday except Peru's national holidays (Ley 27444); the
holiday calendar comes from the maintained ``holidays`` package, never a hand list.
"""

import calendar as _calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _peru_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("PE", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _peru_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted).

    Ley 27444 counts a period in working days from the day after notification.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later; the last day of the month where that day does not exist."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, _calendar.monthrange(year, month)[1]))


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def age_on(date_of_birth: date, day: date) -> int:
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )
