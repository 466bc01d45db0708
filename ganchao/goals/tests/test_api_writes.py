"""API twins of the plan-building pages (issue 9 item 11): one test per operation, the happy
path and one refusal, through a bearer token as a script would call them."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.goals import goal_sheet as gs
from ganchao.goals.choices import PlanState, ReportState, Role
from ganchao.goals.models import Assignment, Item, Plan, ProgressReport
from ganchao.goals.tests.factories import make_plan, make_report
from ganchao.goals.tests.sheet_builders import basic_rows, goal_sheet, report_sheet

pytestmark = pytest.mark.django_db


Api = TokenApi
_error_fields = error_fields


# ---- plans -------------------------------------------------------------------------------


def test_plan_create_makes_a_draft_and_refuses_a_second_of_the_same_year(city):
    api = Api(city.office)
    response = api.post("/plans", {"year": 2027, "name": "2027年度目标任务"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["year"], body["owner_code"], body["state"]) == (2027, "C", "draft")
    again = api.post("/plans", {"year": 2027})
    assert again.status_code == 422
    assert again.json()["errors"][0] == {"field": "year", "message": "赶超市已有2027年度计划"}
    assert Plan.objects.filter(year=2027).count() == 1


def test_plan_create_refuses_a_name_longer_than_its_column(city):
    response = Api(city.office).post("/plans", {"year": 2027, "name": "计" * 201})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "message": "名称最多 200 个字符"}]
    assert not Plan.objects.filter(year=2027).exists()


def test_plan_create_is_the_office_s(city):
    response = Api(city.liaison_a).post("/plans", {"year": 2027})
    assert response.status_code == 403
    assert not Plan.objects.filter(year=2027).exists()


def test_plan_issue_checks_lead_units_like_the_page(city):
    tree = make_plan(city, issued=False)
    api = Api(city.office)
    Assignment.objects.filter(item=tree.task, role=Role.LEAD).delete()
    refused = api.post(f"/plans/{tree.plan.pk}/issue", {"expected_version": 1})
    assert refused.status_code == 422
    assert "1.3" in refused.json()["message"]
    Assignment.objects.create(item=tree.task, unit=city.town_a, role=Role.LEAD)
    issued = api.post(f"/plans/{tree.plan.pk}/issue", {"expected_version": 1})
    assert issued.status_code == 200, issued.content
    assert issued.json()["state"] == "issued"
    twice = api.post(f"/plans/{tree.plan.pk}/issue", {"expected_version": 2})
    assert twice.status_code == 409


def test_plan_close_ends_an_issued_plan_and_reports_stop(city):
    tree = make_plan(city)
    api = Api(city.office)
    version = tree.plan.version
    closed = api.post(
        f"/plans/{tree.plan.pk}/close", {"reason": "年度考核结束", "expected_version": version}
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == "closed"
    again = api.post(f"/plans/{tree.plan.pk}/close", {"expected_version": version + 1})
    assert again.status_code == 409
    assert "已结束" in again.json()["message"]
    report = Api(city.liaison_a).multipart(
        f"/assignments/{tree.ind_lead.pk}/reports", {"period": "2026-04", "value": "4200"}
    )
    assert report.status_code == 422
    assert report.json()["errors"][0]["message"] == "该计划已结束，不能再报送"


def test_plan_of_another_city_is_404_for_a_liaison(city):
    tree = make_plan(city, issued=False)
    response = Api(city.liaison_b).post(f"/plans/{tree.plan.pk}/issue")
    assert response.status_code in (403, 404)
    assert Plan.objects.get(pk=tree.plan.pk).state == PlanState.DRAFT


# ---- items, milestones, assignments ---------------------------------------------------------


def test_item_create_with_its_lead_unit_and_a_bad_code(city):
    tree = make_plan(city, issued=False)
    api = Api(city.office)
    body = {
        "code": "1.4",
        "type": "indicator",
        "name": "规上工业增加值增速",
        "measure_unit": "%",
        "target": "8.5",
        "nature": "level",
        "lead_unit_code": "C102",
    }
    response = api.post(f"/plans/{tree.plan.pk}/items", body)
    assert response.status_code == 201, response.content
    item = Item.objects.get(pk=response.json()["id"])
    assert item.assignments.get().unit == city.town_b
    bad = api.post(f"/plans/{tree.plan.pk}/items", {**body, "code": "1.9.9"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0] == {"field": "code", "message": "上级编号“1.9”不存在"}
    unknown = api.post(
        f"/plans/{tree.plan.pk}/items", {**body, "code": "1.5", "lead_unit_code": "X"}
    )
    assert unknown.status_code == 422 and _error_fields(unknown) == {"lead_unit_code"}
    assert not Item.objects.filter(code="1.5").exists()


def test_item_edit_changes_a_field_and_refuses_a_target_after_issue(city):
    tree = make_plan(city)
    api = Api(city.office)
    version = tree.indicator.version
    renamed = api.call(
        "PATCH",
        f"/items/{tree.indicator.pk}",
        {"name": "城镇新增就业人数", "expected_version": version},
    )
    assert renamed.status_code == 200, renamed.content
    assert Item.objects.get(pk=tree.indicator.pk).name == "城镇新增就业人数"
    change = {"target": "13000", "q4": "13000", "expected_version": version + 1}
    refused = api.call("PATCH", f"/items/{tree.indicator.pk}", change)
    assert refused.status_code == 422
    assert "请通过目标调整办理" in refused.json()["message"]
    stale = api.call("PATCH", f"/items/{tree.indicator.pk}", {"note": "x", "expected_version": 0})
    assert stale.status_code == 409


def test_item_milestones_are_replaced_before_issue_and_refused_after(city):
    draft = make_plan(city, year=2027, issued=False)
    api = Api(city.office)
    steps = [
        {"due_date": "2027-04-30", "description": "完成立项"},
        {"due_date": "2027-12-31", "description": "建成投用"},
    ]
    body = {"milestones": steps, "expected_version": draft.task.version}
    response = api.call("PUT", f"/items/{draft.task.pk}/milestones", body)
    assert response.status_code == 200, response.content
    dates = list(draft.task.milestones.order_by("position").values_list("due_date", flat=True))
    assert dates == [dt.date(2027, 4, 30), dt.date(2027, 12, 31)]
    issued = make_plan(city)
    steps = [{"due_date": "2026-04-30", "description": "完成立项"}]
    body = {"milestones": steps, "expected_version": issued.task.version}
    moved = api.call("PUT", f"/items/{issued.task.pk}/milestones", body)
    assert moved.status_code == 422
    assert "请通过目标调整办理" in moved.json()["message"]


def test_item_assignments_adds_a_unit_and_refuses_a_second_lead(city):
    tree = make_plan(city, issued=False)
    api = Api(city.office)
    added = api.post(
        f"/items/{tree.level_indicator.pk}/assignments",
        {"unit_code": "C101", "role": "responsible", "target": "5.0", "contact": "李四"},
    )
    assert added.status_code == 201, added.content
    assert added.json()["unit_code"] == "C101"
    second_lead = api.post(
        f"/items/{tree.level_indicator.pk}/assignments", {"unit_code": "C003", "role": "lead"}
    )
    assert second_lead.status_code == 422
    assert second_lead.json()["errors"][0]["message"] == "每项目标任务只能有一个牵头单位"


def test_assignment_edit_changes_the_people_and_checks_the_version(city):
    tree = make_plan(city)
    api = Api(city.office)
    path = f"/assignments/{tree.ind_lead.pk}"
    changed = api.call("PATCH", path, {"responsible_person": "王五", "expected_version": 1})
    assert changed.status_code == 200, changed.content
    assert Assignment.objects.get(pk=tree.ind_lead.pk).responsible_person == "王五"
    stale = api.call("PATCH", path, {"contact": "赵六", "expected_version": 1})
    assert stale.status_code == 409
    assert Assignment.objects.get(pk=tree.ind_lead.pk).contact == "张三"


# ---- reports -----------------------------------------------------------------------------


def test_report_with_milestone_completions_through_multipart(city):
    tree = make_plan(city)
    first = tree.milestones[0]
    response = Api(city.liaison_a).multipart(
        f"/assignments/{tree.task_lead.pk}/reports",
        {
            "period": "2026-03",
            "narrative": "已完成立项批复",
            "completions": json.dumps({str(first.pk): "2026-03-28"}),
            "submit": "true",
        },
    )
    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get(pk=response.json()["id"])
    assert report.state == ReportState.SUBMITTED
    assert [(c.milestone_id, c.completed_on) for c in report.completions.all()] == [
        (first.pk, dt.date(2026, 3, 28))
    ]
    bad = Api(city.liaison_a).multipart(
        f"/assignments/{tree.task_lead.pk}/reports",
        {"period": "2026-04", "completions": "3月28日"},
    )
    assert bad.status_code == 422 and _error_fields(bad) == {"completions"}


def test_report_correct_makes_a_new_version_and_needs_a_reason(city):
    tree = make_plan(city)
    accepted = make_report(tree.ind_lead, "2026-04", value="4200", state=ReportState.ACCEPTED)
    api = Api(city.liaison_a)
    version = accepted.version
    no_reason = api.post(
        f"/reports/{accepted.pk}/correct",
        {"value": "4300", "reason": " ", "expected_version": version},
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0] == {
        "field": "reason",
        "message": "不能只包含空白或不可见字符",
    }
    corrected = api.post(
        f"/reports/{accepted.pk}/correct",
        {"value": "4300", "reason": "统计口径更正", "expected_version": version},
    )
    assert corrected.status_code == 201, corrected.content
    assert corrected.json()["state"] == "submitted"
    assert ProgressReport.objects.get(pk=accepted.pk).state == ReportState.ACCEPTED


# ---- sheets ------------------------------------------------------------------------------


def test_goal_sheet_dry_run_writes_nothing_then_imports(city):
    plan = Plan.objects.create(owner=city.root, year=2026, name="2026年度目标任务")
    api = Api(city.office)
    data = goal_sheet(basic_rows())

    def upload(dry_run):
        sheet = SimpleUploadedFile("目标.xlsx", data)
        return api.multipart(
            f"/plans/{plan.pk}/goal-sheet", {"file": sheet, "dry_run": str(dry_run).lower()}
        )

    preview = upload(True)
    assert preview.status_code == 200, preview.content
    assert preview.json()["dry_run"] is True and preview.json()["created"] > 0
    assert not Item.objects.filter(plan=plan).exists()
    done = upload(False)
    assert done.status_code == 200, done.content
    assert Item.objects.filter(plan=plan).count() == done.json()["created"]
    assert Api(city.liaison_a).multipart(
        f"/plans/{plan.pk}/goal-sheet", {"file": SimpleUploadedFile("目标.xlsx", data)}
    ).status_code in (403, 404)


def test_goal_sheet_with_errors_is_422_naming_the_cell(city):
    plan = Plan.objects.create(owner=city.root, year=2026)
    rows = basic_rows()
    rows[1][gs.TARGET] = "很多"
    response = Api(city.office).multipart(
        f"/plans/{plan.pk}/goal-sheet", {"file": SimpleUploadedFile("目标.xlsx", goal_sheet(rows))}
    )
    assert response.status_code == 422
    assert any("第" in e["field"] and "行" in e["field"] for e in response.json()["errors"])
    assert not Item.objects.filter(plan=plan).exists()


def test_report_sheet_imports_values_as_submitted_reports(city):
    tree = make_plan(city)
    data = report_sheet([{"编号": "1.1", "期间": "2026-04", "数值": 4200}])
    response = Api(city.office).multipart(
        f"/plans/{tree.plan.pk}/report-sheet", {"file": SimpleUploadedFile("进展.xlsx", data)}
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    refused = Api(city.liaison_b).multipart(
        f"/plans/{tree.plan.pk}/report-sheet", {"file": SimpleUploadedFile("进展.xlsx", data)}
    )
    assert refused.status_code == 404


def test_the_plan_page_closes_a_plan(city, login):
    tree = make_plan(city)
    client = login(city.office)
    confirm = client.get(f"/goals/plans/{tree.plan.pk}/close/")
    assert confirm.status_code == 200 and "确认结束计划" in confirm.content.decode()
    response = client.post(f"/goals/plans/{tree.plan.pk}/close/", {"version": "1"})
    assert response.status_code == 302
    assert Plan.objects.get(pk=tree.plan.pk).state == PlanState.CLOSED
    page = client.get(f"/goals/plans/{tree.plan.pk}/")
    assert "已结束" in page.content.decode()
    assert login(city.liaison_a).get(f"/goals/plans/{tree.plan.pk}/close/").status_code == 404
