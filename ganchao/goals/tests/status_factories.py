"""Small builders of plans, items, assignments and reports for the status tests (straight to
the ORM: the rows are the input of the recompute, not what is under test)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ganchao.goals.choices import ItemType, PlanState, ReportState, Role
from ganchao.goals.models import (
    Assignment,
    Item,
    Milestone,
    MilestoneCompletion,
    Plan,
    ProgressReport,
)
from ganchao.goals.periods import parse_period


def make_plan(owner, year=2026, state=PlanState.ISSUED) -> Plan:
    return Plan.objects.create(owner=owner, year=year, state=state)


def make_item(plan, code, type=ItemType.INDICATOR, parent=None, **fields) -> Item:
    return Item.objects.create(
        plan=plan,
        code=code,
        sort_key=Item.sort_key_for(code),
        name=fields.pop("name", f"事项{code}"),
        type=type,
        parent=parent,
        **fields,
    )


def employment(plan, parent, code="1.1") -> Item:
    return make_item(
        plan,
        code,
        parent=parent,
        name="新增城镇就业",
        target=Decimal(12000),
        q1=Decimal(3000),
        q2=Decimal(6500),
        q3=Decimal(9500),
        q4=Decimal(12000),
    )


def assign(item, unit, role=Role.LEAD, **fields) -> Assignment:
    return Assignment.objects.create(item=item, unit=unit, role=role, **fields)


def report(assignment, period, value=None, state=ReportState.SUBMITTED, revision=1, **fields):
    parsed = parse_period(period)
    return ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        period_end=parsed.end,
        revision=revision,
        state=state,
        value=None if value is None else Decimal(value),
        submitted_at=fields.pop("submitted_at", timezone.now()),
        **fields,
    )


def milestone(item, due: dt.date, position=1) -> Milestone:
    return Milestone.objects.create(item=item, position=position, due_date=due, description="节点")


def complete(report_row, milestone_row, on: dt.date):
    return MilestoneCompletion.objects.create(
        report=report_row, milestone=milestone_row, completed_on=on
    )


def moment(text: str) -> dt.datetime:
    """A date alone means 23:59:59 that day, Asia/Shanghai (DESIGN.md 3.1)."""
    day = dt.date.fromisoformat(text)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
