"""EXPLAIN guards of the main list filters at province shape (issue 13, "Guards that stay").

On PostgreSQL the test fills a province-shaped tree with set-based SQL (16 cities, about
6,000 units with real materialised paths, 40,000 assignments, 200,000 reports), runs ANALYZE,
calls the lists through the API as their users do and asks PostgreSQL for the plan of every
query the list ran on assignments or reports. It fails on

- a Seq Scan of the assignments or the reports table;
- a Nested Loop whose inner side scans the units table by anything but its primary key (the
  plan that looped over the units 146,448 times for a street liaison's `?unit=` list);
- a count whose row estimate on the assignments is off by more than 100× where either side is
  1,000 rows or more (the scope filter PostgreSQL cannot estimate: it then picks loops for
  thousands of rows). A looked-up array of unit ids is estimated at a row or so; over the
  hundred-odd rows of a town that costs nothing whichever join PostgreSQL picks.

On SQLite, which has no such planner to ask, it checks the shape those plans rest on: the scope
is tested on the assignment's own keys (unit_id IN (SELECT …)), not by joining every row to the
units table, and the count reads no table the filters do not need.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.common.tests.api_client import TokenApi
from ganchao.conftest import make_unit, make_user
from ganchao.goals.models import Assignment, Item, Plan, ProgressReport
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Leader, LeaderArea, Unit

pytestmark = pytest.mark.django_db

CITIES, DEPARTMENTS, TOWNS, VILLAGES = 16, 20, 20, 18
ITEMS_PER_CITY, UNITS_PER_ITEM, REPORTS_PER_ASSIGNMENT = 320, 8, 5
WATCHED = ("goals_assignment", "goals_progressreport")
ESTIMATE_FACTOR = 100
ESTIMATE_ROWS = 1_000  # below this a misestimate cannot make a loop expensive


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _units(root: Unit) -> None:
    """Cities under the root; departments and towns under each city; villages under each town.
    Paths are filled level by level the way Unit.path_for writes them."""
    stamp = "now(), now(), 1, '[]'::jsonb, true"
    _sql(
        "INSERT INTO orgs_unit (created_at, updated_at, version, aliases, active, code, name,"
        " type, sort_order, path, depth, parent_id)"
        f" SELECT {stamp}, 'P' || lpad(c::text, 2, '0'), '市' || c, 'city', c, '', 1, %s"
        " FROM generate_series(1, %s) c",
        [root.pk, CITIES],
    )
    for kind, letter, count, parent_type in (
        ("department", "D", DEPARTMENTS, "city"),
        ("town", "T", TOWNS, "city"),
        ("village", "V", VILLAGES, "town"),
    ):
        _sql(
            "INSERT INTO orgs_unit (created_at, updated_at, version, aliases, active, code, name,"
            " type, sort_order, path, depth, parent_id)"
            f" SELECT {stamp}, p.code || %s || lpad(n::text, 3, '0'), p.name || %s || n, %s, n,"
            " '', p.depth + 1, p.id FROM orgs_unit p, generate_series(1, %s) n"
            " WHERE p.type = %s AND p.code LIKE 'P%%'",
            [letter, letter, kind, count, parent_type],
        )
    for _level in range(3):
        _sql(
            "UPDATE orgs_unit c SET path = p.path || lpad(c.id::text, 10, '0') || '/'"
            " FROM orgs_unit p WHERE c.parent_id = p.id AND c.path = '' AND p.path <> ''"
        )


def _goals() -> None:
    """One issued plan per city; ITEMS_PER_CITY indicators each; every indicator assigned to
    UNITS_PER_ITEM units of its city, with every status; REPORTS_PER_ASSIGNMENT reports each."""
    stamp = "now(), now(), 1"
    _sql(
        "INSERT INTO goals_plan (created_at, updated_at, version, owner_id, year, name, state,"
        " issued_at, report_due_working_days, yellow_gap, red_overdue_working_days)"
        f" SELECT {stamp}, id, 2026, name || '计划', 'issued', now(), 5, 0.1, 10"
        " FROM orgs_unit WHERE type = 'city' AND code LIKE 'P%%'"
    )
    _sql(
        "INSERT INTO goals_item (created_at, updated_at, version, plan_id, code, sort_key, name,"
        " type, category, measure_unit, direction, nature, frequency, weight, note, status,"
        " stale, status_counts)"
        f" SELECT {stamp}, p.id, '1.' || n, lpad(n::text, 6, '0'), '指标' || n, 'indicator',"
        " '', '', 'up', 'cumulative', 'monthly', 1, '', '', false, '{}'::jsonb"
        " FROM goals_plan p, generate_series(1, %s) n",
        [ITEMS_PER_CITY],
    )
    _sql(
        "WITH units AS (SELECT u.id, c.id AS city,"
        "   row_number() OVER (PARTITION BY c.id ORDER BY u.id) - 1 AS n,"
        "   count(*) OVER (PARTITION BY c.id) AS size"
        "   FROM orgs_unit u JOIN orgs_unit c ON u.path LIKE c.path || '_%%'"
        "   WHERE c.type = 'city' AND c.code LIKE 'P%%'),"
        " items AS (SELECT i.id, p.owner_id AS city,"
        "   row_number() OVER (PARTITION BY p.id ORDER BY i.id) AS n"
        "   FROM goals_item i JOIN goals_plan p ON p.id = i.plan_id)"
        " INSERT INTO goals_assignment (created_at, updated_at, version, item_id, unit_id, role,"
        " weight, responsible_leader, responsible_person, contact, contact_phone, status, stale,"
        " status_period, red_since)"
        f" SELECT {stamp}, i.id, u.id, 'lead', 1, '', '', '', '',"
        " (ARRAY['green','green','green','yellow','red','not_reported','done',''])"
        "   [1 + (i.id * 3 + k) %% 8], false, '2026-05',"
        " CASE WHEN (i.id * 3 + k) %% 8 = 4 THEN date '2026-01-01' + (i.id %% 150)::int END"
        " FROM items i CROSS JOIN generate_series(0, %s - 1) k"
        " JOIN units u ON u.city = i.city AND u.n = (i.n * 37 + k * 53) %% u.size",
        [UNITS_PER_ITEM],
    )
    _sql(
        "INSERT INTO goals_progressreport (created_at, updated_at, version, assignment_id,"
        " period, period_end, revision, is_current, state, narrative, late, return_reason)"
        f" SELECT {stamp}, a.id, '2026-0' || m,"
        " (date '2026-01-01' + make_interval(months => m) - interval '1 day')::date,"
        " 1, true, 'accepted', '', false, ''"
        " FROM goals_assignment a CROSS JOIN generate_series(1, %s) m",
        [REPORTS_PER_ASSIGNMENT],
    )


def _province_users() -> dict:
    """The office, a vice-mayor over two towns (named on a few items too) and a street
    liaison, in the first city."""
    office = make_user("explain_office", Unit.objects.get(code="P01D001"), Role.OFFICE)
    leader = Leader.objects.create(name="副市长甲", title="副市长")
    for code in ("P01T001", "P01T002"):
        unit = Unit.objects.get(code=code)
        LeaderArea.objects.create(leader=leader, unit=unit, start_date="2020-01-01")
    named = Item.objects.filter(plan__owner__code="P01").order_by("pk")[:12]
    Item.leaders.through.objects.bulk_create(
        [Item.leaders.through(item=item, leader=leader) for item in named]
    )
    vice = make_user("explain_vice", Unit.objects.get(code="P01D002"), Role.LEADER, leader=leader)
    street = make_user("explain_street", Unit.objects.get(code="P01T003"), Role.LIAISON)
    return {"office": office, "vice": vice, "street": street}


def _build_province() -> dict:
    root = make_unit("省", UnitType.PROVINCE, code="PROV")
    _units(root)
    _goals()
    users = _province_users()
    _sql(
        "ANALYZE orgs_unit, goals_plan, goals_item, goals_item_leaders, goals_assignment,"
        " goals_progressreport"
    )
    return users


def _lists(users) -> dict:
    """The main lists as their users call them: name → (user, path)."""
    assignment = Assignment.objects.filter(unit__code="P01T003").order_by("pk").first()
    return {
        "statuses by status, vice-mayor": (users["vice"], "/statuses?status=red&limit=25"),
        "statuses by unit, street liaison": (users["street"], "/statuses?unit=P01T003&limit=25"),
        "reports of an assignment": (
            users["street"],
            f"/assignments/{assignment.pk}/reports?limit=25",
        ),
        "statuses unfiltered, office": (users["office"], "/statuses?limit=25"),
        "statuses of a whole city, office": (users["office"], "/statuses?unit=P01&limit=25"),
        "statuses of a town, vice-mayor": (users["vice"], "/statuses?unit=P01T001&limit=25"),
    }


def _queries_of(user, path) -> list[str]:
    """The SQL the list ran on assignments or reports (not the session and token lookups)."""
    with CaptureQueriesContext(connection) as run:
        response = TokenApi(user).get(path)
    assert response.status_code == 200, response.content
    return [q["sql"] for q in run.captured_queries if any(t in q["sql"] for t in WATCHED)]


def _explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(node, *, skip_subplans=False):
    yield node
    for child in node.get("Plans", []):
        if skip_subplans and child.get("Parent Relationship") in ("SubPlan", "InitPlan"):
            continue
        yield from _nodes(child, skip_subplans=skip_subplans)


def _scans_units_by_more_than_key(node) -> bool:
    return node.get("Relation Name") == "orgs_unit" and not (
        node["Node Type"] in ("Index Scan", "Index Only Scan")
        and node.get("Index Name") == "orgs_unit_pkey"
    )


def _problems(plan: dict, *, counted: bool, whole_table: bool = False) -> list[str]:
    found = []
    for node in _nodes(plan):
        relation = node.get("Relation Name")
        if node["Node Type"] == "Seq Scan" and relation in WATCHED and not whole_table:
            found.append(f"Seq Scan on {relation}")
        if node["Node Type"] == "Nested Loop":
            inner = [c for c in node["Plans"] if c.get("Parent Relationship") == "Inner"]
            for side in inner:
                if any(_scans_units_by_more_than_key(n) for n in _nodes(side, skip_subplans=True)):
                    found.append("Nested Loop whose inner side scans orgs_unit")
        if counted and relation in WATCHED and node.get("Actual Loops"):
            estimate, actual = max(node["Plan Rows"], 1), max(node["Actual Rows"], 1)
            missed = max(estimate / actual, actual / estimate) > ESTIMATE_FACTOR
            if missed and max(estimate, actual) >= ESTIMATE_ROWS:
                found.append(
                    f"{node['Node Type']} on {relation}: {node['Plan Rows']} rows estimated,"
                    f" {node['Actual Rows']} found"
                )
    return found


def _plan_problems(users) -> dict:
    problems = {}
    for name, (user, path) in _lists(users).items():
        for sql in _queries_of(user, path):
            counted = "COUNT(" in sql.upper() and "LIMIT" not in sql.upper()
            # The office's count of every assignment reads every row whichever way it goes (an
            # index-only scan once VACUUM has marked the pages all-visible).
            whole_table = counted and " WHERE " not in sql.upper()
            found = _problems(_explain(sql), counted=counted, whole_table=whole_table)
            if found:
                problems.setdefault(name, []).append((found, sql[:300]))
    return problems


def _sqlite_shape_problems(city) -> list[str]:
    """The shape the PostgreSQL plans rest on, where no planner can be asked."""
    from ganchao.goals.tests.factories import make_plan

    make_plan(city)
    found = []
    for user, path in (
        (city.liaison_a, "/statuses?status=red&limit=25"),
        (city.liaison_a, f"/statuses?unit={city.town_a.code}&limit=25"),
    ):
        for sql in _queries_of(user, path):
            joins_units = 'JOIN "orgs_unit"' in sql
            if "COUNT(" in sql.upper() and joins_units:
                found.append(f"count joins the units table: {sql[:200]}")
            if '"orgs_unit"."path" LIKE' in sql:
                found.append(f"scope tests the joined unit's path row by row: {sql[:200]}")
    return found


def test_main_lists_plan_without_scans_of_the_big_tables_or_loops_over_units(db, request):
    if connection.vendor == "postgresql":
        assert Plan.objects.count() == 0 and ProgressReport.objects.count() == 0
        users = _build_province()
        assert Assignment.objects.count() >= 40_000
        assert ProgressReport.objects.count() >= 200_000
        assert Unit.objects.count() >= 6_000
        assert _plan_problems(users) == {}
    else:
        assert _sqlite_shape_problems(request.getfixturevalue("city")) == []


def test_the_guard_sees_a_loop_over_units_and_a_sequential_scan():
    """The checks themselves: the plan PostgreSQL chose for a street liaison's list before
    issue 13 (a loop over the units for every item) and a sequential scan of the reports."""
    loop = {
        "Node Type": "Nested Loop",
        "Plans": [
            {
                "Node Type": "Seq Scan",
                "Relation Name": "goals_item",
                "Parent Relationship": "Outer",
            },
            {
                "Node Type": "Materialize",
                "Parent Relationship": "Inner",
                "Plans": [
                    {
                        "Node Type": "Bitmap Heap Scan",
                        "Relation Name": "orgs_unit",
                        "Parent Relationship": "Outer",
                    }
                ],
            },
        ],
    }
    scan = {
        "Node Type": "Seq Scan",
        "Relation Name": "goals_progressreport",
        "Plan Rows": 200_000,
        "Actual Rows": 11,
        "Actual Loops": 1,
    }
    assert _problems(loop, counted=False) == ["Nested Loop whose inner side scans orgs_unit"]
    assert _problems(scan, counted=True) == [
        "Seq Scan on goals_progressreport",
        "Seq Scan on goals_progressreport: 200000 rows estimated, 11 found",
    ]
    by_key = {
        "Node Type": "Nested Loop",
        "Plans": [
            {
                "Node Type": "Index Scan",
                "Relation Name": "goals_assignment",
                "Parent Relationship": "Outer",
            },
            {
                "Node Type": "Index Scan",
                "Relation Name": "orgs_unit",
                "Index Name": "orgs_unit_pkey",
                "Parent Relationship": "Inner",
            },
        ],
    }
    assert _problems(by_key, counted=False) == []
    town = {"Node Type": "Index Scan", "Relation Name": "goals_assignment", "Actual Loops": 1}
    assert _problems({**town, "Plan Rows": 1, "Actual Rows": 122}, counted=True) == []
    assert _problems({**town, "Plan Rows": 1, "Actual Rows": 2_560}, counted=True) == [
        "Index Scan on goals_assignment: 1 rows estimated, 2560 found"
    ]
