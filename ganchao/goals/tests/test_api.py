"""API of 盯着干 (DESIGN.md 3.7): one test per endpoint, the fixed shapes, 404 for objects of
another town, pagination, and pinned query counts on the lists."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ganchao.accounts.services import token_create
from ganchao.goals.choices import AdjustmentState, ReportState, Status
from ganchao.goals.models import Assignment, Item, Plan, ProgressReport, TargetAdjustment
from ganchao.goals.tests.factories import make_assignment, make_plan, make_report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Api:
    """A client speaking for one user through a bearer token."""

    def __init__(self, user):
        _token, key = token_create(actor=None, user=user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, data=None, **kwargs):
        return self.client.post(
            f"/api/v1{path}",
            data or {},
            content_type=kwargs.get("content_type", "application/json"),
            headers=self.headers,
        )

    def post_form(self, path, data):
        return self.client.post(f"/api/v1{path}", data, headers=self.headers)


@pytest.fixture
def tree(city):
    tree = make_plan(city)
    Assignment.objects.filter(pk=tree.ind_lead.pk).update(
        status=Status.GREEN, expected=Decimal("4153.8462"), actual=Decimal("4200")
    )
    Assignment.objects.filter(pk=tree.level_lead.pk).update(
        status=Status.RED, red_since=dt.date(2026, 4, 8)
    )
    Item.objects.filter(pk=tree.indicator.pk).update(
        status=Status.GREEN, expected=Decimal("4153.8462"), actual=Decimal("4200")
    )
    return tree


def queries(call) -> int:
    call()  # warm-up: the first request of a token also records its use
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return len(captured)


def test_plans_list_shape_and_pagination(city, tree):
    make_plan(city, year=2025)
    body = Api(city.liaison_a).get("/plans", limit=1).json()
    assert body["count"] == 2 and len(body["items"]) == 1
    first = body["items"][0]
    assert {k: first[k] for k in ("id", "year", "owner_code", "state")} == {
        "id": tree.plan.pk,
        "year": 2026,
        "owner_code": "C",
        "state": "issued",
    }
    assert first["issued_at"].endswith("+08:00")
    assert Api(city.liaison_a).get("/plans", offset=1).json()["items"][0]["year"] == 2025


def test_plans_list_runs_a_fixed_number_of_queries(city, tree):
    api = Api(city.office)
    few = queries(lambda: api.get("/plans"))
    for year in range(2010, 2020):
        make_plan(city, year=year)
    assert queries(lambda: api.get("/plans")) == few <= 6


def test_plan_tree_shape_for_the_office(city, tree):
    nodes = Api(city.office).get(f"/plans/{tree.plan.pk}/tree").json()
    assert [n["code"] for n in nodes] == ["1"]
    goal = nodes[0]
    assert set(goal) >= {"id", "code", "name", "type", "status", "expected", "actual", "children"}
    assert goal["type"] == "goal" and goal["status"] is None
    assert [c["code"] for c in goal["children"]] == ["1.1", "1.2", "1.3"]
    indicator = goal["children"][0]
    assert indicator["status"] == "green"
    assert indicator["expected"] == "4153.8462" and indicator["actual"] == "4200"
    assert goal["children"][2]["type"] == "task" and goal["children"][2]["status"] is None


def test_plan_tree_shows_a_town_only_its_items_and_their_goals(city, tree):
    nodes = Api(city.liaison_a).get(f"/plans/{tree.plan.pk}/tree").json()
    assert [c["code"] for c in nodes[0]["children"]] == ["1.1", "1.3"]


def test_plan_tree_of_another_towns_plan_is_404(city, tree):
    own_plan = Plan.objects.create(owner=city.town_b, year=2026, state="issued")
    response = Api(city.liaison_a).get(f"/plans/{own_plan.pk}/tree")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "errors"}


def test_plan_tree_runs_a_fixed_number_of_queries(city):
    small = make_plan(city, year=2025)
    api = Api(city.liaison_a)
    few = queries(lambda: api.get(f"/plans/{small.plan.pk}/tree"))
    large = make_plan(city, year=2026, extra_indicators=40)
    assert queries(lambda: api.get(f"/plans/{large.plan.pk}/tree")) == few


def test_item_detail_with_assignments(city, tree):
    body = Api(city.office).get(f"/items/{tree.indicator.pk}").json()
    assert body["code"] == "1.1" and body["type"] == "indicator" and body["status"] == "green"
    assert body["children"] == [] and body["target"] == "12000" and body["leaders"] == ["周明远"]
    by_unit = {a["unit_code"]: a for a in body["assignments"]}
    assert set(by_unit) == {"C101", "C102"}
    lead = by_unit["C101"]
    assert set(lead) >= {"id", "unit_code", "role", "status", "expected", "actual", "red_since"}
    assert lead["role"] == "lead" and lead["status"] == "green" and lead["actual"] == "4200"
    assert by_unit["C102"]["role"] == "responsible" and by_unit["C102"]["status"] is None
    assert body["calendar_provisional"] in (True, False)


def test_item_detail_of_a_goal_has_its_visible_children(city, tree):
    body = Api(city.liaison_a).get(f"/items/{tree.goal.pk}").json()
    assert body["status"] is None and [c["code"] for c in body["children"]] == ["1.1", "1.3"]


def test_item_detail_out_of_scope_is_404(city, tree):
    assert Api(city.liaison_a).get(f"/items/{tree.level_indicator.pk}").status_code == 404
    assert Api(city.liaison_b).get(f"/items/{tree.level_indicator.pk}").status_code == 200


def test_assignment_detail(city, tree):
    body = Api(city.liaison_b).get(f"/assignments/{tree.level_lead.pk}").json()
    assert body["unit_code"] == "C102" and body["status"] == "red"
    assert body["red_since"] == "2026-04-08" and body["item_code"] == "1.2"
    assert Api(city.liaison_a).get(f"/assignments/{tree.level_lead.pk}").status_code == 404


def test_assignment_reports_list_paginates(city, tree):
    for month in ("2026-01", "2026-02", "2026-03"):
        make_report(tree.ind_lead, month, value=1000)
    api = Api(city.liaison_a)
    body = api.get(f"/assignments/{tree.ind_lead.pk}/reports", limit=2).json()
    assert body["count"] == 3 and [r["period"] for r in body["items"]] == ["2026-03", "2026-02"]
    report = body["items"][0]
    assert report["state"] == "submitted" and report["value"] == "1000"
    assert report["due_date"] and report["submitted_at"].endswith("+08:00")
    assert api.get(f"/assignments/{tree.level_lead.pk}/reports").status_code == 404


def test_assignment_reports_list_runs_a_fixed_number_of_queries(city, tree):
    api = Api(city.liaison_a)
    make_report(tree.ind_lead, "2026-01", value=1)
    few = queries(lambda: api.get(f"/assignments/{tree.ind_lead.pk}/reports"))
    for month in range(2, 10):
        make_report(tree.ind_lead, f"2026-{month:02d}", value=month)
    assert queries(lambda: api.get(f"/assignments/{tree.ind_lead.pk}/reports")) == few


def test_report_create_uploads_evidence_and_submits(city, tree):
    upload = SimpleUploadedFile("台账.pdf", PDF, content_type="application/pdf")
    response = Api(city.liaison_a).post_form(
        f"/assignments/{tree.ind_lead.pk}/reports",
        {
            "period": "2026-04",
            "value": "4200",
            "narrative": "按进度推进",
            "submit": "true",
            "files": [upload],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "submitted" and body["value"] == "4200"
    assert [e["name"] for e in body["evidence"]] == ["台账.pdf"]
    assert len(body["evidence"][0]["sha256"]) == 64


def test_report_create_for_another_town_is_404_and_writes_nothing(city, tree):
    response = Api(city.liaison_a).post_form(
        f"/assignments/{tree.level_lead.pk}/reports", {"period": "2026-Q1", "value": "5.2"}
    )
    assert response.status_code == 404 and not ProgressReport.objects.exists()


def test_report_create_with_a_bad_period_is_422_in_chinese(city, tree):
    response = Api(city.liaison_a).post_form(
        f"/assignments/{tree.ind_lead.pk}/reports", {"period": "2026-13", "value": "1"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "period"


def test_report_detail(city, tree):
    report = make_report(tree.ind_lead, "2026-04", value=4200)
    body = Api(city.liaison_a).get(f"/reports/{report.pk}").json()
    assert body["id"] == report.pk and body["period"] == "2026-04" and body["evidence"] == []
    # town B is responsible on the same item but reads only its own assignment's reports
    assert Api(city.liaison_b).get(f"/reports/{report.pk}").status_code == 404
    assert Api(city.office).get(f"/reports/{report.pk}").status_code == 200


def test_report_submit(city, tree):
    draft = make_report(tree.ind_lead, "2026-04", value=4200, state=ReportState.DRAFT)
    assert Api(city.liaison_b).post(f"/reports/{draft.pk}/submit").status_code in (403, 404)
    response = Api(city.liaison_a).post(f"/reports/{draft.pk}/submit", {"expected_version": 1})
    assert response.status_code == 200 and response.json()["state"] == "submitted"


def test_report_accept_by_the_office(city, tree):
    report = make_report(tree.ind_lead, "2026-04", value=4200)
    version = {"expected_version": report.version}
    assert Api(city.liaison_a).post(f"/reports/{report.pk}/accept", version).status_code == 403
    response = Api(city.office).post(f"/reports/{report.pk}/accept", version)
    assert response.status_code == 200 and response.json()["state"] == "accepted"
    assert Api(city.office).post(f"/reports/{report.pk}/accept", version).status_code == 409


def test_report_return_needs_a_reason(city, tree):
    report = make_report(tree.ind_lead, "2026-04", value=4200)
    api = Api(city.office)
    version = report.version
    blank = {"reason": " ", "expected_version": version}
    assert api.post(f"/reports/{report.pk}/return", blank).status_code == 422
    response = api.post(
        f"/reports/{report.pk}/return", {"reason": "佐证材料不全", "expected_version": version}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "returned"
    assert response.json()["return_reason"] == "佐证材料不全"
    other = make_report(tree.level_lead, "2026-Q1", value=5)
    assert (
        Api(city.liaison_a).post(f"/reports/{other.pk}/return", {"reason": "x"}).status_code == 404
    )


def _adjustment(tree, city, assignment=None, state=AdjustmentState.REQUESTED):
    return TargetAdjustment.objects.create(
        item=tree.indicator if assignment is None else assignment.item,
        assignment=assignment,
        field="target",
        old_value="12000",
        new_value="11000",
        reason="受疫情影响",
        requested_by=city.liaison_a,
        state=state,
    )


def test_adjustments_list_is_scoped_and_paginated(city, tree):
    _adjustment(tree, city, tree.ind_lead)
    _adjustment(tree, city, tree.level_lead)
    _adjustment(tree, city)
    office = Api(city.office).get("/adjustments", limit=2).json()
    assert office["count"] == 3 and len(office["items"]) == 2
    town_a = Api(city.liaison_a).get("/adjustments").json()
    assert town_a["count"] == 2
    assert {a["unit_code"] for a in town_a["items"]} == {"C101", None}


def test_adjustments_list_runs_a_fixed_number_of_queries(city, tree):
    api = Api(city.liaison_a)
    _adjustment(tree, city, tree.ind_lead)
    few = queries(lambda: api.get("/adjustments"))
    for _n in range(6):
        _adjustment(tree, city, tree.ind_lead, state=AdjustmentState.REJECTED)
    assert queries(lambda: api.get("/adjustments")) == few


def test_adjustment_request(city, tree):
    api = Api(city.liaison_a)
    response = api.post(
        "/adjustments",
        {
            "item_id": tree.indicator.pk,
            "assignment_id": tree.ind_lead.pk,
            "field": "target",
            "new_value": "11000",
            "reason": "重大项目延期投产",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "requested" and body["new_value"] == "11000"
    assert body["unit_code"] == "C101" and body["requested_by"] == "town_a_liaison"
    out_of_scope = api.post(
        "/adjustments",
        {
            "item_id": tree.level_indicator.pk,
            "assignment_id": tree.level_lead.pk,
            "field": "target",
            "new_value": "5",
            "reason": "x",
        },
    )
    assert out_of_scope.status_code == 404


def test_adjustment_approve(city, tree):
    adjustment = _adjustment(tree, city, tree.ind_lead)
    url, version = f"/adjustments/{adjustment.pk}/approve", adjustment.version
    assert Api(city.liaison_a).post(url, {"expected_version": version}).status_code == 403
    response = Api(city.office).post(url, {"reason": "同意", "expected_version": version})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved" and response.json()["decided_by"] == "office"
    other = _adjustment(tree, city, tree.level_lead)
    other_url = f"/adjustments/{other.pk}/approve"
    assert Api(city.liaison_a).post(other_url, {"expected_version": 1}).status_code == 404


def test_adjustment_reject(city, tree):
    adjustment = _adjustment(tree, city, tree.ind_lead)
    api = Api(city.office)
    url, version = f"/adjustments/{adjustment.pk}/reject", adjustment.version
    assert api.post(url, {"reason": "", "expected_version": version}).status_code == 422
    response = api.post(url, {"reason": "理由不充分", "expected_version": version})
    assert response.status_code == 200 and response.json()["state"] == "rejected"


def test_statuses_list_filters_and_pages(city, tree):
    api = Api(city.office)
    body = api.get("/statuses", plan=tree.plan.pk, limit=2).json()
    assert body["count"] == 5 and len(body["items"]) == 2
    assert body["items"][0]["status"] == "red"  # worst first
    red = api.get("/statuses", plan=tree.plan.pk, status="red").json()
    assert [r["unit_code"] for r in red["items"]] == ["C102"]
    town = api.get("/statuses", unit="C101").json()
    assert {r["unit_code"] for r in town["items"]} == {"C101"} and town["count"] == 2
    assert api.get("/statuses", status="purple").status_code == 422


def test_statuses_list_is_scoped(city, tree):
    body = Api(city.liaison_a).get("/statuses").json()
    assert {r["unit_code"] for r in body["items"]} == {"C101"}
    assert Api(city.liaison_a).get("/statuses", plan=999999).status_code == 404


def test_statuses_list_runs_a_fixed_number_of_queries(city, tree):
    api = Api(city.liaison_a)
    few = queries(lambda: api.get("/statuses", plan=tree.plan.pk, unit="C101"))
    for number in range(10):
        item = Item.objects.create(
            plan=tree.plan,
            parent=tree.goal,
            code=f"1.{number + 20}",
            sort_key=Item.sort_key_for(f"1.{number + 20}"),
            name=f"指标{number}",
            type="indicator",
        )
        make_assignment(item, city.town_a)
    assert queries(lambda: api.get("/statuses", plan=tree.plan.pk, unit="C101")) == few
