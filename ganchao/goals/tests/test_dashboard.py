"""驾驶舱 (home of the office and leaders) and the unit summary on other users' home pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.goals import dashboards
from ganchao.goals.choices import Status
from ganchao.goals.models import Assignment, Item, MonthlyStatus
from ganchao.goals.tests.factories import make_plan

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def _status(assignment, status):
    Assignment.objects.filter(pk=assignment.pk).update(status=status)
    if assignment.role == "lead":
        Item.objects.filter(pk=assignment.item_id).update(status=status)


def _month(assignment, month: int, status, on_time=True, year=2026):
    end = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    MonthlyStatus.objects.create(
        assignment=assignment, month=end, status=status, reported_on_time=on_time
    )


@pytest.fixture
def tree(city):
    tree = make_plan(city)
    _status(tree.ind_lead, Status.GREEN)
    _status(tree.level_lead, Status.RED)
    _status(tree.task_lead, Status.YELLOW)
    _status(tree.ind_resp, Status.RED)
    # October: two of three on track; September: one of three
    _month(tree.ind_lead, 10, Status.GREEN)
    _month(tree.level_lead, 10, Status.GREEN)
    _month(tree.task_lead, 10, Status.RED, on_time=False)
    _month(tree.ind_lead, 9, Status.GREEN)
    _month(tree.level_lead, 9, Status.RED, on_time=False)
    _month(tree.task_lead, 9, Status.NOT_REPORTED, on_time=False)
    return tree


def test_dashboard_figures_trends_and_chart_rows(city, tree):
    data = dashboards.dashboard(actor=city.office, plan=tree.plan, today=TODAY)
    counts = {c["status"]: c["n"] for c in data["summary"]["counts"]}
    assert counts["green"] == 1 and counts["red"] == 1 and counts["yellow"] == 1
    assert data["summary"]["ratio"] == Decimal(1) / Decimal(3)
    assert data["last_month"]["month"] == dt.date(2026, 10, 31)
    assert data["ratio_trend"]["down"] and data["ratio_trend"]["text"] == "下降33.3个百分点"
    assert data["red_trend"]["text"] == "持平"
    assert [(m["label"], m["ratio"]) for m in data["series"]] == [
        ("9月", Decimal(1) / Decimal(3)),
        ("10月", Decimal(2) / Decimal(3)),
    ]
    assert data["series"][0]["punctual"] == Decimal(1) / Decimal(3)
    # items by their lead unit, as the cards count them (1.1's red responsible town B does not
    # make the green item 1.1 red)
    assert data["lagging"] == [
        {"code": "C102", "name": "东山镇", "red": 1, "yellow": 0},
        {"code": "C101", "name": "西湖镇", "red": 0, "yellow": 1},
    ]
    heat = data["heatmap"]
    assert [u["code"] for u in heat["units"]] == ["C101", "C102"]  # lowest share first
    assert heat["months"] == ["9月", "10月"]
    assert sorted(heat["cells"]) == [[0, 0, 50], [0, 1, 0], [1, 0, 50], [1, 1, 100]]


def test_a_leader_sees_only_their_areas(city, tree):
    data = dashboards.dashboard(actor=city.leader_user, plan=tree.plan, today=TODAY)
    counts = {c["status"]: c["n"] for c in data["summary"]["counts"]}
    # town A (the leader's area): 1.1 green and 1.3 yellow; 1.2 is town B's
    assert counts["green"] == 1 and counts["yellow"] == 1 and counts["red"] == 0
    # 1.1's red responsible town B does not show as a red unit beside a red card of 0
    assert data["lagging"] == [{"code": "C101", "name": "西湖镇", "red": 0, "yellow": 1}]


def test_office_home_is_the_dashboard_with_links_behind_the_charts(city, login, tree):
    response = login(city.office).get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "驾驶舱" in text and "vendor/echarts/echarts.min.js" in text
    tree_url = f"/goals/tree/?plan={tree.plan.pk}"
    assert f'href="{tree_url}&status=red"' in text
    charts = response.context["charts"]
    assert charts["lagging"][0]["url"] == f"{tree_url}&unit=C102"
    status_urls = {s["status"]: s["url"] for s in charts["status"]}
    assert status_urls["yellow"] == f"{tree_url}&status=yellow"
    assert charts["heatmap"]["urls"][0] == f"{tree_url}&unit=C101"


def test_leader_home_is_the_dashboard(city, login, tree):
    response = login(city.leader_user).get("/")
    assert response.status_code == 200 and "charts" in response.context


def test_dashboard_without_a_plan_says_what_to_do(city, login):
    text = login(city.office).get("/").content.decode()
    assert "还没有年度计划" in text


def test_unit_home_summarises_the_units_assignments(city, login, tree):
    response = login(city.liaison_a).get("/")
    text = response.content.decode()
    assert response.status_code == 200 and "我的单位" in text
    goals = response.context["goals"]
    assert goals["total"] == 2
    assert [r["item__code"] for r in goals["worst"]] == ["1.3"]
    assert "建成西湖污水处理厂" in text and "charts" not in response.context


def _queries(client, params) -> int:
    client.get("/", params)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/", params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("user", ["office", "leader_user", "liaison_a"])
def test_home_runs_a_fixed_number_of_queries(city, login, user):
    small = make_plan(city, year=2025)
    large = make_plan(city, year=2026, extra_indicators=40)
    for assignment in Assignment.objects.select_related("item__plan"):
        _status(assignment, Status.RED)
        for month in range(1, 11):
            year = assignment.item.plan.year
            _month(assignment, month, Status.YELLOW, on_time=month % 2 == 0, year=year)
    client = login(getattr(city, user))
    assert _queries(client, {"plan": small.plan.pk}) == _queries(client, {"plan": large.plan.pk})


def test_office_dashboard_shows_the_burden_meter(city, login):
    from ganchao.goals.tests.factories import make_plan

    make_plan(city)
    text = login(city.office).get("/").content.decode()
    assert 'id="burden-chart"' in text and "基层负担" in text
    assert 'id="burden-chart"' not in login(city.leader_user).get("/").content.decode()
