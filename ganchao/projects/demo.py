"""Demo key projects (issue 14: "30 key projects"), written through the services so that each is
a goal task with its milestones, lead assignment, steps and monthly investment, audited like a
user's. The demo loader calls `seed_key_projects` after the plans are written."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ganchao.goals import services as goal_services
from ganchao.goals.choices import ItemType
from ganchao.goals.models import Item
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Leader, LeaderArea, Unit, User
from ganchao.projects import services
from ganchao.projects.choices import Category, FundingSource, StepKind, StepState
from ganchao.projects.models import KeyProject

GOAL_NAME = "重点项目建设"
KINDS = [
    "新能源电池生产线",
    "综合管廊",
    "物流园",
    "污水处理厂提标改造",
    "科创孵化园",
    "智能制造产业园",
    "城市更新片区",
    "农产品冷链中心",
    "学校扩建",
    "人民医院新院区",
]
PLACES = ["城东", "城南", "高新区", "滨江", "北部新城", "西湖", "东山"]


def _goal(plan, actor) -> Item:
    goal = Item.objects.filter(plan=plan, type=ItemType.GOAL, name=GOAL_NAME).first()
    if goal is not None:
        return goal
    tops = Item.objects.filter(plan=plan, parent__isnull=True).values_list("code", flat=True)
    code = str(max((int(c) for c in tops), default=0) + 1)
    return goal_services.item_create(
        actor=actor, plan=plan, code=code, type=ItemType.GOAL, name=GOAL_NAME, category="重点项目"
    )


def _month_actuals(rng, months_over: int, plan_per_month: Decimal, pace: float) -> list:
    return [
        (plan_per_month * Decimal(str(round(pace * rng.uniform(0.85, 1.15), 2)))).quantize(
            Decimal("0.01")
        )
        for _ in range(months_over)
    ]


@transaction.atomic
def seed_key_projects(
    *, plan, actor, as_of: dt.date, count: int = 30, seed: int = 1, root: Unit | None = None
) -> list:
    """`count` projects of `plan`, led by its towns and departments, shared among the active
    leaders; about a third lag on investment or steps. With `root` (a city of a province), only
    that city's units and the leaders in charge of them. Returns the projects written."""
    rng = random.Random(seed)
    goal = _goal(plan, actor)
    leaders = Leader.objects.filter(active=True)
    units = Unit.objects.filter(
        type__in=(UnitType.TOWN, UnitType.STREET, UnitType.PARK, UnitType.DEPARTMENT),
        active=True,
    )
    if root is not None:
        units = units.filter(path__startswith=root.path)
        areas = LeaderArea.objects.filter(unit__path__startswith=root.path)
        leaders = leaders.filter(pk__in=areas.values("leader_id"))
    leaders = list(leaders.order_by("sort_order", "pk"))
    # led by units that have someone to report for them (the demo gives accounts to some units)
    units = units.filter(pk__in=User.objects.filter(is_active=True).values("unit_id"))
    units = list(units.order_by("path"))
    towns = [u for u in units if u.type != UnitType.DEPARTMENT] or units
    year = plan.year
    made = []
    for n in range(count):
        annual = Decimal(rng.randrange(1200, 60000, 100))
        start = dt.date(year, rng.randint(1, 9), rng.randint(1, 28))
        completion = dt.date(year + rng.choice([0, 0, 1, 1, 2]), rng.randint(10, 12), 28)
        if completion <= start:
            completion = dt.date(year, 12, 28)
        if n % 10 == 9:  # to start next spring: its approval steps are still ahead
            start = dt.date(year + 1, rng.randint(2, 4), rng.randint(1, 28))
            completion = dt.date(year + 2, 12, 28)
        town = rng.choice(towns)
        project = services.project_create(
            actor=actor,
            plan=plan,
            parent_code=goal.code,
            code=f"XM{year}-{n + 1:03d}",
            name=f"{rng.choice(PLACES)}{rng.choice(KINDS)}",
            leader=leaders[n % len(leaders)],
            lead_unit=rng.choice(units),
            town=town,
            location=f"{town.name}{rng.choice(PLACES)}片区",
            category=rng.choice(Category.values),
            funding_source=rng.choice(FundingSource.values),
            total_investment=annual * rng.choice([1, 2, 3, 5]),
            annual_plan=annual,
            start_planned=start,
            completion_planned=completion,
            production_planned=completion + dt.timedelta(days=90) if n % 3 == 0 else None,
            steps={
                StepKind.APPROVAL: start - dt.timedelta(days=60),
                StepKind.LAND: start - dt.timedelta(days=40),
                StepKind.EIA: start - dt.timedelta(days=30),
                StepKind.PERMIT: start - dt.timedelta(days=10),
            },
        )
        _fill(project, actor, rng, as_of, lagging=n % 3 == 1, eia_needed=n % 5 != 4)
        made.append(project)
    return made


def _fill(
    project: KeyProject, actor, rng, as_of: dt.date, *, lagging: bool, eia_needed: bool = True
) -> None:
    year = project.item.plan.year
    per_month = (project.annual_plan / 12).quantize(Decimal("0.01"))
    months_over = as_of.month - 1 if as_of.year == year else (12 if as_of.year > year else 0)
    actuals = _month_actuals(rng, months_over, per_month, 0.6 if lagging else 1.0)
    for month in range(1, 13):
        services.investment_record(
            actor=actor,
            project=project,
            month=f"{year}-{month:02d}",
            # December takes the cents the division leaves, so the months add up to the year
            planned=per_month if month < 12 else project.annual_plan - 11 * per_month,
            actual=actuals[month - 1] if month <= len(actuals) else None,
            today=as_of,
        )
    if not lagging:
        _report_milestones(project, actor, rng, as_of)
    short = project.item.plan.owner.name[:1]  # 江川市 → 江, as in 江发改审批〔2025〕3号
    for step in project.steps.all():
        due = step.planned_on
        if step.kind == StepKind.EIA and not eia_needed:
            state = StepState.NOT_NEEDED
        elif due and due < as_of and not (lagging and step.kind == StepKind.PERMIT):
            state = StepState.DONE
        elif due and due < as_of + dt.timedelta(days=45):
            state = StepState.IN_PROGRESS  # under way, or overdue on a lagging project
        else:
            continue  # 未办理: not due for a while yet
        done = state == StepState.DONE
        done_on = due - dt.timedelta(days=rng.randint(0, 10)) if done else None
        services.step_record(
            actor=actor,
            project=project,
            kind=step.kind,
            state=state,
            done_on=done_on,
            # numbered in the year it was approved: a 2025 approval is 〔2025〕, not the plan's year
            document_number=(
                f"{short}{step.get_kind_display()}〔{done_on.year}〕{rng.randint(1, 99)}号"
                if done
                else ""
            ),
            today=as_of,
        )


def _report_milestones(project: KeyProject, office, rng, as_of: dt.date) -> None:
    """A project on schedule has reported its milestones that fell due (开工 …): a liaison of
    the lead unit reports them done a few days early in the latest ended period, the office
    accepts, as the report form and the review queue would do."""
    from ganchao.goals.choices import PlanState
    from ganchao.goals.models import Assignment
    from ganchao.goals.permissions import may_report
    from ganchao.goals.selectors import reporting_period
    from ganchao.goals.services_reports import report_accept, report_save_and_submit

    due = [
        m
        for m in (
            project.start_milestone,
            project.completion_milestone,
            project.production_milestone,
        )
        if m is not None and m.due_date < as_of
    ]
    item = project.item
    assignment = Assignment.objects.filter(item=item, unit=project.lead_unit).first()
    if not due or assignment is None or item.plan.state != PlanState.ISSUED:
        return  # a draft plan takes no reports yet
    reporter = next(
        (u for u in User.objects.filter(unit=project.lead_unit, is_active=True).order_by("pk")
         if may_report(u, assignment)),
        None,
    )  # fmt: skip
    if reporter is None:
        return
    period = reporting_period(item.plan, item.frequency, as_of)
    completions = {m.pk: min(m.due_date - dt.timedelta(days=rng.randint(0, 6)), as_of) for m in due}
    report = report_save_and_submit(
        actor=reporter,
        assignment=assignment,
        period=period.code,
        narrative="按计划推进，节点已完成。",
        completions=completions,
        today=as_of,
        # a fixed instant, so that the same seed writes the same reports
        at=timezone.make_aware(dt.datetime.combine(as_of, dt.time(10))),
    )
    report_accept(actor=office, report=report)
