"""The recompute's shortcuts change nothing: a staged target's expected value is the straight
line through the quarter points (worked out without building the points per call), and the
specs the recompute shares between assignments (per item, or per item's milestone states) are
exactly those spec_of builds for each assignment alone."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ganchao.goals import status_rules as rules
from ganchao.goals.choices import ItemType, Role
from ganchao.goals.models import Assignment, Milestone
from ganchao.goals.status import _load, recompute_plan, spec_of
from ganchao.goals.tests.status_factories import (
    assign,
    complete,
    employment,
    make_item,
    make_plan,
    milestone,
    moment,
    report,
)

QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def reference_expected(staged, t: dt.date) -> Decimal:
    """The interpolation as first written: all points built, then the segment holding t."""
    x = rules.elapsed(t)
    points = [(0, Decimal(0))]
    for (month, day), value in zip(QUARTER_ENDS, staged, strict=True):
        points.append((rules.elapsed(dt.date(t.year, month, day)), Decimal(value)))
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * Decimal(x - x0) / Decimal(x1 - x0)
    return points[-1][1]


amounts = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=4, allow_nan=False
)


@given(
    st.tuples(amounts, amounts, amounts, amounts),
    st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
)
def test_staged_expected_value_is_the_line_through_the_quarter_points(staged, t):
    spec = rules.Spec(t.year, staged=staged)
    got = rules.expected_value(spec, t)
    want = reference_expected(staged, t)
    assert got == want
    assert str(got) == str(want)  # the same digits and exponent, not merely equal


def test_staged_expected_value_at_every_day_of_a_leap_year():
    staged = (Decimal("3000.0000"), Decimal("6500"), Decimal("9500.5"), Decimal("12000"))
    day = dt.date(2024, 1, 1)
    while day.year == 2024:
        spec = rules.Spec(2024, staged=staged)
        assert str(rules.expected_value(spec, day)) == str(reference_expected(staged, day))
        day += dt.timedelta(days=1)


def test_staged_targets_need_four_quarters():
    spec = rules.Spec(2026, staged=(Decimal(1), Decimal(2), Decimal(3)))
    with pytest.raises(ValueError):
        rules.expected_value(spec, dt.date(2026, 2, 1))


@pytest.mark.django_db
def test_shared_specs_equal_each_assignments_own(city):
    """Tasks with and without completions, indicators with and without their own targets:
    every outcome's spec is what spec_of gives for that assignment's row alone, and the
    stored status follows each assignment's own completions."""
    plan = make_plan(city.root)
    goal = make_item(plan, "1", ItemType.GOAL)
    task = make_item(plan, "1.1", ItemType.TASK, parent=goal)
    first = milestone(task, dt.date(2026, 3, 20), position=1)
    second = milestone(task, dt.date(2026, 4, 20), position=2)
    both = assign(task, city.town_a)
    one = assign(task, city.town_b, Role.COOPERATING)
    none = assign(task, city.stats, Role.COOPERATING)
    row = report(both, "2026-04")
    complete(row, first, dt.date(2026, 3, 18))
    complete(row, second, dt.date(2026, 4, 19))
    complete(report(one, "2026-04"), first, dt.date(2026, 3, 25))
    report(none, "2026-04")
    indicator = employment(plan, goal, "1.2")
    plain = assign(indicator, city.town_a)
    own = assign(
        indicator,
        city.town_b,
        Role.COOPERATING,
        target=Decimal(6000),
        q1=Decimal(1500),
        q2=Decimal(3000),
        q3=Decimal(4500),
        q4=Decimal(6000),
    )
    report(plain, "2026-04", 4000)
    report(own, "2026-04", 2000)

    outcomes = {o.assignment_id: o for o in recompute_plan(plan, at=moment("2026-05-11"))}

    data = _load(plan, {"item__plan_id": plan.pk})
    for row in data.assignments:
        alone = spec_of(plan, row, data.milestones, data.completions)
        assert outcomes[row[0]].spec == alone
    due = {m.pk: m.due_date for m in Milestone.objects.filter(item=task)}
    assert outcomes[both.pk].spec.milestones == (
        rules.MilestoneState(due[first.pk], dt.date(2026, 3, 18)),
        rules.MilestoneState(due[second.pk], dt.date(2026, 4, 19)),
    )
    assert outcomes[one.pk].spec.milestones == (
        rules.MilestoneState(due[first.pk], dt.date(2026, 3, 25)),
        rules.MilestoneState(due[second.pk], None),
    )
    assert [m.completed_on for m in outcomes[none.pk].spec.milestones] == [None, None]
    assert outcomes[own.pk].spec.target == Decimal(6000)
    assert outcomes[plain.pk].spec.target == Decimal(12000)
    assert Assignment.objects.get(pk=both.pk).status == "done"
    assert Assignment.objects.get(pk=plain.pk).status == "yellow"  # 4000 against 4153.8462


days = st.dates(dt.date(2026, 1, 1), dt.date(2027, 1, 31))


@given(st.lists(st.tuples(days, st.none() | days), max_size=5), days)
def test_task_done_is_every_milestone_complete_by_the_day(milestones, day):
    spec = rules.Spec(2026, is_task=True, milestones=tuple(
        rules.MilestoneState(due, done) for due, done in milestones
    ))  # fmt: skip
    want = bool(spec.milestones) and all(
        m.completed_on is not None and m.completed_on <= day for m in spec.milestones
    )
    assert rules.task_done(spec, day) is want
