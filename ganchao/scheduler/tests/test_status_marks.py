"""The status scan recomputes only the plans whose inputs changed, and every plan once the
moment crosses into another day (a deadline passing turns a status without any new row)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.goals.choices import ItemType
from ganchao.goals.models import Assignment, MonthlyStatus, Plan
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
from ganchao.scheduler.services import tick_run
from ganchao.supervision import scans
from ganchao.supervision.models import Alert
from ganchao.workcal.models import CalendarOverride

pytestmark = pytest.mark.django_db
WRITES = ("INSERT", "UPDATE", "DELETE")
DERIVED_TABLES = ("goals_assignment", "goals_item", "goals_monthlystatus", "supervision_alert")


@pytest.fixture
def recomputed(monkeypatch):
    """The plans the status scan recomputed, in order."""
    seen: list[int] = []
    real = scans.recompute_plan

    def spy(plan, *, at=None):
        seen.append(plan.pk)
        return real(plan, at=at)

    monkeypatch.setattr(scans, "recompute_plan", spy)
    return seen


@pytest.fixture
def two_plans(city):
    city_plan = make_plan(city.root)
    goal = make_item(city_plan, "1", ItemType.GOAL)
    lead = assign(employment(city_plan, goal), city.town_a)
    town_plan = make_plan(city.town_b)
    goal_b = make_item(town_plan, "1", ItemType.GOAL)
    lead_b = assign(employment(town_plan, goal_b), city.town_b)
    return lead, lead_b


def scan_at(text: str) -> tuple[str, list[str]]:
    """Run the status scan alone; its summary and the SQL it sent."""
    with CaptureQueriesContext(connection) as queries:
        summary = scans.status_and_alerts_scan(dt.datetime.fromisoformat(text))
    return summary, [q["sql"] for q in queries]


def writes_to_derived(sql: list[str]) -> list[str]:
    return [
        s
        for s in sql
        if s.lstrip().upper().startswith(WRITES) and any(t in s for t in DERIVED_TABLES)
    ]


def test_an_idle_tick_recomputes_no_plan_and_writes_nothing(two_plans, recomputed):
    lead, _lead_b = two_plans
    report(lead, "2026-03", 3000)
    report(lead, "2026-04", 3600)
    first, _sql = scan_at("2026-05-11T09:00:00+08:00")
    assert len(recomputed) == 2 and "重算 2 个计划" in first
    assert Alert.objects.filter(trigger="turned_red").count() == 1
    recomputed.clear()
    summary, sql = scan_at("2026-05-11T15:00:00+08:00")
    assert recomputed == []
    assert "重算 0 个计划" in summary and "2 个计划自上次计算以来无变化" in summary
    assert writes_to_derived(sql) == []
    assert len(sql) <= 12  # signatures, fingerprints, marks, last_status_at: whatever the size
    # the plans still show the moment of the latest tick
    assert set(Plan.objects.values_list("last_status_at", flat=True)) == {
        dt.datetime.fromisoformat("2026-05-11T15:00:00+08:00")
    }


def test_a_tick_after_a_deadline_passes_recomputes_and_turns_the_status(city, recomputed):
    plan = make_plan(city.root)
    task = make_item(plan, "1", ItemType.TASK)
    milestone(task, dt.date(2026, 9, 24))
    lead = assign(task, city.town_a)
    for month in range(1, 10):
        report(lead, f"2026-{month:02d}")
    scan_at("2026-10-09T09:00:00+08:00")
    lead.refresh_from_db()
    assert lead.status == "yellow"  # the milestone is overdue, not yet 5 working days
    scan_at("2026-10-09T17:00:00+08:00")
    assert recomputed == [plan.pk]  # same day, nothing new: left alone
    scan_at("2026-10-12T09:00:00+08:00")  # no new row, but the red threshold passed
    assert recomputed == [plan.pk, plan.pk]
    lead.refresh_from_db()
    assert (lead.status, lead.red_since) == ("red", dt.date(2026, 10, 10))
    assert Alert.objects.filter(trigger="turned_red", assignment=lead).exists()


def test_a_report_due_day_passing_turns_the_status_to_not_reported(city, recomputed):
    plan = make_plan(city.root)
    lead = assign(employment(plan, make_item(plan, "1", ItemType.GOAL)), city.town_a)
    report(lead, "2026-03", 3000)
    scan_at("2026-05-08T09:00:00+08:00")
    lead.refresh_from_db()
    assert (lead.status, lead.status_period) == ("green", "2026-03")
    scan_at("2026-05-11T09:00:00+08:00")  # April's report fell due today
    lead.refresh_from_db()
    assert (lead.status, lead.status_period) == ("not_reported", "2026-04")
    assert len(recomputed) == 2


def test_the_end_of_a_month_adds_its_monthly_rows_the_same_day(city, recomputed):
    plan = make_plan(city.root)
    lead = assign(employment(plan, make_item(plan, "1", ItemType.GOAL)), city.town_a)
    report(lead, "2026-03", 3000)
    scan_at("2026-04-30T09:00:00+08:00")
    assert not MonthlyStatus.objects.filter(month=dt.date(2026, 4, 30)).exists()
    scan_at("2026-04-30T23:59:59+08:00")  # April is over: its row is added
    assert MonthlyStatus.objects.filter(assignment=lead, month=dt.date(2026, 4, 30)).exists()
    assert len(recomputed) == 2


def test_a_new_report_recomputes_only_its_plan(two_plans, recomputed):
    lead, lead_b = two_plans
    report(lead_b, "2026-03", 3000)
    scan_at("2026-05-11T09:00:00+08:00")
    recomputed.clear()
    report(lead_b, "2026-04", 4200)
    scan_at("2026-05-11T10:00:00+08:00")
    assert recomputed == [lead_b.item.plan_id]
    lead_b.refresh_from_db()
    assert (lead_b.status, lead_b.status_period) == ("green", "2026-04")


def test_a_completed_milestone_recomputes_its_plan(city, recomputed):
    plan = make_plan(city.root)
    task = make_item(plan, "1", ItemType.TASK)
    step = milestone(task, dt.date(2026, 4, 20))
    lead = assign(task, city.town_a)
    march = report(lead, "2026-03")
    april = report(lead, "2026-04")
    scan_at("2026-05-11T09:00:00+08:00")
    lead.refresh_from_db()
    assert lead.status == "red"
    complete(april, step, dt.date(2026, 4, 18))
    scan_at("2026-05-11T10:00:00+08:00")
    lead.refresh_from_db()
    assert lead.status == "done" and len(recomputed) == 2
    march.delete()  # a delete is noticed too (every plan is recomputed)
    scan_at("2026-05-11T11:00:00+08:00")
    assert len(recomputed) == 3


def test_target_and_calendar_edits_recompute(two_plans, recomputed):
    lead, lead_b = two_plans
    report(lead, "2026-04", 4000)
    scan_at("2026-05-11T09:00:00+08:00")
    lead.refresh_from_db()
    assert lead.status == "yellow"
    lead.target = 4000
    lead.q1, lead.q2, lead.q3, lead.q4 = 1000, 2000, 3000, 4000
    lead.save()
    scan_at("2026-05-11T10:00:00+08:00")
    assert recomputed[2:] == [lead.item.plan_id]
    lead.refresh_from_db()
    assert lead.status == "done"
    CalendarOverride.objects.create(date=dt.date(2026, 5, 6), is_working_day=False)
    scan_at("2026-05-11T11:00:00+08:00")
    assert sorted(recomputed[3:]) == sorted([lead.item.plan_id, lead_b.item.plan_id])


def test_a_failed_recompute_is_repeated_by_the_next_tick(two_plans, recomputed, monkeypatch):
    lead, _lead_b = two_plans
    report(lead, "2026-04", 4000)

    def broken(**kwargs):
        raise RuntimeError("外发失败")

    monkeypatch.setattr(scans, "alerts_raise", broken)
    report_ = tick_run(at=moment("2026-05-11"))
    assert report_.failures
    monkeypatch.undo()
    seen: list[int] = []
    real = scans.recompute_plan
    monkeypatch.setattr(
        scans, "recompute_plan", lambda plan, at: seen.append(plan.pk) or real(plan, at=at)
    )
    tick_run(at=moment("2026-05-11"))
    assert len(seen) == 2
    assert Alert.objects.filter(assignment=lead, trigger="turned_yellow").exists()


def test_recompute_query_count_does_not_grow_with_the_plan(city):
    """The recompute of a plan costs the same number of queries at 2 and at 40 assignments."""
    from ganchao.goals.status import recompute_plan

    counts = []
    for size in (1, 20):
        plan = make_plan(city.root, year=2026 if size == 1 else 2025)
        goal = make_item(plan, "1", ItemType.GOAL)
        for n in range(size):
            item = employment(plan, goal, code=f"1.{n + 1}")
            lead = assign(item, city.town_a)
            assign(item, city.town_b, role="cooperating")
            report(lead, f"{plan.year}-03", 3000)
            task = make_item(plan, f"2.{n + 1}", ItemType.TASK, parent=goal)
            step = milestone(task, dt.date(plan.year, 3, 20))
            complete(
                report(assign(task, city.town_a), f"{plan.year}-03"), step, dt.date(plan.year, 3, 1)
            )
        with CaptureQueriesContext(connection) as queries:
            recompute_plan(plan, at=moment(f"{plan.year}-05-11"))
        counts.append(len(queries))
        assert Assignment.objects.filter(item__plan=plan).exclude(status="").count() == 2 * size
    assert counts[0] == counts[1]


def test_a_backdated_tick_does_not_hide_an_edit_from_the_next_tick(two_plans, recomputed):
    """`tick --at` in the past saves no status; the edit made since the last tick must still
    be picked up by the next current tick the same day."""
    lead, _lead_b = two_plans
    report(lead, "2026-04", 4000)
    tick_run(at=dt.datetime.fromisoformat("2026-05-11T13:00:00+08:00"))
    lead.refresh_from_db()
    assert lead.status == "yellow"
    lead.target = 4000
    lead.q1, lead.q2, lead.q3, lead.q4 = 1000, 2000, 3000, 4000
    lead.save()
    tick_run(at=dt.datetime.fromisoformat("2026-05-11T09:00:00+08:00"))
    lead.refresh_from_db()
    assert lead.status == "yellow"  # a backdated tick saves nothing
    tick_run(at=dt.datetime.fromisoformat("2026-05-11T14:00:00+08:00"))
    lead.refresh_from_db()
    assert lead.status == "done"


def test_a_new_rules_version_recomputes_every_plan(two_plans, recomputed, monkeypatch):
    from ganchao.scheduler import status_marks

    scan_at("2026-05-11T09:00:00+08:00")
    scan_at("2026-05-11T10:00:00+08:00")
    assert len(recomputed) == 2  # the second scan found nothing new
    monkeypatch.setattr(status_marks, "RULES_VERSION", status_marks.RULES_VERSION + 1)
    scan_at("2026-05-11T11:00:00+08:00")
    assert len(recomputed) == 4
