"""Progress reports of the demo plans, up to the as-of date: a pure function of the plan, the
working-day calendar, the seed and the as-of date.

Every lead and responsible assignment reports for each data period whose report is due (5
working days after the period's end) by the as-of date. Each assignment has its own random
stream (`ganchao-reports:{seed}:{unit}:{item}`) and a profile — ahead, on track, lagging,
seriously lagging or silent (mostly missing) — that sets its values against the expected
value of DESIGN.md 3.8, how often it is late or missing, and how its milestones go.
"""

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from ganchao.common.workcalendar import SHANGHAI
from ganchao.demodata import goals_names
from ganchao.demodata.goals_generator import AssignmentRow, CityPlan, ItemRow, MilestoneRow
from ganchao.goals.choices import Direction, ItemType, Nature, ReportState
from ganchao.goals.choices import Role as AssignmentRole
from ganchao.goals.periods import Period, due_date, periods_of_year

PROFILES = ("ahead", "on_track", "lagging", "serious", "silent")
PROFILE_WEIGHTS = (5, 66, 16, 9, 4)
# Reported value ÷ expected value, by profile: 正向 and 逆向 (lower is better).
POSITIVE_FACTORS = {"ahead": (1.12, 1.3), "on_track": (1.0, 1.07), "lagging": (0.905, 0.97),
                    "serious": (0.7, 0.88), "silent": (0.95, 1.05)}  # fmt: skip
NEGATIVE_FACTORS = {"ahead": (0.7, 0.85), "on_track": (0.9, 1.0), "lagging": (1.03, 1.095),
                    "serious": (1.12, 1.35), "silent": (0.95, 1.05)}  # fmt: skip
# A milestone done on time, late, or still open, by profile (weights).
MILESTONE_ODDS = {"ahead": (95, 4, 1), "on_track": (88, 10, 2), "lagging": (55, 35, 10),
                  "serious": (25, 35, 40), "silent": (60, 20, 20)}  # fmt: skip
RETURN_SHARE = 0.025
PENDING_SHARE = 0.3  # of the latest period's reports, not yet reviewed
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


@dataclass
class ReportRow:
    item_code: str
    unit_code: str
    period: str
    period_end: dt.date
    revision: int
    is_current: bool
    state: str
    value: Decimal | None
    narrative: str
    late: bool
    submitted_at: dt.datetime
    submitted_by: str | None
    reviewed_at: dt.datetime | None = None
    reviewed_by: str | None = None
    return_reason: str = ""
    completions: list[tuple[int, dt.date]] = field(default_factory=list)  # (position, on)


def elapsed(day: dt.date) -> int:
    """Days from 31 December of the previous year to `day` (31 January → 31)."""
    return (day - dt.date(day.year - 1, 12, 31)).days


def expected_value(target: float, quarters, nature: str, t: dt.date) -> float:
    """序时进度 at the period end `t` (DESIGN.md 3.8)."""
    if nature == Nature.LEVEL:
        return float(quarters[(t.month - 1) // 3]) if quarters else target
    if not quarters:
        return target * elapsed(t) / elapsed(dt.date(t.year, 12, 31))
    points = [(0, 0.0)] + [
        (elapsed(dt.date(t.year, *end)), float(q))
        for end, q in zip(QUARTER_ENDS, quarters, strict=True)
    ]
    x = elapsed(t)
    for (x0, y0), (x1, y1) in pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def due_periods(item: ItemRow, cal, as_of: dt.date) -> list[tuple[Period, dt.date]]:
    """The item's data periods of the plan year whose report is due by `as_of`."""
    periods = ((p, due_date(p, cal, 5)) for p in periods_of_year(as_of.year, item.frequency))
    return [(p, due) for p, due in periods if due <= as_of]


def city_reports(city: CityPlan, cal, as_of: dt.date, seed: int) -> Iterator[ReportRow]:
    """Every report of the city's plan, assignment by assignment, in period order."""
    items = {item.code: item for item in city.items}
    milestones: dict[str, list[MilestoneRow]] = {}
    for milestone in city.milestones:
        milestones.setdefault(milestone.item_code, []).append(milestone)
    for assignment in city.assignments:
        if assignment.role == AssignmentRole.COOPERATING:
            continue
        item = items[assignment.item_code]
        writer = AssignmentReports(
            city, item, assignment, milestones.get(item.code, []), cal, as_of, seed
        )
        yield from writer.rows()


class AssignmentReports:
    """The reports of one assignment."""

    def __init__(self, city, item: ItemRow, assignment: AssignmentRow, milestones, cal, as_of,
                 seed):  # fmt: skip
        self.ctx, self.item, self.assignment = city.context, item, assignment
        self.milestones, self.cal, self.as_of = milestones, cal, as_of
        self.rng = random.Random(f"ganchao-reports:{seed}:{assignment.unit_code}:{item.code}")
        self.profile = self.rng.choices(PROFILES, PROFILE_WEIGHTS)[0]
        self.indicator = item.type == ItemType.INDICATOR
        self.target = assignment.target if assignment.target is not None else item.target
        self.quarters = assignment.quarters or item.quarters
        self.submitter = self._submitter()

    def _submitter(self) -> str | None:
        """Statistics come from the data-source unit's liaison, the rest from the unit's."""
        liaisons = self.ctx.liaisons
        if self.item.data_source_code in liaisons:
            return liaisons[self.item.data_source_code]
        return liaisons.get(self.assignment.unit_code)

    def rows(self) -> list[ReportRow]:
        reports: list[ReportRow] = []
        previous = None
        periods = due_periods(self.item, self.cal, self.as_of)
        for index, (period, due) in enumerate(periods):
            value = None
            if self.indicator:
                value = self._value(period.end, previous)
                previous = value
            reports += self._period(period, due, value, index == len(periods) - 1)
        if not self.indicator:
            self._complete(reports)
        return reports

    # ---- values -----------------------------------------------------------------------------

    def _value(self, t: dt.date, previous: Decimal | None) -> Decimal:
        item, rng = self.item, self.rng
        target = float(self.target)
        expected = expected_value(target, self.quarters, item.nature, t)
        profile = self.profile
        if rng.random() < 0.1:  # a good or bad month now and then
            profile = rng.choices(PROFILES[:4], PROFILE_WEIGHTS[:4])[0]
        table = NEGATIVE_FACTORS if item.direction == Direction.NEGATIVE else POSITIVE_FACTORS
        value = expected * rng.uniform(*table[profile])
        if expected == 0 and profile == "serious":
            value = 1.0
        if item.measure_unit == "%" and target <= 100:
            value = min(value, 100.0)
        places = -self.target.as_tuple().exponent
        result = Decimal(f"{value:.{places}f}")
        if item.nature == Nature.CUMULATIVE and previous is not None:
            result = max(result, previous)
        return result

    def _narrative(self, period: Period, value: Decimal | None) -> str:
        rng = self.rng
        if value is None:
            return rng.choice(goals_names.WORK_PHRASES)
        negative = self.item.direction == Direction.NEGATIVE
        # a 逆向 figure is kept down, not completed: 累计发生 (or 为, for a level)
        verb = "完成" if not negative else "累计" if self.item.nature == Nature.CUMULATIVE else "为"
        text = f"{period.label}{verb}{value}{self.item.measure_unit}"
        expected = expected_value(float(self.target), self.quarters, self.item.nature, period.end)
        met = (value <= Decimal(f"{expected:.4f}")) == negative
        if met or Decimal(f"{expected:.4f}") == value:
            return text + ("，控制在序时目标以内。" if negative else "，达到序时进度。")
        if negative:
            reason = rng.choice(goals_names.NEGATIVE_LAG_REASONS)
            measure = rng.choice(goals_names.NEGATIVE_MEASURES)
            return (
                f"{text}，超出序时控制目标，主要原因是{reason}；"
                f"下一步将{measure}，确保全年控制在目标以内。"
            )
        reason = rng.choice(goals_names.LAG_REASONS)
        measure = rng.choice(goals_names.CATCH_UP_MEASURES)
        return f"{text}，未达序时进度，主要原因是{reason}；下一步将{measure}，确保完成全年目标。"

    # ---- submission and review --------------------------------------------------------------

    def _period(self, period: Period, due: dt.date, value, latest: bool) -> list[ReportRow]:
        rng = self.rng
        missing = 0.6 if self.profile == "silent" else 0.025 + (0.03 if latest else 0)
        if rng.random() < missing:
            return []
        late = rng.random() < (0.15 if self.profile in ("lagging", "serious") else 0.07)
        day = self._submitted_day(period.end, due, late)
        if day is None:
            return []  # would be late, and is not in yet
        first = self._report(period, 1, value, day, due)
        reviewed = self.cal.add_working_days(day, rng.randint(1, 3))
        if reviewed > self.as_of or (latest and rng.random() < PENDING_SHARE):
            return [first]  # still waiting for the office's review
        if rng.random() >= RETURN_SHARE:
            self._review(first, reviewed, ReportState.ACCEPTED)
            return [first]
        return self._returned(first, period, due, value, reviewed, latest)

    def _returned(self, first, period, due, value, reviewed, latest) -> list[ReportRow]:
        rng = self.rng
        reason = rng.choice(goals_names.RETURN_REASONS)
        if value is not None and reason == goals_names.RETURN_REASONS[0]:
            first.value = (value * Decimal("0.9")).quantize(value)
        self._review(first, reviewed, ReportState.RETURNED)
        first.return_reason = reason
        again = self.cal.add_working_days(reviewed, rng.randint(1, 3))
        if again > self.as_of or (latest and rng.random() < PENDING_SHARE):
            return [first]  # not corrected yet
        first.is_current = False
        second = self._report(period, 2, value, again, due)
        checked = self.cal.add_working_days(again, rng.randint(1, 2))
        if checked <= self.as_of:
            self._review(second, checked, ReportState.ACCEPTED)
        return [first, second]

    def _submitted_day(self, period_end: dt.date, due: dt.date, late: bool) -> dt.date | None:
        if late:
            day = self.cal.add_working_days(due, self.rng.randint(1, 8))
            return day if day <= self.as_of else None
        day = self.cal.add_working_days(due, -self.rng.choice((0, 0, 1, 1, 2, 3, 4)))
        return day if day > period_end else due

    def _moment(self, day: dt.date) -> dt.datetime:
        time = dt.time(self.rng.randint(8, 17), self.rng.randint(0, 59))
        return dt.datetime.combine(day, time, tzinfo=SHANGHAI)

    def _report(self, period: Period, revision: int, value, day: dt.date, due) -> ReportRow:
        return ReportRow(
            item_code=self.item.code,
            unit_code=self.assignment.unit_code,
            period=period.code,
            period_end=period.end,
            revision=revision,
            is_current=True,
            state=ReportState.SUBMITTED,
            value=value,
            narrative=self._narrative(period, value),
            late=day > due,
            submitted_at=self._moment(day),
            submitted_by=self.submitter,
        )

    def _review(self, report: ReportRow, day: dt.date, state: str) -> None:
        report.state = state
        report.reviewed_at = self._moment(day)
        report.reviewed_by = self.rng.choice(self.ctx.reviewers) if self.ctx.reviewers else None

    # ---- milestones -------------------------------------------------------------------------

    def _complete(self, reports: list[ReportRow]) -> None:
        """Each milestone done is reported in the first counting report submitted after it
        (a report also tells what was done since its period ended); one never reported stays
        open."""
        counting = [r for r in reports if r.is_current and r.state != ReportState.RETURNED]
        for milestone in self.milestones:
            done_on = self._completed_on(milestone)
            report = next(
                (r for r in counting if done_on and r.submitted_at.date() > done_on), None
            )
            if report is not None:
                report.completions.append((milestone.position, done_on))
        done = {m.position: m.description for m in self.milestones}
        for report in counting:
            if report.completions:
                steps = "；".join(done[position] for position, _on in report.completions)
                report.narrative = f"已完成节点：{steps}。{report.narrative}"

    def _completed_on(self, milestone: MilestoneRow) -> dt.date | None:
        rng, due = self.rng, milestone.due_date
        outcome = rng.choices(("on_time", "late", "open"), MILESTONE_ODDS[self.profile])[0]
        if due > self.as_of:
            early = outcome == "on_time" and rng.random() < 0.15
            day = due - dt.timedelta(days=rng.randint(5, 40)) if early else None
        elif outcome == "on_time":
            day = due - dt.timedelta(days=rng.randint(0, 20))
        elif outcome == "late":
            span = 30 if self.profile == "serious" else 12
            day = due + dt.timedelta(days=rng.randint(1, span))
        else:
            day = None
        if day is None or day > self.as_of:
            return None
        return max(day, dt.date(due.year, 1, 2))
