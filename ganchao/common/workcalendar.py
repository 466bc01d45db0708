"""The pure working-day calendar (DESIGN.md 3.11), free of Django; ganchao.common.workdays
wraps it with the administrators' data.

`WorkCalendar` is built from the package chinese-calendar, the schedules administrators entered
for years the package does not know (`entered`: year → {date: (is_working_day, holiday name)})
and the administrators' single-day overrides (`overrides`: {date: is_working_day}), which always
win. A year the package does not know and that has no entered schedule is *provisional*:
Monday–Friday minus the fixed-date holidays (1 January, 1–2 May, 1–3 October). Each year is
turned once into a bitmap of working days and a running count, so every question costs a few
list look-ups whatever the distance.

Semantics:

- `add_working_days(d, n)`: for n > 0 the nth working day after d (d itself not counted), for
  n < 0 the |n|th working day before d; for n = 0, d itself, working day or not.
- `working_days_between(a, b)`: the number of working days w with a < w ≤ b (DESIGN.md 3.8's
  "overdue by n"); negative when b < a.
- `working_time_between(start, end)`: the office time within [start, end) on working days, as
  a timedelta (negative when end < start).
- `add_working_time(start, amount)`: for amount > 0 the earliest moment t with
  working_time_between(start, t) == amount (so a deadline may fall at 17:30 rather than 08:30
  the next day); for amount < 0 the latest such moment before start. Results are aware
  datetimes in Asia/Shanghai; naive datetimes are refused.

Each question has an `*_info` variant returning `Answer(value, provisional_years)`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from itertools import accumulate
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from chinese_calendar import constants as package_data

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_OFFICE_HOURS = (("08:30", "12:00"), ("14:00", "17:30"))
FALLBACK_HOLIDAYS = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}
MICROS_PER_HOUR = 3_600_000_000
DAY_MICROS = 24 * MICROS_PER_HOUR
PACKAGE_FIRST_YEAR = min(package_data.holidays).year
PACKAGE_LAST_YEAR = max(package_data.holidays).year
_HOLIDAY_NAMES = {holiday.value: holiday.chinese for holiday in package_data.Holiday}

T = TypeVar("T")


class DayKind(StrEnum):
    """What a date is, for display; `WORKING_KINDS` are the working ones."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP = "makeup"
    OVERRIDE_WORKDAY = "override_workday"
    OVERRIDE_OFF = "override_off"


WORKING_KINDS = frozenset({DayKind.WORKDAY, DayKind.MAKEUP, DayKind.OVERRIDE_WORKDAY})


class YearSource(StrEnum):
    """Where a year's schedule comes from."""

    PACKAGE = "package"
    ENTERED = "entered"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A calendar answer and the provisional years it rests on (empty when it is firm)."""

    value: T
    provisional_years: frozenset[int] = frozenset()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)


@dataclass(frozen=True)
class Day:
    """One date as the calendar sees it; `base_kind` is what an override replaced."""

    date: dt.date
    kind: DayKind
    working: bool
    name: str = ""
    base_kind: DayKind | None = None


def package_knows(year: int) -> bool:
    """Whether chinese-calendar carries the official schedule of `year`."""
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def parse_office_hours(spec) -> tuple[tuple[int, int], ...]:
    """(("08:30", "12:00"), …) → sessions in microseconds after midnight; rejects bad values."""
    sessions = []
    for pair in spec:
        try:
            start, end = (dt.time.fromisoformat(str(part)) for part in pair)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f'OFFICE_HOURS: 无法识别的时段 {pair!r}，应为 ("08:30", "12:00")'
            ) from exc
        sessions.append((_time_micros(start), _time_micros(end)))
    if not sessions:
        raise ValueError("OFFICE_HOURS: 至少需要一个办公时段")
    for (start, end), following in zip(sessions, [*sessions[1:], None], strict=True):
        if end <= start or (following and following[0] < end):
            raise ValueError("OFFICE_HOURS: 各时段须先早后晚、互不重叠，且结束晚于开始")
    return tuple(sessions)


def _time_micros(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def _to_micros(amount) -> int:
    if isinstance(amount, dt.timedelta):
        return amount // dt.timedelta(microseconds=1)
    hours = Decimal(str(amount))
    return int((hours * MICROS_PER_HOUR).to_integral_value(rounding=ROUND_HALF_UP))


def micros_to_hours(micros: int) -> Decimal:
    return Decimal(micros) / MICROS_PER_HOUR


def _day_kind(day: dt.date, known: bool, schedule) -> tuple[DayKind, str]:
    """A date's kind and holiday name: from an entered schedule, the package or the fallback."""
    if schedule is not None:
        if day in schedule:
            working, name = schedule[day]
            return (DayKind.MAKEUP if working else DayKind.HOLIDAY, name)
    elif known and day in package_data.workdays:
        return (DayKind.MAKEUP, _HOLIDAY_NAMES.get(package_data.workdays[day], ""))
    elif known and day in package_data.holidays:
        return (DayKind.HOLIDAY, _HOLIDAY_NAMES.get(package_data.holidays[day], ""))
    elif not known and (day.month, day.day) in FALLBACK_HOLIDAYS:
        return (DayKind.HOLIDAY, FALLBACK_HOLIDAYS[(day.month, day.day)])
    return (DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY, "")


def _year_kinds(year: int, schedule=None) -> tuple[tuple[DayKind, str], ...]:
    first = dt.date(year, 1, 1)
    known = package_knows(year)
    return tuple(
        _day_kind(first + dt.timedelta(days=offset), known, schedule)
        for offset in range((dt.date(year + 1, 1, 1) - first).days)
    )


_builtin_year = lru_cache(maxsize=64)(_year_kinds)


@dataclass
class _Year:
    first: int  # ordinal of 1 January
    flags: bytearray  # 1 for a working day, by day of year (0-based)
    running: list[int]  # running[i] = working days among the first i days


class WorkCalendar:
    """The pure calendar: package + entered schedules + overrides (which always win)."""

    def __init__(
        self,
        *,
        overrides: Mapping[dt.date, bool] | None = None,
        entered: Mapping[int, Mapping[dt.date, tuple[bool, str]]] | None = None,
        office_hours=DEFAULT_OFFICE_HOURS,
        tz: dt.tzinfo = SHANGHAI,
    ):
        self.overrides = dict(overrides or {})
        self.entered = {year: dict(days) for year, days in (entered or {}).items()}
        self.sessions = parse_office_hours(office_hours)
        self.day_micros = sum(end - start for start, end in self.sessions)
        self.tz = tz
        self._years: dict[int, _Year] = {}

    # ---- years -----------------------------------------------------------------------------

    def year_source(self, year: int) -> YearSource:
        if package_knows(year):
            return YearSource.PACKAGE
        return YearSource.ENTERED if year in self.entered else YearSource.FALLBACK

    def is_provisional(self, year: int) -> bool:
        return self.year_source(year) is YearSource.FALLBACK

    def provisional_years(self, first: dt.date, last: dt.date) -> frozenset[int]:
        """The provisional years among those of the dates first..last (empty if last < first)."""
        return frozenset(y for y in range(first.year, last.year + 1) if self.is_provisional(y))

    def year_days(self, year: int) -> list[Day]:
        """Every date of the year with its kind, for the calendar page, API and CLI."""
        first = dt.date(year, 1, 1)
        days = []
        for offset, (kind, name) in enumerate(self._base_kinds(year)):
            day = first + dt.timedelta(days=offset)
            if day in self.overrides:
                working = self.overrides[day]
                new_kind = DayKind.OVERRIDE_WORKDAY if working else DayKind.OVERRIDE_OFF
                days.append(Day(day, new_kind, working, name, base_kind=kind))
            else:
                days.append(Day(day, kind, kind in WORKING_KINDS, name))
        return days

    def _base_kinds(self, year: int) -> tuple[tuple[DayKind, str], ...]:
        if self.year_source(year) is YearSource.ENTERED:
            return _year_kinds(year, self.entered[year])
        return _builtin_year(year)

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        first = dt.date(year, 1, 1).toordinal()
        flags = bytearray(kind in WORKING_KINDS for kind, _ in self._base_kinds(year))
        for day, working in self.overrides.items():
            if day.year == year:
                flags[day.toordinal() - first] = 1 if working else 0
        built = _Year(first, flags, [0, *accumulate(flags)])
        self._years[year] = built
        return built

    # ---- days --------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        year = self._year(day.year)
        return bool(year.flags[day.toordinal() - year.first])

    def _count_through(self, day: dt.date) -> int:
        """Working days from 1 January of day's year through day."""
        year = self._year(day.year)
        return year.running[day.toordinal() - year.first + 1]

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        if b < a:
            return -self.working_days_between(b, a)
        total = self._count_through(b) - self._count_through(a)
        for year in range(a.year, b.year):
            total += self._year(year).running[-1]
        return total

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        if n == 0:
            return day
        year_number = day.year
        year = self._year(year_number)
        index = day.toordinal() - year.first
        if n > 0:
            target = year.running[index + 1] + n
            while target > year.running[-1]:
                target -= year.running[-1]
                year_number += 1
                year = self._year(year_number)
        else:
            target = year.running[index] + n + 1
            while target < 1:
                year_number -= 1
                year = self._year(year_number)
                target += year.running[-1]
        return dt.date.fromordinal(year.first + bisect_left(year.running, target) - 1)

    # ---- office hours ------------------------------------------------------------------------

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("working-time arithmetic needs an aware datetime")
        return moment.astimezone(self.tz)

    def _at(self, day: dt.date, micros: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz) + dt.timedelta(
            microseconds=micros
        )

    def _office_micros(self, day: dt.date, lo: int, hi: int) -> int:
        """Office time on `day` between lo and hi microseconds after midnight."""
        if hi <= lo or not self.is_working_day(day):
            return 0
        return sum(max(0, min(hi, end) - max(lo, start)) for start, end in self.sessions)

    def working_micros_between(self, start: dt.datetime, end: dt.datetime) -> int:
        start, end = self._local(start), self._local(end)
        if end < start:
            return -self.working_micros_between(end, start)
        first, last = start.date(), end.date()
        lo, hi = _time_micros(start.timetz()), _time_micros(end.timetz())
        if first == last:
            return self._office_micros(first, lo, hi)
        inner = self.working_days_between(first, last - dt.timedelta(days=1))
        return (
            self._office_micros(first, lo, DAY_MICROS)
            + inner * self.day_micros
            + self._office_micros(last, 0, hi)
        )

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return dt.timedelta(microseconds=self.working_micros_between(start, end))

    def add_working_time(self, start: dt.datetime, amount) -> dt.datetime:
        """`amount` (a timedelta, or hours as a number) of office time after (or before) start."""
        start = self._local(start)
        micros = _to_micros(amount)
        if micros == 0:
            return start
        day, at = start.date(), _time_micros(start.timetz())
        if micros > 0:
            available = self._office_micros(day, at, DAY_MICROS)
            if micros <= available:
                return self._forward(day, at, micros)
            micros -= available
            full_days = (micros - 1) // self.day_micros
            day = self.add_working_days(day, full_days + 1)
            return self._forward(day, 0, micros - full_days * self.day_micros)
        micros = -micros
        available = self._office_micros(day, 0, at)
        if micros <= available:
            return self._backward(day, at, micros)
        micros -= available
        full_days = (micros - 1) // self.day_micros
        day = self.add_working_days(day, -(full_days + 1))
        return self._backward(day, DAY_MICROS, micros - full_days * self.day_micros)

    def _forward(self, day: dt.date, at: int, micros: int) -> dt.datetime:
        for start, end in self.sessions:
            lo = max(start, at)
            if end <= lo:
                continue
            if micros <= end - lo:
                return self._at(day, lo + micros)
            micros -= end - lo
        raise AssertionError("office time exhausted within a day")

    def _backward(self, day: dt.date, at: int, micros: int) -> dt.datetime:
        for start, end in reversed(self.sessions):
            hi = min(end, at)
            if hi <= start:
                continue
            if micros <= hi - start:
                return self._at(day, hi - micros)
            micros -= hi - start
        raise AssertionError("office time exhausted within a day")

    # ---- answers with their provisional years ------------------------------------------------

    def is_working_day_info(self, day: dt.date) -> Answer[bool]:
        return Answer(self.is_working_day(day), self.provisional_years(day, day))

    def add_working_days_info(self, day: dt.date, n: int) -> Answer[dt.date]:
        result = self.add_working_days(day, n)
        one = dt.timedelta(days=1)
        span = (day + one, result) if n > 0 else (result, day - one)
        return Answer(result, self.provisional_years(*span) if n else frozenset())

    def working_days_between_info(self, a: dt.date, b: dt.date) -> Answer[int]:
        lo, hi = min(a, b), max(a, b)
        return Answer(
            self.working_days_between(a, b),
            self.provisional_years(lo + dt.timedelta(days=1), hi),
        )

    def working_time_between_info(
        self, start: dt.datetime, end: dt.datetime
    ) -> Answer[dt.timedelta]:
        return Answer(self.working_time_between(start, end), self._span_years(start, end))

    def add_working_time_info(self, start: dt.datetime, amount) -> Answer[dt.datetime]:
        result = self.add_working_time(start, amount)
        return Answer(result, self._span_years(start, result))

    def _span_years(self, a: dt.datetime, b: dt.datetime) -> frozenset[int]:
        start, end = sorted((self._local(a), self._local(b)))
        if start == end:
            return frozenset()
        last = end.date()
        if end.time() == dt.time():  # an end at midnight takes nothing from that day
            last -= dt.timedelta(days=1)
        return self.provisional_years(start.date(), last)
