"""Query counts of the league table and the scorecard are pinned and do not grow with the data:
3 towns against 12 towns with more indicators, reports, milestones, alerts and items."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ganchao.assessment import services
from ganchao.assessment.tests.league_support import people, publish  # noqa: F401
from ganchao.conftest import make_unit
from ganchao.goals.models import Assignment, Milestone, MilestoneCompletion
from ganchao.orgs.choices import UnitType

LEAGUE_MAX = 14
SCORECARD_MAX = 19  # with the benchmark gaps block, the reports used and their evidence
PAGES = {
    "league": "/assessment/league/?scheme=TOWNS&period=2026-Q2",
    "league_draft": "/assessment/league/?scheme=TOWNS&period=2026-Q2&draft=1",
    "scorecard": "/assessment/scorecards/TOWNS/2026-Q2/T01/",
    "scorecard_draft": "/assessment/scorecards/TOWNS/2026-Q2/T01/?draft=1",
}


def grow(scenario, number: int) -> None:
    """Another town with two reported indicators, a task with milestones, an alert and a bonus;
    甲镇 gets another indicator too; and a town with nothing to assess (listed under the table)."""
    unit = make_unit(f"新{number}镇", UnitType.TOWN, scenario.a.parent, code=f"T{number:02d}",
                     category=scenario.category)  # fmt: skip
    make_unit(f"空{number}镇", UnitType.TOWN, scenario.a.parent, code=f"E{number:02d}",
              category=scenario.category)  # fmt: skip
    for owner, code in ((unit, f"{number}1"), (unit, f"{number}2"), (scenario.a, f"{number}3")):
        item = scenario.item(code, "indicator", nature="level", frequency="quarterly", target=10)
        assignment = Assignment.objects.create(item=item, unit=owner, role="lead")
        scenario.report(assignment, D(number % 10 + 1))
    task = scenario.item(f"{number}4", "task", frequency="monthly")
    assignment = Assignment.objects.create(item=task, unit=unit, role="lead")
    report = scenario.report(assignment, period="2026-06")
    for position in (1, 2):
        milestone = Milestone.objects.create(
            item=task, position=position, due_date=dt.date(2026, 5, position), description="节点"
        )
        MilestoneCompletion.objects.create(
            report=report, milestone=milestone, completed_on=dt.date(2026, 5, position + 1)
        )
    scenario._urge(unit, dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC), "2026-04")
    scenario._urge(scenario.a, dt.datetime(2026, 6, number, 10, tzinfo=dt.UTC), f"x{number}")
    with transaction.atomic():
        services.score_item_add(actor=None, scheme=scenario.scheme, period="2026-Q2", unit=unit,
                                kind="bonus", points=1, reason="表彰", approved=True)  # fmt: skip


@pytest.mark.parametrize("who", ["office", "liaison_a"])
def test_league_and_scorecard_queries_do_not_grow(login, people, scenario, who):  # noqa: F811
    publish(scenario.scheme, "2026-Q1", "2026-Q2")
    client = login(getattr(people, who))
    pages = {k: v for k, v in PAGES.items() if who == "office" or "draft" not in k}
    small = counts(client, pages)
    for number in range(4, 13):
        grow(scenario, number)
    publish(scenario.scheme, "2026-Q1", "2026-Q2")
    large = counts(client, pages)
    assert large == small
    assert "空12镇" in client.get(PAGES["league"]).content.decode()  # under the table
    assert small["league"] <= LEAGUE_MAX and small["scorecard"] <= SCORECARD_MAX


def counts(client, pages) -> dict[str, int]:
    result = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        result[name] = len(queries)
    return result
