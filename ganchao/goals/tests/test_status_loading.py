"""What the recompute reads: the counting report of each assignment and period (its latest
counting revision) and each milestone's earliest completion, for exactly the loaded
assignments, whichever way the database is asked (PostgreSQL: the ids as one array; other
databases: the plan and the assignment filter)."""

import datetime as dt
from decimal import Decimal

import pytest

from ganchao.goals.choices import ItemType, ReportState, Role
from ganchao.goals.status import _load
from ganchao.goals.tests.status_factories import (
    assign,
    complete,
    employment,
    make_item,
    make_plan,
    milestone,
    report,
)


@pytest.fixture
def two_plans(city):
    plan, other = make_plan(city.root), make_plan(city.root, year=2025)
    goal = make_item(plan, "1", ItemType.GOAL)
    indicator = employment(plan, goal)
    task = make_item(plan, "1.2", ItemType.TASK, parent=goal)
    first = milestone(task, dt.date(2026, 3, 20), position=1)
    second = milestone(task, dt.date(2026, 4, 20), position=2)
    a = assign(indicator, city.town_a)
    b = assign(indicator, city.town_b, Role.COOPERATING)
    t = assign(task, city.town_a)
    outside = assign(employment(other, make_item(other, "1", ItemType.GOAL)), city.town_a)
    report(a, "2026-01", 100)
    report(a, "2026-02", 200, revision=1)
    report(a, "2026-02", 250, revision=2, state=ReportState.ACCEPTED)
    report(a, "2026-02", 999, revision=3, state=ReportState.RETURNED)  # not counting
    report(a, "2026-03", 300, revision=1, state=ReportState.RETURNED)  # nothing counts
    report(b, "2026-01", 7)
    report(outside, "2025-01", 5)
    early = report(t, "2026-03")
    complete(early, first, dt.date(2026, 3, 18))
    later = report(t, "2026-04", revision=1)
    complete(later, first, dt.date(2026, 3, 15))  # an earlier date reported later wins
    complete(later, second, dt.date(2026, 4, 19))
    dropped = report(t, "2026-05", state=ReportState.RETURNED)
    complete(dropped, second, dt.date(2026, 4, 1))  # a returned report completes nothing
    return plan, (a, b, t, outside), (first, second)


@pytest.mark.django_db
def test_load_reads_the_counting_reports_and_earliest_completions(two_plans):
    plan, (a, b, t, outside), (first, second) = two_plans
    data = _load(plan, {})
    assert [row[0] for row in data.assignments] == sorted([a.pk, b.pk, t.pk])
    assert dict(data.reports) == {
        a.pk: {dt.date(2026, 1, 31): Decimal(100), dt.date(2026, 2, 28): Decimal(250)},
        b.pk: {dt.date(2026, 1, 31): Decimal(7)},
        t.pk: {dt.date(2026, 3, 31): None, dt.date(2026, 4, 30): None},
    }
    assert dict(data.completions) == {
        t.pk: {first.pk: dt.date(2026, 3, 15), second.pk: dt.date(2026, 4, 19)}
    }


@pytest.mark.django_db
def test_load_of_some_assignments_reads_theirs_alone(two_plans):
    plan, (a, b, t, outside), (first, second) = two_plans
    data = _load(plan, {"id__in": [b.pk, t.pk]})
    assert [row[0] for row in data.assignments] == sorted([b.pk, t.pk])
    assert set(data.reports) == {b.pk, t.pk}
    assert set(data.completions) == {t.pk}
    assert _load(plan, {"id__in": [a.pk]}).completions == {}
