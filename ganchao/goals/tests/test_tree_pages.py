"""目标体系 and 领导视图 pages: scope, filters, goal counts and ratio, worst-first order, and a
fixed number of queries whatever the plan's size."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.goals.choices import Status
from ganchao.goals.models import Assignment, Item
from ganchao.goals.tests.factories import make_plan
from ganchao.goals.tree_selectors import number_text, progress_percent, ratio_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(city):
    tree = make_plan(city, extra_indicators=2)
    _status(tree.indicator, tree.ind_lead, Status.GREEN, expected="4153.8462", actual="4200")
    _status(tree.level_indicator, tree.level_lead, Status.RED, red_since=dt.date(2026, 4, 8))
    _status(tree.task, tree.task_lead, Status.NOT_REPORTED)
    _status(tree.extra[0], tree.extra[0].assignments.get(), Status.YELLOW)
    _status(tree.extra[1], tree.extra[1].assignments.get(), Status.NOT_STARTED)
    return tree


def _status(item, assignment, status, expected=None, actual=None, red_since=None):
    values = {"status": status, "expected": expected, "actual": actual}
    Item.objects.filter(pk=item.pk).update(**values)
    Assignment.objects.filter(pk=assignment.pk).update(**values, red_since=red_since)


def rows_of(response):
    return {r["code"]: r for r in response.context["rows"]}


def test_office_sees_the_whole_tree_with_lights_words_and_progress(city, login, tree):
    response = login(city.office).get("/goals/tree/")
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows) == ["1", "1.1", "1.2", "1.3", "1.10", "1.11"]
    text = response.content.decode()
    assert '<span class="gc-light red">严重滞后</span>' in text
    assert "实际 4,200 / 序时 4,154 人" in text  # 人 counts whole people (小数位数 0)
    goal = rows["1"]
    assert {c["status"]: c["n"] for c in goal["counts"]} == {
        "red": 1,
        "not_reported": 1,
        "yellow": 1,
        "green": 1,
        "not_started": 1,
    }
    # started: 1.1 green, 1.2 red, 1.3 not reported, 1.10 yellow → 1 of 4 on track
    assert goal["ratio"] == Decimal("0.25") and goal["ratio_text"] == "25.0%"


def test_a_town_sees_only_its_items_and_their_goal(city, login, tree):
    rows = rows_of(login(city.liaison_a).get("/goals/tree/"))
    assert list(rows) == ["1", "1.1", "1.3", "1.10"]


def test_a_leader_sees_the_items_of_their_areas_and_those_they_are_named_on(city, login, tree):
    rows = rows_of(login(city.leader_user).get("/goals/tree/"))
    assert list(rows) == ["1", "1.1", "1.3", "1.10"]


def test_filter_by_status_keeps_goal_figures(city, login, tree):
    rows = rows_of(login(city.office).get("/goals/tree/", {"status": "red"}))
    assert list(rows) == ["1", "1.2"]
    assert rows["1"]["item_count"] == 5


def test_filters_by_unit_leader_category_and_search(city, login, tree):
    client = login(city.office)
    assert list(rows_of(client.get("/goals/tree/", {"unit": "C102"}))) == [
        "1",
        "1.1",
        "1.2",
        "1.3",
        "1.11",
    ]
    by_leader = rows_of(client.get("/goals/tree/", {"leader": city.leader.pk}))
    assert list(by_leader) == ["1", "1.1", "1.3", "1.10"]
    assert list(rows_of(client.get("/goals/tree/", {"q": "就业"}))) == ["1", "1.1"]
    assert list(rows_of(client.get("/goals/tree/", {"q": "1.1"}))) == ["1", "1.1", "1.10", "1.11"]
    assert client.get("/goals/tree/", {"category": "生态环保"}).context["rows"] == []


def test_a_plan_out_of_scope_is_404(city, login, tree):
    from ganchao.goals.models import Plan

    town_plan = Plan.objects.create(owner=city.town_b, year=2026)
    assert login(city.liaison_a).get("/goals/tree/", {"plan": town_plan.pk}).status_code == 404


def test_tree_page_says_what_to_do_without_a_plan(city, login):
    text = login(city.office).get("/goals/tree/").content.decode()
    assert "还没有可查看的年度计划" in text


def page_queries(client, url, params=None) -> int:
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("user", ["office", "liaison_a", "leader_user"])
def test_tree_page_runs_a_fixed_number_of_queries(city, login, user):
    client = login(getattr(city, user))
    small = make_plan(city, year=2025)
    large = make_plan(city, year=2026, extra_indicators=60)
    params = {"unit": "C101", "leader": city.leader.pk, "status": "red", "q": "指标"}
    few = page_queries(client, "/goals/tree/", {"plan": small.plan.pk} | params)
    many = page_queries(client, "/goals/tree/", {"plan": large.plan.pk} | params)
    assert few == many
    assert page_queries(client, "/goals/tree/", {"plan": small.plan.pk}) == page_queries(
        client, "/goals/tree/", {"plan": large.plan.pk}
    )


def test_leader_view_lists_worst_first(city, login, tree):
    response = login(city.leader_user).get("/goals/leader/")
    assert response.status_code == 200
    rows = response.context["page"].object_list
    # town A's assignments (the leader's area) and 1.1's responsible town B (named on 1.1)
    assert [(r["item__code"], r["unit__code"], r["status"]) for r in rows] == [
        ("1.3", "C101", "not_reported"),
        ("1.10", "C101", "yellow"),
        ("1.1", "C101", "green"),
        ("1.1", "C102", ""),
    ]


def test_office_picks_a_leader_and_others_get_404(city, login, tree):
    response = login(city.office).get("/goals/leader/", {"leader": city.leader.pk})
    assert response.status_code == 200 and response.context["leader"]["id"] == city.leader.pk
    assert "严重滞后起始日" in response.content.decode()
    assert login(city.liaison_a).get("/goals/leader/").status_code == 404


def test_leader_view_runs_a_fixed_number_of_queries(city, login):
    client = login(city.leader_user)
    small = make_plan(city, year=2025)
    large = make_plan(city, year=2026, extra_indicators=60)
    assert page_queries(client, "/goals/leader/", {"plan": small.plan.pk}) == page_queries(
        client, "/goals/leader/", {"plan": large.plan.pk}
    )


def test_navigation_offers_the_tree_to_staff_and_the_leader_view_to_leaders(city, login):
    def labels(user):
        nav = login(user).get("/goals/tree/").context["shell"]["nav"]
        return [i["label"] for s in nav for i in (s.get("children") or [s])]

    assert "目标体系" in labels(city.liaison_a) and "领导视图" not in labels(city.liaison_a)
    assert "领导视图" in labels(city.leader_user) and "领导视图" in labels(city.office)


def test_numbers_and_progress_helpers():
    assert number_text(Decimal("4200.0000")) == "4,200"
    assert number_text(Decimal("4153.8462")) == "4,153.85"
    assert number_text(None) == ""
    assert number_text(Decimal("4153.8462"), 0) == "4,154"
    assert number_text(Decimal("330.3"), 2) == "330.30"
    assert progress_percent(Decimal(4000), Decimal(2000)) == 50
    assert progress_percent(Decimal(4000), Decimal(5000)) == 100
    assert progress_percent(Decimal("5.5"), Decimal("5.0"), "negative") == 100
    assert progress_percent(Decimal("5"), Decimal("10"), "negative") == 50
    assert progress_percent(None, Decimal(1)) is None
    rows = [
        {"status": "green", "weight": Decimal(2)},
        {"status": "red", "weight": Decimal(1)},
        {"status": "not_started", "weight": Decimal(5)},
        {"status": "done", "weight": Decimal(1)},
    ]
    assert ratio_of(rows) == Decimal(3) / Decimal(4)
    assert ratio_of([{"status": "not_started", "weight": Decimal(1)}]) is None
