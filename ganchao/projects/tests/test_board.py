"""The board at scale: health computed in SQL agrees with the rule the page explains, the
filters (leader, lead unit, health) are WHEREs, the board and the API list page in SQL with
the same number of queries at 5 and 60 projects, and the 挂图作战 picks one year."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.goals.tests.factories import make_plan
from ganchao.orgs import services as org_services
from ganchao.problems.choices import State as ProblemState
from ganchao.problems.models import Problem
from ganchao.problems.tests.factories import ProblemFactory
from ganchao.projects import selectors, services
from ganchao.projects.tests.factories import make_project, month_plan

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 15)


@pytest.fixture
def tree(city):
    return make_plan(city)


def _on_track(city, plan, code, **values):
    """A project whose steps and milestones all fall after JUNE."""
    values.setdefault("start_planned", dt.date(2026, 9, 1))
    values.setdefault("steps", {"approval": dt.date(2026, 7, 1)})
    return make_project(city, plan, code=code, **values)


def test_health_in_sql_agrees_with_the_rule(city, tree):
    """Given projects on every side of the rule (a blocking problem open or closed, a step or
    a milestone overdue or settled, investment at exactly 80 % of plan or just below), When
    the board filters by health in SQL, Then each project has the health the page explains."""
    office = city.office
    blocked = _on_track(city, tree.plan, "XM-B")
    ProblemFactory(owner_unit=city.town_a, item=blocked.item, blocks_project=True)
    unblocked = _on_track(city, tree.plan, "XM-U")
    closed = ProblemFactory(owner_unit=city.town_a, item=unblocked.item, blocks_project=True)
    Problem.objects.filter(pk=closed.pk).update(state=ProblemState.CLOSED)
    make_project(city, tree.plan, code="XM-S")  # 立项 due 2026-01-15, not done
    step_done = make_project(city, tree.plan, code="XM-D", start_planned=dt.date(2026, 9, 1))
    for kind, number in (("approval", "文1"), ("land", "文2")):
        services.step_record(
            actor=office,
            project=step_done,
            kind=kind,
            state="done",
            done_on=dt.date(2026, 1, 10),
            document_number=number,
        )
    _on_track(city, tree.plan, "XM-M", start_planned=dt.date(2026, 5, 1))  # 开工 overdue
    started = _on_track(city, tree.plan, "XM-MD", start_planned=dt.date(2026, 5, 1))
    services.milestone_complete(
        actor=city.liaison_a, project=started, kind="start", completed_on=dt.date(2026, 5, 2)
    )
    at_ratio = _on_track(city, tree.plan, "XM-80")
    month_plan(at_ratio, office, 2026, ["100", "100", "100"], actuals=["80", "80", "80"])
    below = _on_track(city, tree.plan, "XM-79")
    month_plan(below, office, 2026, ["100", "100"], actuals=["80", "79.99"])
    # June has begun but is not over: its plan does not count yet
    future = _on_track(city, tree.plan, "XM-F")
    month_plan(future, office, 2026, ["0"] * 5 + ["1000"])

    expected = {
        "XM-B": "blocked",
        "XM-U": "on_track",
        "XM-S": "lagging",
        "XM-D": "on_track",
        "XM-M": "lagging",
        "XM-MD": "on_track",
        "XM-80": "on_track",
        "XM-79": "lagging",
        "XM-F": "on_track",
    }
    rows = selectors.project_rows(office, today=JUNE)
    assert {r.project.code: r.health for r in rows} == expected  # the rule, in Python
    in_sql = selectors.board_projects(office, today=JUNE).values_list("code", "health")
    assert dict(in_sql) == expected
    for health in ("on_track", "lagging", "blocked"):
        codes = selectors.board_projects(office, health=health, today=JUNE)
        assert {p.code for p in codes} == {c for c, h in expected.items() if h == health}
    counts = selectors.health_counts_of(selectors.board_projects(office, today=JUNE))
    assert counts == {"on_track": 5, "lagging": 3, "blocked": 1}
    rows, count, total = selectors.lagging_rows(office, today=JUNE, limit=2)
    assert [r.project.code for r in rows] == ["XM-B", "XM-79"] and (count, total) == (4, 9)


def test_the_board_filters_by_leader_unit_and_health_and_pages(city, tree, login, pinned_clock):
    other = org_services.leader_create(actor=None, name="吴立新", title="副市长")
    make_project(city, tree.plan, code="XM-01", name="西湖电池厂")
    make_project(city, tree.plan, code="XM-02", name="东山物流园", lead_unit=city.town_b)
    make_project(city, tree.plan, code="XM-03", name="城北水厂", leader=other)
    client = login(city.office)
    by_unit = client.get(reverse("projects:board"), {"unit": city.town_b.pk}).content.decode()
    assert "东山物流园" in by_unit and "西湖电池厂" not in by_unit and "城北水厂" not in by_unit
    assert "资金来源：" in by_unit  # the funding source is named, not a bare 财政资金/其他
    by_leader = client.get(reverse("projects:board"), {"leader": other.pk}).content.decode()
    assert "城北水厂" in by_leader and "西湖电池厂" not in by_leader
    assert 'id="f-unit"' in by_leader and "吴立新" in by_leader
    none = client.get(reverse("projects:board"), {"health": "blocked"}).content.decode()
    assert "没有符合筛选条件的项目" in none
    for number in range(4, 55):
        make_project(city, tree.plan, code=f"XM-{number:02d}")
    first = client.get(reverse("projects:board")).content.decode()
    assert first.count("data-project=") == 50 and "共 54 条" in first
    second = client.get(reverse("projects:board"), {"page": 2}).content.decode()
    assert second.count("data-project=") == 4
    assert 'data-project="XM-03"' in second  # 吴立新's, after 周明远's 53


def test_the_api_list_filters_in_sql_and_names_a_bad_health(city, tree):
    make_project(city, tree.plan, code="XM-01")
    make_project(city, tree.plan, code="XM-02", lead_unit=city.town_b)
    api = TokenApi(city.office)
    listed = api.get("/projects", lead_unit_id=city.town_b.pk).json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == "XM-02"
    assert api.get("/projects", health="blocked").json()["count"] == 0
    paged = api.get("/projects", limit=1, offset=1).json()
    assert paged["count"] == 2 and [i["code"] for i in paged["items"]] == ["XM-02"]
    bad = api.get("/projects", health="red")
    assert bad.status_code == 422 and error_fields(bad) == {"health"}


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


@pytest.fixture
def sized(city, tree, request):
    for number in range(request.param):
        project = make_project(city, tree.plan, code=f"XM-{number:02d}")
        month_plan(project, city.office, 2026, ["100"], actuals=["90"])
        if number % 3 == 0:
            ProblemFactory(owner_unit=city.town_a, item=project.item, blocks_project=True)
    return request.param


@pytest.mark.parametrize("sized", [5, 60], indirect=True)
def test_board_api_gantt_and_cockpit_query_counts_are_the_same_at_5_and_60(
    city, tree, login, sized
):
    """The counts are pinned exactly: a list that fetched per project would grow with it."""
    client = login(city.office)
    client.get(reverse("projects:board"))  # session and shell caches warmed
    api = TokenApi(city.office)
    api.get("/projects")
    counts = {
        "board": _queries(lambda: client.get(reverse("projects:board"))),
        "blocked": _queries(lambda: client.get(reverse("projects:board"), {"health": "blocked"})),
        "gantt": _queries(lambda: client.get(reverse("projects:gantt"))),
        "api": _queries(lambda: api.get("/projects", health="lagging")),
        "cockpit": _queries(lambda: selectors.lagging_rows(city.office, plan=tree.plan)),
    }
    assert counts == {"board": 12, "blocked": 13, "gantt": 11, "api": 8, "cockpit": 5}
    rows, count, total = selectors.lagging_rows(city.office, plan=tree.plan)
    assert total == sized and count == sized and len(rows) == min(sized, 8)


def test_the_gantt_shows_one_year_and_can_be_asked_for_another(city, tree, login, pinned_clock):
    """Given projects in the 2026 plan and in the 2025 plan, When the 挂图作战 opens, Then it
    shows this year's (2026) only; ?year=2025 shows last year's; the API answers the same."""
    old = make_plan(city, year=2025)
    make_project(city, tree.plan, code="XM-26", name="今年的项目")
    make_project(city, old.plan, code="XM-25", name="去年的项目")
    client = login(city.office)
    now = client.get(reverse("projects:gantt"))
    assert now.context["year"] == 2026
    assert [line["code"] for line in now.context["chart"]["lines"]] == ["XM-26"]
    then = client.get(reverse("projects:gantt"), {"year": 2025})
    assert [line["code"] for line in then.context["chart"]["lines"]] == ["XM-25"]
    api = TokenApi(city.office)
    assert api.get("/projects/gantt").json()["year"] == 2026
    assert [x["code"] for x in api.get("/projects/gantt", year=2025).json()["lines"]] == ["XM-25"]
    assert api.get("/projects/gantt", year=99999).status_code == 422
