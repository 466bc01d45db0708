"""Working days and office hours for the whole application (DESIGN.md 3.11).

The rules are the pure `WorkCalendar` in ganchao.common.workcalendar (read its docstring for
the exact meaning of each function); this module answers for the *current* calendar: the
package chinese-calendar plus what administrators entered, read through the source that
ganchao.workcal installs at start-up (`install_source`).

Inside a calendar session the calendar is loaded once, in two or three queries, and reused:
every web request is a session (ganchao.workcal connects it to Django's request signals), and a
tick wraps its work in `with calendar_session():`. Outside a session each call loads afresh.
Services that change the calendar call `invalidate()`. A loop over many assignments may also
take `cal = current_calendar()` once and ask `cal` directly.

Every function has an `*_info` variant returning `Answer(value, provisional_years)`: when
`answer.provisional` is true the result rests on a year whose holidays are not yet known, and
the deadline must be marked provisional (DESIGN.md 3.11) and recomputed when that year's
schedule is entered (ganchao.workcal.recompute).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from ganchao.common.workcalendar import (
    DEFAULT_OFFICE_HOURS,
    FALLBACK_HOLIDAYS,
    SHANGHAI,
    WORKING_KINDS,
    Answer,
    Day,
    DayKind,
    WorkCalendar,
    YearSource,
    micros_to_hours,
    package_knows,
)

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "FALLBACK_HOLIDAYS",
    "SHANGHAI",
    "WORKING_KINDS",
    "Answer",
    "CalendarSource",
    "Day",
    "DayKind",
    "WorkCalendar",
    "YearSource",
    "add_working_days",
    "add_working_days_info",
    "add_working_hours",
    "add_working_hours_info",
    "begin_session",
    "calendar_session",
    "confirmed_years",
    "current_calendar",
    "end_session",
    "install_source",
    "invalidate",
    "is_provisional_year",
    "is_working_day",
    "is_working_day_info",
    "micros_to_hours",
    "package_knows",
    "working_days_between",
    "working_days_between_info",
    "working_hours_between",
    "working_time_between",
    "working_time_between_info",
]


class CalendarSource(Protocol):
    """What ganchao.workcal provides: confirmed years, the rules, the office hours."""

    def confirmed_years(self) -> frozenset[int]: ...

    def rules(
        self, confirmed: frozenset[int]
    ) -> tuple[dict[dt.date, bool], dict[int, dict[dt.date, tuple[bool, str]]]]: ...

    def office_hours(self) -> Any: ...


@dataclass
class _Session:
    confirmed: frozenset[int] | None = None
    calendar: WorkCalendar | None = None
    depth: int = 1


_source: CalendarSource | None = None
_state = threading.local()


def install_source(source: CalendarSource | None) -> None:
    """Called by ganchao.workcal at start-up; without a source only the package is used."""
    global _source
    _source = source


def begin_session(*, fresh: bool = False) -> None:
    """Start caching the calendar in this thread; `fresh` drops any session left open (a new
    web request)."""
    session = getattr(_state, "session", None)
    if session is None or fresh:
        _state.session = _Session()
    else:
        session.depth += 1


def end_session(*, force: bool = False) -> None:
    """Leave the innermost session; `force` leaves them all (tests, a request that failed)."""
    session = getattr(_state, "session", None)
    if session is None:
        return
    session.depth -= 1
    if force or session.depth <= 0:
        _state.session = None


@contextmanager
def calendar_session() -> Iterator[None]:
    """Load the calendar once for a block (a tick); web requests get one automatically."""
    begin_session()
    try:
        yield
    finally:
        end_session()


def invalidate() -> None:
    """Forget the loaded calendar, after an override or a year's schedule changed."""
    session = getattr(_state, "session", None)
    if session is not None:
        session.confirmed = None
        session.calendar = None


def confirmed_years() -> frozenset[int]:
    """Years whose schedule an administrator entered."""
    session = getattr(_state, "session", None)
    if session is not None and session.confirmed is not None:
        return session.confirmed
    years = frozenset(_source.confirmed_years()) if _source else frozenset()
    if session is not None:
        session.confirmed = years
    return years


def _load_calendar() -> WorkCalendar:
    confirmed = confirmed_years()
    if _source is None:
        return WorkCalendar(entered={year: {} for year in confirmed})
    overrides, entered = _source.rules(confirmed)
    return WorkCalendar(overrides=overrides, entered=entered, office_hours=_source.office_hours())


def current_calendar() -> WorkCalendar:
    """The calendar with today's overrides: cached for the session, loaded afresh outside one."""
    session = getattr(_state, "session", None)
    if session is None:
        return _load_calendar()
    if session.calendar is None:
        session.calendar = _load_calendar()
    return session.calendar


def is_provisional_year(year: int) -> bool:
    return not package_knows(year) and year not in confirmed_years()


def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)


def is_working_day_info(day: dt.date) -> Answer[bool]:
    return current_calendar().is_working_day_info(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return current_calendar().add_working_days(day, n)


def add_working_days_info(day: dt.date, n: int) -> Answer[dt.date]:
    return current_calendar().add_working_days_info(day, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return current_calendar().working_days_between(a, b)


def working_days_between_info(a: dt.date, b: dt.date) -> Answer[int]:
    return current_calendar().working_days_between_info(a, b)


def working_time_between(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    return current_calendar().working_time_between(start, end)


def working_time_between_info(start: dt.datetime, end: dt.datetime) -> Answer[dt.timedelta]:
    return current_calendar().working_time_between_info(start, end)


def add_working_hours(start: dt.datetime, hours) -> dt.datetime:
    """`hours` (a number or a timedelta) of office time after start (before it if negative)."""
    return current_calendar().add_working_time(start, hours)


def add_working_hours_info(start: dt.datetime, hours) -> Answer[dt.datetime]:
    return current_calendar().add_working_time_info(start, hours)


def working_hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Office time between two moments in hours (exact; quantize for display)."""
    return micros_to_hours(current_calendar().working_micros_between(start, end))
