"""The status rules (红黄绿灯, DESIGN.md 3.8) as pure functions: plain inputs, plain outputs.

No Django and no database: the recompute (ganchao.goals.status) loads the rows, turns them into
the dataclasses below and stores what `evaluate` returns. The working-day calendar is passed
in (anything with `add_working_days` and `working_days_between`, e.g. a WorkCalendar).

Definitions that the design leaves open, fixed here:

- A *counting report* is, for one data period, the latest version in state submitted or
  accepted; the caller passes one `Report(period_end, value)` per period (or, to
  `evaluate_values`, {period_end: value}). A returned or draft version is simply not passed.
- The report for period `p` "is due by d" when its due day (the Nth working day after the
  period's end) is on or before date(d); it stays on time until 23:59:59 of that day, so on
  the due day itself it already counts (the worked example evaluates April on 11 May).
- Done for 正向 累计值 looks at the counting reports of periods that have ended by date(d);
  done for 逆向 or 水平值 needs the report of the period ending 31 December (December or Q4).
- `red_since` for an indicator: walk back from `t` over consecutive due periods whose own
  evaluation (that period's report against E at that period's end) is red; `red_since` is
  the due day of the earliest period of that run. A missing report, a green or a yellow
  evaluation ends the run. For a task: among the milestones that are red at d, the earliest
  day on which one's overdue count first exceeded the threshold, i.e. the working day
  `add_working_days(due, threshold + 1)`. None unless the status is red.
- `stale`: the two latest due periods (t and the one before it) both lack a counting report.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

GREEN = "green"
YELLOW = "yellow"
RED = "red"
NOT_REPORTED = "not_reported"
NOT_STARTED = "not_started"
DONE = "done"

POSITIVE = "positive"
NEGATIVE = "negative"
CUMULATIVE = "cumulative"
LEVEL = "level"
MONTHLY = "monthly"
QUARTERLY = "quarterly"

TINY = Decimal("1e-9")
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


@dataclass(frozen=True)
class Thresholds:
    """Plan settings (DESIGN.md 3.8); these are the defaults."""

    yellow_gap: Decimal = Decimal("0.1")
    red_overdue_days: int = 5
    due_working_days: int = 5


@dataclass(frozen=True)
class Report:
    """The counting report of one data period: its end and its value (None for a task)."""

    period_end: dt.date
    value: Decimal | None = None


@dataclass(frozen=True)
class MilestoneState:
    """A milestone's due date and the date it was reported complete (None while open)."""

    due: dt.date
    completed_on: dt.date | None = None


@dataclass(frozen=True)
class Spec:
    """What the rules need of an assignment: its item's kind and its effective targets."""

    year: int
    frequency: str = MONTHLY
    is_task: bool = False
    nature: str = CUMULATIVE
    direction: str = POSITIVE
    target: Decimal | None = None
    staged: tuple[Decimal, Decimal, Decimal, Decimal] | None = None
    milestones: tuple[MilestoneState, ...] = ()


@dataclass(frozen=True)
class Result:
    status: str
    expected: Decimal | None = None
    actual: Decimal | None = None
    period_end: dt.date | None = None  # t, the end of the period used
    red_since: dt.date | None = None
    stale: bool = False


# ---- periods -------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _period_ends(year: int, frequency: str) -> tuple[dt.date, ...]:
    months = (3, 6, 9, 12) if frequency == QUARTERLY else range(1, 13)
    return tuple(dt.date(year, m, _calendar.monthrange(year, m)[1]) for m in months)


def period_ends(year: int, frequency: str) -> list[dt.date]:
    return list(_period_ends(year, frequency))


def report_due(period_end: dt.date, cal, thresholds: Thresholds = Thresholds()) -> dt.date:
    return cal.add_working_days(period_end, thresholds.due_working_days)


def due_period_ends(spec: Spec, day: dt.date, cal, thresholds: Thresholds) -> list[dt.date]:
    """Ends of the plan year's periods whose report is due by `day`, oldest first."""
    result = []
    for end in _period_ends(spec.year, spec.frequency):
        if report_due(end, cal, thresholds) > day:
            break
        result.append(end)
    return result


def _stale(due_ends: Sequence[dt.date], reported: Values) -> bool:
    """The two latest due periods both lack a counting report."""
    return len(due_ends) >= 2 and due_ends[-1] not in reported and due_ends[-2] not in reported


# ---- expected value ------------------------------------------------------------------------


def elapsed(day: dt.date) -> int:
    """Days from 31 December of the previous year to `day` (31 January → 31)."""
    return (day - dt.date(day.year - 1, 12, 31)).days


@lru_cache(maxsize=16)
def _quarter_elapsed(year: int) -> tuple[int, ...]:
    return tuple(elapsed(dt.date(year, month, day)) for month, day in QUARTER_ENDS)


def expected_value(spec: Spec, t: dt.date) -> Decimal | None:
    """E at `t` (DESIGN.md 3.8); None when the assignment has no target."""
    if spec.nature == LEVEL:
        if spec.staged is not None:
            return Decimal(spec.staged[(t.month - 1) // 3])
        return None if spec.target is None else Decimal(spec.target)
    x = elapsed(t)
    if spec.staged is not None:
        # the straight lines through (0, 0) and the quarter ends' (elapsed, staged value)
        if len(spec.staged) != len(QUARTER_ENDS):
            raise ValueError("staged targets are one value per quarter")
        x0, y0 = 0, Decimal(0)
        for x1, value in zip(_quarter_elapsed(t.year), spec.staged, strict=True):
            y1 = Decimal(value)
            if x <= x1:
                return y0 + (y1 - y0) * Decimal(x - x0) / Decimal(x1 - x0)
            x0, y0 = x1, y1
        return y0
    if spec.target is None:
        return None
    days_in_year = 366 if _calendar.isleap(t.year) else 365
    return Decimal(spec.target) * Decimal(x) / Decimal(days_in_year)


def meets(value: Decimal, bar: Decimal, direction: str) -> bool:
    return value <= bar if direction == NEGATIVE else value >= bar


def colour(actual: Decimal, expected: Decimal, direction: str, thresholds: Thresholds) -> str:
    if meets(actual, expected, direction):
        return GREEN
    gap = abs(actual - expected) / max(abs(expected), TINY)
    return YELLOW if gap <= thresholds.yellow_gap else RED


# ---- indicators ----------------------------------------------------------------------------


Values = Mapping[dt.date, "Decimal | None"]  # period end → the counting report's value


def indicator_done(spec: Spec, values: Values, day: dt.date) -> Report | None:
    """The report that makes the assignment done by `day`, or None."""
    if spec.target is None:
        return None
    target = Decimal(spec.target)
    if spec.nature == CUMULATIVE and spec.direction == POSITIVE:
        for end in sorted(values):
            value = values[end]
            if end <= day and value is not None and value >= target:
                return Report(end, value)
        return None
    final = dt.date(spec.year, 12, 31)
    value = values.get(final)
    if final not in values or final > day or value is None:
        return None
    return Report(final, value) if meets(value, target, spec.direction) else None


def _period_colour(spec: Spec, end: dt.date, value, thresholds: Thresholds) -> str | None:
    """The colour of one period's report (`value` None: missing or without a value)."""
    if value is None:
        return None
    expected = expected_value(spec, end)
    if expected is None:
        return None
    return colour(Decimal(value), expected, spec.direction, thresholds)


def _indicator_red_since(spec, values: Values, due_ends, cal, thresholds) -> dt.date | None:
    since = None
    for end in reversed(due_ends):
        if _period_colour(spec, end, values.get(end), thresholds) != RED:
            break
        since = report_due(end, cal, thresholds)
    return since


def evaluate_indicator(
    spec: Spec,
    values: Values,
    day: dt.date,
    cal,
    thresholds: Thresholds = Thresholds(),
    due_ends: Sequence[dt.date] | None = None,
) -> Result:
    if due_ends is None:
        due_ends = due_period_ends(spec, day, cal, thresholds)
    t = due_ends[-1] if due_ends else None
    stale = _stale(due_ends, values)
    expected = expected_value(spec, t) if t else None
    reported = t is not None and t in values
    actual = values[t] if reported else None
    done = indicator_done(spec, values, day)
    if done is not None:
        return Result(DONE, expected, actual if reported else done.value, t, stale=stale)
    if t is None:
        return Result(NOT_STARTED)
    if not reported or actual is None or expected is None:
        status = NOT_REPORTED if not reported or actual is None else GREEN
        return Result(status, expected, actual, t, stale=stale)
    status = colour(Decimal(actual), expected, spec.direction, thresholds)
    red_since = (
        _indicator_red_since(spec, values, due_ends, cal, thresholds) if status == RED else None
    )
    return Result(status, expected, actual, t, red_since, stale)


# ---- tasks ---------------------------------------------------------------------------------


def overdue_days(milestone: MilestoneState, day: dt.date, cal) -> int | None:
    """Working days w with due < w ≤ day for a milestone still open at `day`; None if it is
    complete by then or not yet past due."""
    if milestone.completed_on is not None and milestone.completed_on <= day:
        return None
    if milestone.due >= day:
        return None
    return cal.working_days_between(milestone.due, day)


def task_colour(
    spec: Spec, day: dt.date, cal, thresholds: Thresholds
) -> tuple[str, dt.date | None]:
    counts = [(m, overdue_days(m, day, cal)) for m in spec.milestones]
    late = [(m, n) for m, n in counts if n is not None]
    red = [m for m, n in late if n > thresholds.red_overdue_days]
    if red:
        since = min(cal.add_working_days(m.due, thresholds.red_overdue_days + 1) for m in red)
        return RED, since
    return (YELLOW if late else GREEN), None


def task_done(spec: Spec, day: dt.date) -> bool:
    """Every milestone complete by `day` (and there is one)."""
    for m in spec.milestones:  # a plain loop: called for every task assignment of a plan
        if m.completed_on is None or m.completed_on > day:
            return False
    return bool(spec.milestones)


def evaluate_task(
    spec: Spec,
    ends: Values,
    day: dt.date,
    cal,
    thresholds: Thresholds = Thresholds(),
    due_ends: Sequence[dt.date] | None = None,
) -> Result:
    if due_ends is None:
        due_ends = due_period_ends(spec, day, cal, thresholds)
    t = due_ends[-1] if due_ends else None
    stale = _stale(due_ends, ends)
    if task_done(spec, day):
        return Result(DONE, period_end=t, stale=stale)
    if t is None:
        return Result(NOT_STARTED)
    if t not in ends:
        return Result(NOT_REPORTED, period_end=t, stale=stale)
    status, since = task_colour(spec, day, cal, thresholds)
    return Result(status, period_end=t, red_since=since, stale=stale)


def evaluate(
    spec: Spec, reports, day: dt.date, cal, thresholds: Thresholds = Thresholds()
) -> Result:
    """The status of one assignment at date(d) = `day` (DESIGN.md 3.8), from its counting
    reports (one per period; a later one of the same period replaces an earlier one)."""
    values = {report.period_end: report.value for report in reports}
    return evaluate_values(spec, values, day, cal, thresholds)


def evaluate_values(
    spec: Spec,
    values: Values,
    day: dt.date,
    cal,
    thresholds: Thresholds = Thresholds(),
    due_ends: Sequence[dt.date] | None = None,
) -> Result:
    """`evaluate` with the reports given as {period end: value}, as the recompute loads them
    (no object per report). `due_ends` may pass `due_period_ends(spec, day, cal, thresholds)`
    worked out once for the assignments of one year and frequency: it is the same for all."""
    if spec.is_task:
        return evaluate_task(spec, values, day, cal, thresholds, due_ends)
    return evaluate_indicator(spec, values, day, cal, thresholds, due_ends)
