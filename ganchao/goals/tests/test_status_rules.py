"""The status rules of DESIGN.md 3.8, apart from the database."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ganchao.common.workcalendar import WorkCalendar
from ganchao.goals import status_rules as rules
from ganchao.goals.status_rules import MilestoneState, Report, Spec

CAL = WorkCalendar()
D = Decimal

EMPLOYMENT = Spec(
    year=2026,
    target=D(12000),
    staged=(D(3000), D(6500), D(9500), D(12000)),
)


def monthly(values: dict[int, int | str]) -> list[Report]:
    return [Report(rules.period_ends(2026, "monthly")[m - 1], D(v)) for m, v in values.items()]


# ---- the worked example -------------------------------------------------------------------


def test_worked_example_expected_value_on_the_april_due_day():
    result = rules.evaluate(EMPLOYMENT, monthly({3: 3100, 4: 4200}), dt.date(2026, 5, 11), CAL)
    assert result.period_end == dt.date(2026, 4, 30)
    assert result.expected == D(3000) + D(3500) * D(30) / D(91)
    assert round(result.expected, 1) == D("4153.8")


def test_worked_example_colours():
    day = dt.date(2026, 5, 11)
    assert rules.evaluate(EMPLOYMENT, monthly({4: 4200}), day, CAL).status == "green"
    yellow = rules.evaluate(EMPLOYMENT, monthly({4: 4000}), day, CAL)
    assert yellow.status == "yellow"
    assert round((yellow.expected - 4000) / yellow.expected * 100, 1) == D("3.7")
    red = rules.evaluate(EMPLOYMENT, monthly({4: 3600}), day, CAL)
    assert red.status == "red"
    assert round((red.expected - 3600) / red.expected * 100, 1) == D("13.3")
    assert red.actual == D(3600)


def test_before_the_april_due_day_the_march_report_counts():
    result = rules.evaluate(EMPLOYMENT, monthly({3: 2900, 4: 4200}), dt.date(2026, 5, 8), CAL)
    assert result.period_end == dt.date(2026, 3, 31)
    assert result.expected == D(3000)
    assert result.status == "yellow"


def test_missing_report_due_by_d_is_not_reported():
    result = rules.evaluate(EMPLOYMENT, monthly({3: 3100}), dt.date(2026, 5, 11), CAL)
    assert result.status == "not_reported"
    assert result.actual is None


def test_not_started_before_the_first_report_is_due():
    january_due = rules.report_due(dt.date(2026, 1, 31), CAL)
    before = january_due - dt.timedelta(days=1)
    assert rules.evaluate(EMPLOYMENT, [], before, CAL).status == "not_started"
    assert rules.evaluate(EMPLOYMENT, [], january_due, CAL).status == "not_reported"


def test_stale_after_two_missed_periods():
    day = dt.date(2026, 5, 11)
    assert rules.evaluate(EMPLOYMENT, monthly({2: 2000}), day, CAL).stale
    assert not rules.evaluate(EMPLOYMENT, monthly({3: 3000}), day, CAL).stale


# ---- expected values ----------------------------------------------------------------------


def test_elapsed():
    assert rules.elapsed(dt.date(2026, 1, 31)) == 31
    assert rules.elapsed(dt.date(2026, 12, 31)) == 365
    assert rules.elapsed(dt.date(2028, 12, 31)) == 366


def test_cumulative_without_staged_targets_is_time_elapsed():
    spec = Spec(year=2026, target=D(365))
    assert rules.expected_value(spec, dt.date(2026, 2, 28)) == D(59)


def test_level_takes_the_quarter_target_or_the_annual_one():
    staged = Spec(year=2026, nature="level", target=D(8), staged=(D(5), D(6), D(7), D(8)))
    assert rules.expected_value(staged, dt.date(2026, 5, 31)) == D(6)
    plain = Spec(year=2026, nature="level", target=D("95.5"))
    assert rules.expected_value(plain, dt.date(2026, 1, 31)) == D("95.5")


def test_negative_direction_met_when_at_or_below():
    spec = Spec(year=2026, nature="level", direction="negative", target=D(10))
    day = dt.date(2026, 5, 11)
    assert rules.evaluate(spec, monthly({4: 10}), day, CAL).status == "green"
    assert rules.evaluate(spec, monthly({4: 11}), day, CAL).status == "yellow"
    assert rules.evaluate(spec, monthly({4: "11.5"}), day, CAL).status == "red"


def test_quarterly_reports_use_quarter_ends():
    spec = Spec(year=2026, frequency="quarterly", target=D(12000), staged=EMPLOYMENT.staged)
    quarter_one = Report(dt.date(2026, 3, 31), D(3000))
    result = rules.evaluate(spec, [quarter_one], dt.date(2026, 6, 15), CAL)
    assert (result.status, result.period_end, result.expected) == (
        "green",
        dt.date(2026, 3, 31),
        D(3000),
    )


# ---- done ---------------------------------------------------------------------------------


def test_positive_cumulative_done_once_a_value_reaches_the_target():
    result = rules.evaluate(EMPLOYMENT, monthly({3: 12000}), dt.date(2026, 5, 11), CAL)
    assert result.status == "done"


def test_level_done_only_with_the_december_report():
    spec = Spec(year=2026, nature="level", target=D(8))
    assert rules.evaluate(spec, monthly({10: 9}), dt.date(2026, 11, 20), CAL).status == "green"
    after = rules.evaluate(spec, monthly({12: 8}), dt.date(2027, 1, 4), CAL)
    assert after.status == "done"


def test_negative_done_only_when_december_meets_target():
    spec = Spec(year=2026, direction="negative", target=D(100))
    assert rules.evaluate(spec, monthly({11: 50}), dt.date(2026, 12, 10), CAL).status != "done"
    assert rules.evaluate(spec, monthly({12: 99}), dt.date(2027, 1, 4), CAL).status == "done"
    assert rules.evaluate(spec, monthly({12: 101}), dt.date(2027, 1, 4), CAL).status != "done"


# ---- red_since ----------------------------------------------------------------------------


def test_red_since_is_the_due_day_of_the_first_period_of_the_red_run():
    reports = monthly({2: 1000, 3: 2000, 4: 3000})  # Feb green? no: E(Feb)=1,957 → red
    result = rules.evaluate(EMPLOYMENT, reports, dt.date(2026, 5, 11), CAL)
    assert result.status == "red"
    assert result.red_since == rules.report_due(dt.date(2026, 2, 28), CAL)
    broken = monthly({2: 2000, 3: 2000, 4: 3000})
    result = rules.evaluate(EMPLOYMENT, broken, dt.date(2026, 5, 11), CAL)
    assert result.red_since == rules.report_due(dt.date(2026, 3, 31), CAL)


def test_red_since_absent_unless_red():
    assert (
        rules.evaluate(EMPLOYMENT, monthly({4: 4200}), dt.date(2026, 5, 11), CAL).red_since is None
    )


# ---- tasks --------------------------------------------------------------------------------


def task(*milestones, reports_through=9):
    spec = Spec(year=2026, is_task=True, milestones=tuple(milestones))
    reports = [Report(end) for end in rules.period_ends(2026, "monthly")[:reports_through]]
    return spec, reports


def test_task_milestone_worked_example():
    spec, reports = task(MilestoneState(dt.date(2026, 9, 24)))
    assert rules.evaluate(spec, reports, dt.date(2026, 9, 30), CAL).status == "yellow"
    assert CAL.working_days_between(dt.date(2026, 9, 24), dt.date(2026, 9, 30)) == 3
    assert rules.evaluate(spec, reports, dt.date(2026, 10, 9), CAL).status == "yellow"
    red = rules.evaluate(spec, reports, dt.date(2026, 10, 10), CAL)
    assert red.status == "red"
    assert red.red_since == dt.date(2026, 10, 10)


def test_task_due_on_a_weekend_is_yellow_the_next_day():
    spec, reports = task(MilestoneState(dt.date(2026, 8, 1)), reports_through=7)  # Saturday
    assert rules.evaluate(spec, reports, dt.date(2026, 8, 2), CAL).status == "yellow"
    assert rules.evaluate(spec, reports, dt.date(2026, 8, 1), CAL).status == "green"


def test_task_done_when_every_milestone_is_complete():
    spec, reports = task(
        MilestoneState(dt.date(2026, 3, 1), dt.date(2026, 3, 2)),
        MilestoneState(dt.date(2026, 9, 24), dt.date(2026, 9, 28)),
    )
    assert rules.evaluate(spec, reports, dt.date(2026, 10, 10), CAL).status == "done"
    # completed after d does not count at d
    assert rules.evaluate(spec, reports, dt.date(2026, 9, 27), CAL).status == "yellow"


def test_task_precedence_not_reported_before_colour():
    spec, reports = task(MilestoneState(dt.date(2026, 9, 24)), reports_through=7)
    assert rules.evaluate(spec, reports, dt.date(2026, 10, 10), CAL).status == "not_reported"


def test_task_with_non_default_threshold():
    spec, reports = task(MilestoneState(dt.date(2026, 9, 24)))
    strict = rules.Thresholds(red_overdue_days=2)
    assert rules.evaluate(spec, reports, dt.date(2026, 9, 30), CAL, strict).status == "red"


# ---- properties ---------------------------------------------------------------------------

days = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
amounts = st.decimals(0, 100000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def staged_targets(draw):
    parts = sorted(draw(st.lists(amounts, min_size=4, max_size=4)))
    return tuple(parts)


@given(staged_targets(), days)
def test_staged_cumulative_expectation_within_zero_and_target(staged, day):
    spec = Spec(year=2026, target=staged[3], staged=staged)
    expected = rules.expected_value(spec, day)
    assert 0 <= expected <= staged[3]


@given(staged_targets(), days, days)
def test_staged_cumulative_expectation_never_decreases(staged, a, b):
    spec = Spec(year=2026, target=staged[3], staged=staged)
    first, second = sorted((a, b))
    assert rules.expected_value(spec, first) <= rules.expected_value(spec, second)


ORDER = {"red": 0, "yellow": 1, "green": 2, "done": 3}


@given(amounts, amounts, st.sampled_from(["positive", "negative"]))
def test_status_monotonic_in_the_reported_value(a, b, direction):
    spec = Spec(year=2026, nature="level", direction=direction, target=D(5000))
    low, high = sorted((a, b))
    if direction == "negative":
        low, high = high, low
    day = dt.date(2026, 5, 11)
    worse = rules.evaluate(spec, monthly({4: low}), day, CAL).status
    better = rules.evaluate(spec, monthly({4: high}), day, CAL).status
    assert ORDER[worse] <= ORDER[better]


@given(amounts, days)
def test_never_a_colour_before_the_first_report_is_due(value, day):
    january_due = rules.report_due(dt.date(2026, 1, 31), CAL)
    reports = [Report(dt.date(2026, 1, 31), value)]
    status = rules.evaluate(EMPLOYMENT, reports, day, CAL).status
    if day < january_due:
        assert status in {"not_started", "done"}


# ---- the recompute's fast path gives the same results -------------------------------------


@st.composite
def assignments(draw):
    """An indicator or a task with its counting reports, as the recompute sees them."""
    frequency = draw(st.sampled_from(["monthly", "quarterly"]))
    ends = rules.period_ends(2026, frequency)
    reported = draw(st.lists(st.sampled_from(ends), unique=True, max_size=len(ends)))
    if draw(st.booleans()):
        steps = draw(st.lists(st.tuples(days, st.none() | days), min_size=1, max_size=3))
        spec = Spec(
            2026,
            frequency,
            is_task=True,
            milestones=tuple(MilestoneState(due, done) for due, done in steps),
        )
        return spec, [Report(end) for end in reported]
    staged = draw(st.none() | staged_targets())
    spec = Spec(
        2026,
        frequency,
        nature=draw(st.sampled_from(["cumulative", "level"])),
        direction=draw(st.sampled_from(["positive", "negative"])),
        target=draw(st.none() | amounts),
        staged=staged,
    )
    return spec, [Report(end, draw(st.none() | amounts)) for end in reported]


@given(assignments(), days | st.dates(dt.date(2027, 1, 1), dt.date(2027, 2, 28)))
def test_evaluate_values_with_shared_due_periods_equals_evaluate(assignment, day):
    """What ganchao.goals.status does for a plan's assignments — the reports as {end: value},
    the due periods worked out once, the calendar's answers remembered — changes nothing."""
    from ganchao.goals.status import MemoCalendar

    spec, reports = assignment
    thresholds = rules.Thresholds()
    cal = MemoCalendar(CAL)
    due_ends = rules.due_period_ends(spec, day, cal, thresholds)
    values = {report.period_end: report.value for report in reports}
    fast = rules.evaluate_values(spec, values, day, cal, thresholds, due_ends)
    assert fast == rules.evaluate(spec, reports, day, CAL, thresholds)
    assert rules.evaluate_values(spec, values, day, cal, thresholds, due_ends) == fast
