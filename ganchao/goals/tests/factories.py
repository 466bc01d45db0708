"""Test factories for the goal tree: a small issued plan on the `city` fixture (ganchao/conftest.py).

Rows are written with the ORM directly (no audit events) so that any test can build the data it
needs quickly; tests of the write side call the services instead.

    from ganchao.goals.tests.factories import make_plan, make_report
    tree = make_plan(city)                       # issued 2026 plan
    tree.indicator, tree.task, tree.goal         # items
    tree.ind_lead (西湖镇), tree.ind_resp (东山镇), tree.task_lead (西湖镇), tree.task_coop (东山镇)
    make_report(tree.ind_lead, "2026-04", value=4200)            # submitted report
    make_plan(city, extra_indicators=20)         # more rows (query-count tests)
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from ganchao.goals.choices import (
    Direction,
    Frequency,
    ItemType,
    Nature,
    PlanState,
    ReportState,
    Role,
)
from ganchao.goals.models import (
    Assignment,
    Item,
    Milestone,
    MilestoneCompletion,
    Plan,
    ProgressReport,
)
from ganchao.goals.periods import parse_period


@dataclass
class PlanTree:
    """What make_plan built, by name."""

    plan: Plan
    goal: Item
    indicator: Item
    task: Item
    level_indicator: Item
    ind_lead: Assignment
    ind_resp: Assignment
    task_lead: Assignment
    task_coop: Assignment
    level_lead: Assignment
    milestones: list[Milestone]
    extra: list[Item] = field(default_factory=list)

    @property
    def assignments(self) -> list[Assignment]:
        return [self.ind_lead, self.ind_resp, self.task_lead, self.task_coop, self.level_lead]


def make_item(plan, code, name, type, parent=None, **fields) -> Item:
    return Item.objects.create(
        plan=plan,
        parent=parent,
        code=code,
        sort_key=Item.sort_key_for(code),
        name=name,
        type=type,
        **fields,
    )


def make_assignment(item, unit, role=Role.LEAD, **fields) -> Assignment:
    if item.type == ItemType.INDICATOR and "target" not in fields:
        fields.update(target=item.target, q1=item.q1, q2=item.q2, q3=item.q3, q4=item.q4)
    return Assignment.objects.create(item=item, unit=unit, role=role, **fields)


def make_plan(
    city,
    *,
    year: int = 2026,
    issued: bool = True,
    owner=None,
    extra_indicators: int = 0,
) -> PlanTree:
    """An issued (or draft) plan of `year`: one goal holding an indicator (新增城镇就业, the
    DESIGN.md 3.8 worked example), a level indicator and a task with three milestones."""
    plan = Plan.objects.create(
        owner=owner or city.root,
        year=year,
        name=f"{year}年度目标任务",
        state=PlanState.ISSUED if issued else PlanState.DRAFT,
        issued_at=timezone.now() if issued else None,
    )
    goal = make_item(plan, "1", "经济发展", ItemType.GOAL, category="经济发展")
    indicator = make_item(
        plan,
        "1.1",
        "新增城镇就业",
        ItemType.INDICATOR,
        parent=goal,
        measure_unit="人",
        target=Decimal("12000"),
        q1=Decimal("3000"),
        q2=Decimal("6500"),
        q3=Decimal("9500"),
        q4=Decimal("12000"),
        direction=Direction.POSITIVE,
        nature=Nature.CUMULATIVE,
        frequency=Frequency.MONTHLY,
    )
    indicator.leaders.add(city.leader)
    level = make_item(
        plan,
        "1.2",
        "城镇调查失业率",
        ItemType.INDICATOR,
        parent=goal,
        measure_unit="%",
        target=Decimal("5.5"),
        direction=Direction.NEGATIVE,
        nature=Nature.LEVEL,
        frequency=Frequency.QUARTERLY,
    )
    task = make_item(
        plan,
        "1.3",
        "建成西湖污水处理厂",
        ItemType.TASK,
        parent=goal,
        deadline=dt.date(year, 12, 31),
    )
    milestones = [
        Milestone.objects.create(
            item=task, position=1, due_date=dt.date(year, 3, 31), description="完成立项"
        ),
        Milestone.objects.create(
            item=task, position=2, due_date=dt.date(year, 6, 30), description="主体开工"
        ),
        Milestone.objects.create(
            item=task, position=3, due_date=dt.date(year, 12, 31), description="建成投用"
        ),
    ]
    tree = PlanTree(
        plan=plan,
        goal=goal,
        indicator=indicator,
        task=task,
        level_indicator=level,
        ind_lead=make_assignment(indicator, city.town_a, Role.LEAD, contact="张三"),
        ind_resp=make_assignment(
            indicator,
            city.town_b,
            Role.RESPONSIBLE,
            target=Decimal("5000"),
            q1=Decimal("1200"),
            q2=Decimal("2600"),
            q3=Decimal("3900"),
            q4=Decimal("5000"),
        ),
        task_lead=make_assignment(task, city.town_a, Role.LEAD),
        task_coop=make_assignment(task, city.town_b, Role.COOPERATING),
        level_lead=make_assignment(level, city.town_b, Role.LEAD),
        milestones=milestones,
    )
    for number in range(extra_indicators):
        item = make_item(
            plan,
            f"1.{number + 10}",
            f"附加指标{number + 1}",
            ItemType.INDICATOR,
            parent=goal,
            measure_unit="万元",
            target=Decimal("1200"),
        )
        make_assignment(item, city.town_a if number % 2 == 0 else city.town_b, Role.LEAD)
        tree.extra.append(item)
    return tree


def make_report(
    assignment,
    period: str,
    *,
    value=None,
    state: str = ReportState.SUBMITTED,
    narrative: str = "",
    revision: int = 1,
    by=None,
    completions: dict | None = None,
    late: bool = False,
) -> ProgressReport:
    """A report of `assignment` for `period` ("2026-04" / "2026-Q2"); `completions` maps a
    Milestone to its completion date."""
    parsed = parse_period(period)
    if parsed is None:
        raise ValueError(f"bad period {period!r}")
    ProgressReport.objects.filter(assignment=assignment, period=parsed.code).update(
        is_current=False
    )
    submitted = state != ReportState.DRAFT
    report = ProgressReport.objects.create(
        assignment=assignment,
        period=parsed.code,
        period_end=parsed.end,
        revision=revision,
        is_current=True,
        state=state,
        value=Decimal(str(value)) if value is not None else None,
        narrative=narrative,
        late=late,
        submitted_at=timezone.now() if submitted else None,
        submitted_by=by if submitted else None,
    )
    for milestone, day in (completions or {}).items():
        MilestoneCompletion.objects.create(report=report, milestone=milestone, completed_on=day)
    return report
