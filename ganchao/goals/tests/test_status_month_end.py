"""The monthly rows' reported_on_time reads only the submissions of the periods whose report
fell due in the months being added; whether those months are added at once or one at a
time, monthly and quarterly assignments get the same answers."""

import datetime as dt
from decimal import Decimal

import pytest

from ganchao.goals.choices import Frequency, ItemType
from ganchao.goals.models import MonthlyStatus
from ganchao.goals.status import recompute_plan
from ganchao.goals.tests.status_factories import (
    assign,
    employment,
    make_item,
    make_plan,
    moment,
    report,
)

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2026, m, d) for m, d in ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31))]
# January: no period of the plan year falls due; February: January's report, on time;
# March: February's, late; April: March's, missing; May: April's, on time
MONTHLY = [None, True, False, False, True]
QUARTERLY = [None, None, None, True, None]  # April: the first quarter's report, on time


def _plan(city):
    plan = make_plan(city.root)
    goal = make_item(plan, "1", ItemType.GOAL)
    monthly = assign(employment(plan, goal, "1.1"), city.town_a)
    quarterly = assign(
        make_item(plan, "1.2", parent=goal, frequency=Frequency.QUARTERLY, target=Decimal(400)),
        city.town_a,
    )
    report(monthly, "2026-01", 900, submitted_at=moment("2026-02-03"))
    report(monthly, "2026-02", 1900, submitted_at=moment("2026-03-20"))
    report(monthly, "2026-04", 4100, submitted_at=moment("2026-05-06"))
    report(quarterly, "2026-Q1", 100, submitted_at=moment("2026-04-03"))
    return plan, monthly, quarterly


def _on_time(assignment):
    rows = MonthlyStatus.objects.filter(assignment=assignment).order_by("month")
    return [(row.month, row.reported_on_time) for row in rows]


@pytest.mark.parametrize("steps", [["2026-05-31"], ["2026-03-31", "2026-04-30", "2026-05-31"]])
def test_reported_on_time_at_once_or_month_by_month(city, steps):
    plan, monthly, quarterly = _plan(city)
    for step in steps:
        recompute_plan(plan, at=moment(step))
    assert _on_time(monthly) == list(zip(MONTHS, MONTHLY, strict=True))
    assert _on_time(quarterly) == list(zip(MONTHS, QUARTERLY, strict=True))
