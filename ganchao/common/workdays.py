"""Working days and office hours (DESIGN.md 3.11): chinese-calendar plus administrator overrides.

Placeholder surface used by the shell until the calendar module lands in full.
"""

import datetime as dt

import chinese_calendar

FALLBACK_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_provisional_year(year: int) -> bool:
    if package_knows(year):
        return False
    from ganchao.workcal.models import CalendarYear

    return not CalendarYear.objects.filter(year=year).exists()
