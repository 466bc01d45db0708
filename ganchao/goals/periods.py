"""Data periods (2026-04, 2026-Q2) and their report due dates (DESIGN.md 3.8). Pure functions;
the working-day calendar is passed in (ganchao.common.workdays.current_calendar())."""

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass

from ganchao.goals.choices import Frequency

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Period:
    """A data period: a month (quarter=None, month 1–12) or a quarter (month=None)."""

    year: int
    index: int  # month 1–12, or quarter 1–4
    quarterly: bool

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.index}" if self.quarterly else f"{self.year}-{self.index:02d}"

    @property
    def frequency(self) -> str:
        return Frequency.QUARTERLY if self.quarterly else Frequency.MONTHLY

    @property
    def end(self) -> dt.date:
        month = self.index * 3 if self.quarterly else self.index
        return dt.date(self.year, month, _calendar.monthrange(self.year, month)[1])

    @property
    def start(self) -> dt.date:
        month = (self.index - 1) * 3 + 1 if self.quarterly else self.index
        return dt.date(self.year, month, 1)

    @property
    def label(self) -> str:
        """2026年第三季度 or 2026年10月, as the assessment pages and bulletins write periods."""
        if self.quarterly:
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        return f"{self.year}年{self.index}月"

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period | None:
    """`YYYY-MM` or `YYYY-Qn` (also `YYYY-qn`); None when it is neither."""
    value = (text or "").strip().upper()
    if match := MONTH_RE.match(value):
        return Period(int(match.group(1)), int(match.group(2)), False)
    if match := QUARTER_RE.match(value):
        return Period(int(match.group(1)), int(match.group(2)), True)
    return None


def periods_of_year(year: int, frequency: str) -> list[Period]:
    if frequency == Frequency.QUARTERLY:
        return [Period(year, q, True) for q in range(1, 5)]
    return [Period(year, m, False) for m in range(1, 13)]


def period_containing(day: dt.date, frequency: str) -> Period:
    if frequency == Frequency.QUARTERLY:
        return Period(day.year, (day.month - 1) // 3 + 1, True)
    return Period(day.year, day.month, False)


def due_date(period: Period, cal, due_working_days: int = 5) -> dt.date:
    """The report for `period` is due on the Nth working day after the period ends."""
    return cal.add_working_days(period.end, due_working_days)


def latest_due_period(
    year: int, frequency: str, day: dt.date, cal, due_working_days: int = 5
) -> Period | None:
    """The latest period of the plan year whose report is due by `day` (inclusive), or None.

    `t` in DESIGN.md 3.8 is this period's end. Reports stay on time until 23:59:59 of the due
    day, so a report due on `day` already counts on `day`.
    """
    latest = None
    for period in periods_of_year(year, frequency):
        if due_date(period, cal, due_working_days) <= day:
            latest = period
        else:
            break
    return latest
