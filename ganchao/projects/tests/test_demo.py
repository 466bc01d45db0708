"""The demo key projects: written through the services, spread over leaders, some lagging."""

import datetime as dt

import pytest

from ganchao.goals.tests.factories import make_plan
from ganchao.projects import selectors
from ganchao.projects.choices import Health
from ganchao.projects.demo import seed_key_projects

pytestmark = pytest.mark.django_db


def test_demo_projects_are_goal_tasks_with_investment_and_some_lag(city):
    tree = make_plan(city)
    made = seed_key_projects(
        plan=tree.plan, actor=city.office, as_of=dt.date(2026, 11, 20), count=6
    )
    assert len(made) == 6
    assert {p.item.parent.name for p in made} == {"重点项目建设"}
    assert all(p.months.count() == 12 for p in made)
    rows = selectors.project_rows(city.office, today=dt.date(2026, 11, 20))
    healths = {r.health for r in rows}
    assert Health.LAGGING in healths
    assert any(r.verdict.actual_to_date > 0 for r in rows)


def test_demo_months_add_up_to_the_year_and_approvals_carry_their_own_year(city):
    """A newcomer read 年度计划投资 48400 万元 beside 计划 48399.96 万元, and 2025 approvals
    numbered 〔2026〕."""
    tree = make_plan(city)
    made = seed_key_projects(
        plan=tree.plan, actor=city.office, as_of=dt.date(2026, 11, 20), count=6
    )
    steps = 0
    for project in made:
        assert sum(m.planned for m in project.months.all()) == project.annual_plan
        for step in project.steps.filter(state="done"):
            steps += 1
            assert f"〔{step.done_on.year}〕" in step.document_number, step.document_number
            assert step.document_number.startswith(tree.plan.owner.name[:1])
    assert steps
