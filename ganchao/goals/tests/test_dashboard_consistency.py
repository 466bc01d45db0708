"""Every figure of a home page comes from one selection (issue 9 item 2): the mayor's cockpit
said 严重滞后 0 while its chart 滞后最多的单位 showed 泉水镇 with 严重滞后 1.

For every role's home — the office's and leaders' 驾驶舱 (a principal leader's whole city and its
"我分管的"), a unit's summary — the cards are compared with the charts and tables they summarise
and with the tree page their links open, on the demo city seed and on a province-shaped fixture.
"""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ganchao.conftest import PINNED_NOW, make_user
from ganchao.goals import dashboards
from ganchao.goals.choices import Role, Status
from ganchao.goals.models import Assignment, Item
from ganchao.goals.tests.factories import make_plan
from ganchao.goals.tests.province import Province
from ganchao.orgs.choices import Role as OrgRole
from ganchao.orgs.models import Leader, LeaderArea, User
from ganchao.orgs.scoping import scope_of

pytestmark = pytest.mark.django_db
LAGGING = (Status.RED, Status.YELLOW)


def _tree_rows(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [r for r in response.context["rows"] if not r["is_goal"]]


def check_cockpit(client, user, params: dict) -> dict:
    """The 驾驶舱's cards against its status chart, 滞后最多的单位 and the tree page."""
    response = client.get("/", params)
    context = response.context
    # 滞后最多的牵头单位 says how it counts and where the responsible units' lags are
    basis = response.content.decode().split('id="lagging-basis"')[1].split("</p>")[0]
    assert "按牵头单位统计" in basis
    assert ("/goals/leader/" if params.get("mine") else context["tree_url"]) in basis
    counts = {c["status"]: c["n"] for c in context["summary"]["counts"]}
    assert counts[Status.RED] == context["summary"]["counts"][0]["n"]  # the 严重滞后 card
    assert {s["status"]: s["value"] for s in context["charts"]["status"]} == counts
    # the cards link to the tree page: it lists the same items
    rows = _tree_rows(client, context["tree_url"])
    assert len(rows) == context["summary"]["total"]
    assert Counter(r["status"] for r in rows if r["status"]) == +Counter(counts)
    # 滞后最多的单位 sums to the cards over every unit, and its top rows are those shown
    leader_id = user.leader_id if params.get("mine") else None
    items = dashboards.dashboard_items(actor=user, plan=context["plan"], leader_id=leader_id)
    every = dashboards.lagging_units(dashboards.lead_assignments(items), limit=None)
    assert sum(u["red"] for u in every) == counts[Status.RED]
    assert sum(u["yellow"] for u in every) == counts[Status.YELLOW]
    assert context["lagging"] == every[: dashboards.LAGGING_UNITS]
    by_lead = Counter((r["lead_unit_code"], r["status"]) for r in rows if r["status"] in LAGGING)
    for unit in context["lagging"]:
        assert (by_lead[(unit["code"], Status.RED)], by_lead[(unit["code"], Status.YELLOW)]) == (
            unit["red"],
            unit["yellow"],
        ), unit
    return counts


def check_unit_home(client, user) -> None:
    """A unit's summary against its table of the items that need attention."""
    context = client.get("/").context
    if "goals" not in context:
        return
    goals = context["goals"]
    counts = {c["status"]: c["n"] for c in goals["counts"]}
    assert sum(counts.values()) == goals["total"]
    shown = Counter(r["status"] for r in goals["worst"])
    for status in (Status.RED, Status.NOT_REPORTED, Status.YELLOW):
        assert shown[status] <= counts[status]
    assert len(goals["worst"]) == min(
        dashboards.WORST_ROWS,
        sum(counts[s] for s in (Status.RED, Status.NOT_REPORTED, Status.YELLOW)),
    )


def check_every_home(client, users) -> dict[str, dict]:
    figures = {}
    for user in users:
        client.force_login(user)
        scope = scope_of(user)
        if scope.has("office", "leader"):
            figures[user.username] = check_cockpit(client, user, {})
            if scope.is_principal:
                mine = check_cockpit(client, user, {"mine": "1"})
                assert sum(mine.values()) <= sum(figures[user.username].values())
                figures[user.username + "/mine"] = mine
        else:
            check_unit_home(client, user)
        client.logout()
    return figures


def test_every_home_on_the_demo_city_agrees_with_itself(client, pinned_clock, demo_snapshots):
    # the demo city on the day it is seeded for (the worker's one seed of it, restored)
    demo_snapshots.restore(
        scale="city", seed=1, as_of=dt.date(2026, 11, 29), moment=PINNED_NOW, clock=pinned_clock
    )
    users = User.objects.filter(is_active=True).exclude(role_grants__role="auditor")
    figures = check_every_home(client, list(users.select_related("unit")))
    items = Item.objects.exclude(type="goal")
    # the mayor and the party secretary read the whole city, as the office does
    whole = dict(Counter(items.values_list("status", flat=True)))
    for username in ("office1", "leader01", "leader02"):
        assert sum(figures[username].values()) == items.count(), username
        assert {s: n for s, n in figures[username].items() if n} == {
            s: n for s, n in whole.items() if s
        }
    assert sum(figures["leader02/mine"].values()) < items.count()
    assert sum(figures["leader03"].values()) < items.count()  # a vice-mayor: their areas


def test_every_home_on_a_province_agrees_with_itself(client):
    province = Province()
    for city in province.cities:  # a red responsible unit on a green item: the reported case
        tree = city.plan
        for assignment, status in (
            (tree.ind_lead, Status.GREEN),
            (tree.ind_resp, Status.RED),
            (tree.task_lead, Status.YELLOW),
            (tree.level_lead, Status.RED),
        ):
            Assignment.objects.filter(pk=assignment.pk).update(status=status)
            if assignment.role == Role.LEAD:
                Item.objects.filter(pk=assignment.item_id).update(status=status)
    users = [u for c in province.cities for u in (c.office, c.mayor_user, c.vice_user, c.street_liaison, c.village_liaison)]  # fmt: skip
    figures = check_every_home(client, users)
    for number in (1, 2):
        mayor, vice = figures[f"p{number}_mayor"], figures[f"p{number}_vice"]
        assert mayor == figures[f"p{number}_office"]  # the whole city, as its office
        assert mayor[Status.RED] == 1 and sum(mayor.values()) == 3  # 1.2 of 泉水镇 is red
        assert sum(figures[f"p{number}_mayor/mine"].values()) == 0  # 市委督查室 leads nothing
        # the vice-mayor's street leads 1.1 (green, its responsible town red) and 1.3 (yellow)
        assert {s: n for s, n in vice.items() if n} == {Status.GREEN: 1, Status.YELLOW: 1}


@pytest.mark.parametrize("params", [{}, {"mine": "1"}])
def test_a_principal_leaders_cockpit_runs_a_fixed_number_of_queries(city, params):
    mayor = Leader.objects.create(name="王市长", title="市长", principal=True)
    LeaderArea.objects.create(leader=mayor, unit=city.town_b, start_date="2026-01-01")
    user = make_user("mayor", city.gov_office, OrgRole.LEADER, leader=mayor)
    small = make_plan(city, year=2025)
    large = make_plan(city, year=2026, extra_indicators=40)
    Assignment.objects.update(status=Status.RED)
    Item.objects.exclude(type="goal").update(status=Status.RED)
    client = Client()
    client.force_login(user)

    def count(plan) -> int:
        client.get("/", {**params, "plan": plan.pk})
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/", {**params, "plan": plan.pk})
        assert response.status_code == 200
        return len(captured)

    assert count(small.plan) == count(large.plan)
    summary = client.get("/", {**params, "plan": large.plan.pk}).context["summary"]
    # the whole city; or the items with an assignment of 东山镇 (1.1–1.3 and 20 extra)
    assert summary["total"] == (43 if not params else 23)
