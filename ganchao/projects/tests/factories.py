"""Key projects for tests, made through the services (so the goal item, its milestones and its
lead assignment are what a user would get).

    from ganchao.projects.tests.factories import make_project
    tree = make_plan(city)                 # the goals' issued 2026 plan (goal "1")
    project = make_project(city, tree.plan, code="XM-01")
"""

import datetime as dt
from decimal import Decimal

from ganchao.projects import services
from ganchao.projects.choices import StepKind


def make_project(city, plan, *, code="XM-01", name=None, lead_unit=None, leader=None, **values):
    fields = {
        "category": "industry",
        "funding_source": "private",
        "total_investment": Decimal("50000"),
        "annual_plan": Decimal("12000"),
        "start_planned": dt.date(plan.year, 3, 1),
        "completion_planned": dt.date(plan.year, 11, 30),
        "production_planned": dt.date(plan.year + 1, 3, 31),
        "location": "西湖镇工业园",
        "steps": {
            StepKind.APPROVAL: dt.date(plan.year, 1, 15),
            StepKind.LAND: dt.date(plan.year, 2, 10),
        },
    }
    fields.update(values)
    return services.project_create(
        actor=city.office,
        plan=plan,
        parent_code="1",
        code=code,
        name=name or f"{code} 新能源电池生产线",
        leader=leader or city.leader,
        lead_unit=lead_unit or city.town_a,
        town=city.town_a,
        **fields,
    )


def month_plan(project, office, year, values, actuals=()):
    """Monthly planned (and actual) investment from January on."""
    for number, planned in enumerate(values, start=1):
        actual = actuals[number - 1] if number <= len(actuals) else None
        services.investment_record(
            actor=office,
            project=project,
            month=f"{year}-{number:02d}",
            planned=planned,
            actual=actual,
            today=dt.date(year, 12, 31),
        )
