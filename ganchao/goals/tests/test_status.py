"""The recompute: stored status of assignments, items, goals and the monthly history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.goals.choices import ItemType, ReportState, Role
from ganchao.goals.models import Assignment, Item, MonthlyStatus, Plan
from ganchao.goals.status import recompute_assignments, recompute_plan
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

pytestmark = pytest.mark.django_db
QUERIES = 19  # plan, tick, 5 loads, savepoints, bulk updates, goals, submissions for new months,
# the monthly rows' mark read and written
REPEAT_QUERIES = 12  # the same moment again: the mark stands for the monthly rows, nothing written


@pytest.fixture
def employment_plan(city):
    plan = make_plan(city.root)
    goal = make_item(plan, "1", ItemType.GOAL, name="经济发展")
    item = employment(plan, goal)
    lead = assign(item, city.town_a)
    helper = assign(item, city.town_b, Role.COOPERATING)
    return plan, goal, item, lead, helper


def test_worked_example_is_stored_on_assignment_item_and_goal(employment_plan):
    plan, goal, item, lead, helper = employment_plan
    report(lead, "2026-03", 3100)
    report(lead, "2026-04", 4000)
    report(helper, "2026-04", None, narrative="配合推进")
    recompute_plan(plan, at=moment("2026-05-11"))
    lead.refresh_from_db()
    assert (lead.status, lead.actual, lead.status_period) == ("yellow", Decimal(4000), "2026-04")
    assert lead.expected == Decimal("4153.8462")
    item.refresh_from_db()
    assert (item.status, item.expected, item.actual) == ("yellow", lead.expected, Decimal(4000))
    helper.refresh_from_db()
    assert helper.status == "" and helper.expected is None
    goal.refresh_from_db()
    assert goal.status_counts == {"yellow": 1}
    assert goal.on_track_ratio == Decimal(0)
    plan.refresh_from_db()
    assert plan.last_status_at == moment("2026-05-11")


def test_returned_and_draft_reports_do_not_count(employment_plan):
    plan, _goal, _item, lead, _helper = employment_plan
    report(lead, "2026-04", 4200, state=ReportState.RETURNED)
    report(lead, "2026-04", 4300, state=ReportState.DRAFT, revision=2)
    recompute_plan(plan, at=moment("2026-05-11"))
    lead.refresh_from_db()
    assert lead.status == "not_reported"


def test_latest_counting_version_is_used(employment_plan):
    plan, _goal, _item, lead, _helper = employment_plan
    report(lead, "2026-04", 3600, state=ReportState.ACCEPTED)
    report(lead, "2026-04", 4200, state=ReportState.SUBMITTED, revision=2)
    recompute_assignments([lead.pk], at=moment("2026-05-11"))
    lead.refresh_from_db()
    assert lead.status == "green"


def test_assignment_own_targets_win(employment_plan, city):
    plan, goal, item, lead, _helper = employment_plan
    Assignment.objects.filter(pk=lead.pk).update(
        target=Decimal(1200), q1=Decimal(300), q2=Decimal(650), q3=Decimal(950), q4=Decimal(1200)
    )
    report(lead, "2026-04", 420)
    recompute_plan(plan, at=moment("2026-05-11"))
    lead.refresh_from_db()
    assert lead.status == "green"
    assert lead.expected == Decimal("415.3846")


def test_red_since_and_stale(employment_plan):
    plan, _goal, _item, lead, _helper = employment_plan
    report(lead, "2026-02", 1000)
    report(lead, "2026-03", 2000)
    recompute_plan(plan, at=moment("2026-05-11"))
    lead.refresh_from_db()
    assert lead.status == "not_reported"
    assert not lead.stale
    recompute_plan(plan, at=moment("2026-06-08"))
    lead.refresh_from_db()
    assert lead.stale


def test_red_since_stored(employment_plan):
    plan, _goal, _item, lead, _helper = employment_plan
    report(lead, "2026-03", 2000)
    report(lead, "2026-04", 3000)
    recompute_plan(plan, at=moment("2026-05-11"))
    lead.refresh_from_db()
    assert lead.status == "red"
    assert lead.red_since == dt.date(2026, 4, 8)  # the March report's due day


def test_task_status_and_goal_ratio(city):
    plan = make_plan(city.root)
    goal = make_item(plan, "1", ItemType.GOAL)
    task = make_item(plan, "1.1", ItemType.TASK, parent=goal, weight=Decimal(3))
    step = milestone(task, dt.date(2026, 9, 24))
    lead = assign(task, city.town_a)
    indicator = employment(plan, goal, "1.2")
    indicator_lead = assign(indicator, city.stats)
    rows = [report(lead, f"2026-{m:02d}") for m in range(1, 10)]
    report(indicator_lead, "2026-08", 9000)  # the September report is due 13 October
    recompute_plan(plan, at=moment("2026-10-10"))
    lead.refresh_from_db()
    assert (lead.status, lead.red_since) == ("red", dt.date(2026, 10, 10))
    goal.refresh_from_db()
    assert goal.status_counts == {"red": 1, "green": 1}
    assert goal.on_track_ratio == Decimal("0.2500")
    complete(rows[-1], step, dt.date(2026, 10, 9))
    recompute_plan(plan, at=moment("2026-10-10"))
    goal.refresh_from_db()
    assert goal.status_counts == {"done": 1, "green": 1}
    assert goal.on_track_ratio == Decimal("1.0000")


def test_monthly_rows_added_once_and_never_changed(employment_plan):
    plan, _goal, _item, lead, helper = employment_plan
    report(lead, "2026-03", 3100, submitted_at=moment("2026-04-03"))
    recompute_plan(plan, at=moment("2026-05-11"))
    rows = dict(MonthlyStatus.objects.filter(assignment=lead).values_list("month", "status"))
    assert rows == {
        dt.date(2026, 1, 31): "not_started",
        dt.date(2026, 2, 28): "not_reported",
        dt.date(2026, 3, 31): "not_reported",
        dt.date(2026, 4, 30): "green",
    }
    april = MonthlyStatus.objects.get(assignment=lead, month=dt.date(2026, 4, 30))
    assert april.reported_on_time is True
    assert not MonthlyStatus.objects.filter(assignment=helper).exists()
    report(lead, "2026-02", 1)
    recompute_plan(plan, at=moment("2026-05-11"))
    assert MonthlyStatus.objects.filter(assignment=lead).count() == 4
    assert (
        MonthlyStatus.objects.get(assignment=lead, month=dt.date(2026, 3, 31)).status
        == "not_reported"
    )


def test_monthly_rows_of_a_unit_joining_or_turning_responsible_are_added(employment_plan, city):
    plan, _goal, item, lead, helper = employment_plan
    recompute_plan(plan, at=moment("2026-05-11"))
    joined = assign(item, city.village_a, Role.RESPONSIBLE)
    Assignment.objects.filter(pk=helper.pk).update(role=Role.RESPONSIBLE)
    recompute_plan(plan, at=moment("2026-05-11"))
    for assignment in (lead, joined, helper):
        assert MonthlyStatus.objects.filter(assignment=assignment).count() == 4
    recompute_plan(plan, at=moment("2026-06-02"))
    assert MonthlyStatus.objects.filter(assignment=joined).count() == 5


def test_stored_status_not_written_before_the_last_tick(employment_plan):
    from ganchao.scheduler.models import TickState

    plan, _goal, _item, lead, _helper = employment_plan
    report(lead, "2026-04", 4200)
    TickState.objects.create(pk=1, last_tick_at=moment("2026-06-01"))
    recompute_plan(plan, at=moment("2026-05-11"))
    lead.refresh_from_db()
    assert lead.status == ""
    assert MonthlyStatus.objects.filter(assignment=lead).count() == 4
    recompute_plan(plan, at=moment("2026-06-01"))
    lead.refresh_from_db()
    assert lead.status == "green"


def _grow(plan, city, count):
    goal = Item.objects.get(plan=plan, code="1")
    start = Item.objects.filter(plan=plan).count()
    units = [city.town_a, city.town_b, city.village_a, city.village_b, city.stats]
    for n in range(count):
        item = employment(plan, goal, f"1.{start + n + 10}")
        for unit in units:
            assignment = assign(item, unit, Role.LEAD if unit == city.town_a else Role.RESPONSIBLE)
            report(assignment, "2026-04", 4000 + n)
        task = make_item(plan, f"2.{start + n + 1}", ItemType.TASK, parent=goal)
        step = milestone(task, dt.date(2026, 4, 20))
        task_lead = assign(task, city.town_a)
        complete(report(task_lead, "2026-04"), step, dt.date(2026, 4, 21))


@pytest.mark.parametrize("first, second", [(1, 4)])
def test_recompute_query_count_is_bounded(employment_plan, city, first, second):
    plan = employment_plan[0]
    counts, repeats = [], []
    make_item(plan, "2", ItemType.GOAL)
    for size in (first, second):
        _grow(plan, city, size)
        plan = Plan.objects.get(pk=plan.pk)
        with CaptureQueriesContext(connection) as queries:
            recompute_plan(plan, at=moment("2026-05-11"))
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            recompute_plan(plan, at=moment("2026-05-11"))
        repeats.append(len(queries))
        assert not any("monthlystatus" in q["sql"].lower() for q in queries)
    assert counts == [QUERIES, QUERIES]
    assert repeats == [REPEAT_QUERIES, REPEAT_QUERIES]
