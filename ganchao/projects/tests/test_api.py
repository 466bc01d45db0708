"""One test per endpoint of /api/v1/projects…, the errors of DESIGN 3.7, and scope."""

import pytest

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.goals.tests.factories import make_plan
from ganchao.problems.tests.factories import ProblemFactory
from ganchao.projects.tests.factories import make_project, month_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(city):
    return make_plan(city)


@pytest.fixture
def project(city, tree):
    return make_project(city, tree.plan)


def test_post_creates_a_project_and_names_a_bad_field(city, tree):
    api = TokenApi(city.office)
    body = {
        "plan_id": tree.plan.pk,
        "parent_code": "1",
        "code": "XM-09",
        "name": "城东综合管廊",
        "leader_id": city.leader.pk,
        "lead_unit_id": city.town_b.pk,
        "category": "infrastructure",
        "funding_source": "special_bond",
        "total_investment": "80000",
        "annual_plan": "20000",
        "start_planned": "2026-04-01",
        "completion_planned": "2027-06-30",
        "steps": {"approval": "2026-02-01"},
    }
    response = api.post("/projects", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["item_code"] == "1.4" and data["lead_unit"] == "东山镇"
    assert [m["kind"] for m in data["milestones"]] == ["start", "completion"]
    assert [m["in_plan"] for m in data["milestones"]] == [True, False]
    assert data["steps"][0]["planned_on"] == "2026-02-01"
    response = api.post("/projects", {**body, "code": "XM-10", "annual_plan": "90000"})
    assert response.status_code == 422 and error_fields(response) == {"annual_plan"}
    assert TokenApi(city.liaison_a).post("/projects", {**body, "code": "X1"}).status_code == 403


def test_list_detail_and_scope(city, tree, project):
    other = make_project(city, tree.plan, code="XM-02", lead_unit=city.town_b)
    listed = TokenApi(city.office).get("/projects").json()
    assert listed["count"] == 2 and {i["code"] for i in listed["items"]} == {"XM-01", "XM-02"}
    town_a = TokenApi(city.liaison_a)
    assert [i["code"] for i in town_a.get("/projects").json()["items"]] == ["XM-01"]
    assert town_a.get(f"/projects/{other.pk}").status_code == 404
    detail = town_a.get(f"/projects/{project.pk}").json()
    assert detail["health"] == "lagging" and "立项" in detail["overdue"]


def test_list_filters_by_health_and_shows_blocking_problems(city, tree, project):
    problem = ProblemFactory(owner_unit=city.town_a, item=project.item, blocks_project=True)
    api = TokenApi(city.office)
    items = api.get("/projects", health="blocked").json()["items"]
    assert [i["blocking"][0]["number"] for i in items] == [problem.number]
    assert api.get("/projects", health="on_track").json()["count"] == 0


def test_patch_needs_the_version_and_conflicts_on_a_stale_one(city, project):
    api = TokenApi(city.office)
    assert api.call("PATCH", f"/projects/{project.pk}", {"location": "东区"}).status_code == 428
    ok = api.call("PATCH", f"/projects/{project.pk}", {"location": "东区", "expected_version": 1})
    assert ok.status_code == 200 and ok.json()["location"] == "东区"
    stale = api.call(
        "PATCH", f"/projects/{project.pk}", {"location": "西区", "expected_version": 1}
    )
    assert stale.status_code == 409


def test_steps_are_listed_and_recorded(city, project):
    api = TokenApi(city.liaison_a)
    assert [s["label"] for s in api.get(f"/projects/{project.pk}/steps").json()] == [
        "立项",
        "用地",
        "环评",
        "施工许可",
    ]
    response = api.post(
        f"/projects/{project.pk}/steps/approval",
        {
            "state": "done",
            "done_on": "2026-01-10",
            "document_number": "赶发改审批〔2026〕3号",
            "planned_on": "2026-01-15",
            "expected_version": 1,
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "done" and response.json()["version"] == 2
    refused = TokenApi(city.liaison_b).post(
        f"/projects/{project.pk}/steps/land", {"state": "done", "expected_version": 1}
    )
    assert refused.status_code == 404  # 东山镇 cannot see 西湖镇's project


def test_a_step_recorded_on_a_stale_version_is_refused(city, project):
    """Given 立项 changed since the client read it, When the client records it on the version
    it read, Then 409 with the reason, and the step keeps the other write; without any version
    the API asks for one (428)."""
    api = TokenApi(city.liaison_a)
    url = f"/projects/{project.pk}/steps/approval"
    first = api.post(url, {"state": "in_progress", "expected_version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api.post(url, {"state": "pending", "expected_version": 1})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    assert api.get(f"/projects/{project.pk}/steps").json()[0]["state"] == "in_progress"
    assert api.post(url, {"state": "pending"}).status_code == 428


def test_a_done_step_leaves_done_only_when_its_record_is_taken_back(city, project):
    api = TokenApi(city.liaison_a)
    url = f"/projects/{project.pk}/steps/approval"
    done = {"state": "done", "done_on": "2026-01-10", "document_number": "赶发改审批〔2026〕3号"}
    assert api.post(url, {**done, "expected_version": 1}).status_code == 200
    refused = api.post(url, {"state": "in_progress", "expected_version": 2})
    assert refused.status_code == 422 and error_fields(refused) == {"state"}
    assert (
        api.get(f"/projects/{project.pk}/steps").json()[0]["document_number"]
        == done["document_number"]
    )
    taken_back = api.post(url, {"state": "in_progress", "reopen": True, "expected_version": 2})
    assert taken_back.status_code == 200, taken_back.content
    assert (taken_back.json()["state"], taken_back.json()["done_on"]) == ("in_progress", None)


def test_investment_is_listed_and_recorded(city, project):
    office = TokenApi(city.office)
    created = office.post(
        f"/projects/{project.pk}/investment",
        {"month": "2026-05", "planned": "1500", "expected_version": 0},
    )
    assert created.status_code == 200 and created.json()["planned"] == "1500.00"
    liaison = TokenApi(city.liaison_a)
    updated = liaison.post(
        f"/projects/{project.pk}/investment",
        {"month": "2026-05", "actual": "1320.5", "expected_version": 1},
    )
    assert updated.json() == {
        "month": "2026-05",
        "planned": "1500.00",
        "actual": "1320.50",
        "version": 2,
    }
    forbidden = liaison.post(
        f"/projects/{project.pk}/investment",
        {"month": "2026-06", "planned": "1", "expected_version": 0},
    )
    assert forbidden.status_code == 403
    assert [m["month"] for m in liaison.get(f"/projects/{project.pk}/investment").json()] == [
        "2026-05"
    ]


def test_milestone_complete_goes_through_the_goal_report(city, project, pinned_clock):
    response = TokenApi(city.liaison_a).post(
        f"/projects/{project.pk}/milestones/start/complete", {"completed_on": "2026-03-04"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["period"] == "2026-03" and response.json()["state"] == "submitted"
    detail = TokenApi(city.office).get(f"/projects/{project.pk}").json()
    assert detail["milestones"][0]["done_on"] == "2026-03-04"


def test_gantt_data_per_leader(city, tree, project):
    month_plan(project, city.office, 2026, ["1000", "1000"], actuals=["900"])
    data = TokenApi(city.leader_user).get("/projects/gantt").json()
    assert data["year"] == 2026
    line = data["lines"][0]
    assert (line["leader"], line["code"], line["start"], line["end"]) == (
        "周明远",
        "XM-01",
        "2026-03-01",
        "2027-03-31",
    )
    assert {m["name"] for m in line["marks"]} >= {"开工", "竣工", "投产", "立项", "用地"}
    assert data["planned"][:2] == ["1000.00", "1000.00"] and data["actual"][0] == "900.00"


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_does_not_grow(city, tree, size, django_assert_max_num_queries):
    for number in range(size):
        project = make_project(city, tree.plan, code=f"XM-{number:02d}")
        month_plan(project, city.office, 2026, ["100"], actuals=["90"])
        ProblemFactory(owner_unit=city.town_a, item=project.item, blocks_project=True)
    api = TokenApi(city.office)
    with django_assert_max_num_queries(10):
        assert api.get("/projects", limit=100).json()["count"] == size
    with django_assert_max_num_queries(10):
        assert len(api.get("/projects/gantt").json()["lines"]) == size
