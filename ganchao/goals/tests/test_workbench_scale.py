"""The landing pages at two data sizes (issue 13): the work list's own assignments (own units
and data-source items), its pages and late count from one count query, and pinned query
counts of the work list, the home page of a liaison and a leader, and the goal tree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.goals.choices import ReportState
from ganchao.goals.tests.factories import make_assignment, make_item, make_plan, make_report

# The 2026 plan's October report is due in early November: late on the pinned 2026-11-29.
pytestmark = pytest.mark.usefixtures("pinned_clock")

WORKBENCH_QUERIES = 13  # as test_views_reports: session, user, scope, plans, calendar, lists
HOME_QUERIES = {"liaison_a": 11, "leader_user": 10}
TREE_QUERIES = {"liaison_a": 11, "leader_user": 11, "office": 11}


def _grow(city, tree, extra: int, *, reported_every: int = 2) -> None:
    """`extra` monthly indicators led by 西湖镇; every `reported_every`th has its October
    report submitted (so it is not late), the others are late."""
    for number in range(extra):
        item = make_item(
            tree.plan,
            f"1.{number + 50}",
            f"扩展指标{number:03d}",
            "indicator",
            parent=tree.goal,
            measure_unit="个",
            target=100,
            frequency="monthly",
        )
        assignment = make_assignment(item, city.town_a)
        if number % reported_every == 0:
            make_report(assignment, "2026-10", value=number, state=ReportState.SUBMITTED)


def _rows(client, query=""):
    rows, page = [], 1
    while True:
        response = client.get(f"/goals/workbench/?{query}page={page}")
        rows += [(a.pk, a.due_period, a.report_state) for a in response.context["page"]]
        if not response.context["page"].has_next():
            return rows, response.context
        page += 1


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_work_list_pages_and_late_count_agree_with_its_rows(city, login):
    tree = make_plan(city)
    _grow(city, tree, 61)
    client = login(city.liaison_a)
    rows, context = _rows(client)
    assert len(rows) == len(set(rows)) == context["page"].paginator.count == 61 + 2
    late, late_context = _rows(client, "show=late&")
    # the 30 unreported extra indicators and the fixture's two late rows; reported ones are not
    assert len(late) == context["late_count"] == late_context["late_count"] == 30 + 2
    assert {pk for pk, _, _ in late} < {pk for pk, _, _ in rows}
    submitted = [pk for pk, period, state in rows if state == ReportState.SUBMITTED]
    assert len(submitted) == 31 and not set(submitted) & {pk for pk, _, _ in late}


def test_a_data_source_unit_reports_for_the_items_it_supplies(city, login):
    tree = make_plan(city)
    client = login(city.liaison_b)
    before = {pk for pk, _, _ in _rows(client)[0]}
    tree.indicator.data_source_unit = city.town_b
    tree.indicator.save(update_fields=["data_source_unit"])
    after = {pk for pk, _, _ in _rows(client)[0]}
    assert after != before and after == before | {tree.ind_lead.pk, tree.ind_resp.pk}


def test_the_work_list_runs_the_same_queries_at_two_sizes(city, login):
    tree = make_plan(city)
    client = login(city.liaison_a)
    small = (_count(client, "/goals/workbench/"), _count(client, "/goals/workbench/?show=late"))
    _grow(city, tree, 120)
    large = (_count(client, "/goals/workbench/"), _count(client, "/goals/workbench/?show=late"))
    paged = _count(client, "/goals/workbench/?page=3")
    assert small == large == (WORKBENCH_QUERIES, WORKBENCH_QUERIES) and paged == WORKBENCH_QUERIES


@pytest.mark.parametrize("user", ["liaison_a", "leader_user"])
def test_the_home_page_runs_a_pinned_number_of_queries(city, login, user):
    tree = make_plan(city)
    client = login(getattr(city, user))
    small = _count(client, "/")
    _grow(city, tree, 80)
    assert small == _count(client, "/") == HOME_QUERIES[user]


@pytest.mark.parametrize("user", ["liaison_a", "leader_user", "office"])
def test_the_goal_tree_runs_a_pinned_number_of_queries(city, login, user):
    tree = make_plan(city)
    client = login(getattr(city, user))
    small = _count(client, "/goals/tree/")
    _grow(city, tree, 80)
    assert small == _count(client, "/goals/tree/") == TREE_QUERIES[user]
