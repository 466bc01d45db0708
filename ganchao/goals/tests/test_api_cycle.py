"""A script drives the whole cycle without the browser (DESIGN.md 3.1): the office builds and
issues a plan, the units report (a value; milestone completions), the office accepts and
returns, a tick evaluates, a correction follows, and the office closes the year — every step
an API call."""

import json

import pytest
from django.core.management import call_command

from ganchao.common.tests.api_client import TokenApi

pytestmark = pytest.mark.django_db


def _ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_a_year_driven_through_the_api(city):
    office, town_a, town_b = (
        TokenApi(city.office),
        TokenApi(city.liaison_a),
        TokenApi(city.liaison_b),
    )

    plan = _ok(office.post("/plans", {"year": 2026, "name": "2026年度目标任务"}), 201)
    items = f"/plans/{plan['id']}/items"
    _ok(office.post(items, {"code": "1", "type": "goal", "name": "经济发展"}), 201)
    indicator = _ok(
        office.post(
            items,
            {
                "code": "1.1",
                "type": "indicator",
                "name": "新增城镇就业",
                "measure_unit": "人",
                "target": "12000",
                "q1": "3000",
                "q2": "6500",
                "q3": "9500",
                "q4": "12000",
                "lead_unit_code": "C101",
            },
        ),
        201,
    )
    task = _ok(
        office.post(
            items,
            {
                "code": "1.2",
                "type": "task",
                "name": "建成便民服务中心",
                "milestones": [
                    {"due_date": "2026-03-31", "description": "完成选址"},
                    {"due_date": "2026-12-31", "description": "建成投用"},
                ],
                "lead_unit_code": "C102",
            },
        ),
        201,
    )
    _ok(
        office.post(
            f"/items/{indicator['id']}/assignments",
            {"unit_code": "C102", "role": "responsible", "target": "5000"},
        ),
        201,
    )
    issued = _ok(office.post(f"/plans/{plan['id']}/issue", {"expected_version": plan["version"]}))
    assert issued["state"] == "issued"

    detail = _ok(town_a.get(f"/items/{indicator['id']}"))
    lead = next(a for a in detail["assignments"] if a["unit_code"] == "C101")
    report = _ok(
        town_a.multipart(
            f"/assignments/{lead['id']}/reports",
            {"period": "2026-04", "value": "4200", "narrative": "招聘会两场", "submit": "true"},
        ),
        201,
    )
    task_detail = _ok(town_b.get(f"/items/{task['id']}"))
    first = task_detail["milestones"][0]
    task_lead = task_detail["assignments"][0]
    task_report = _ok(
        town_b.multipart(
            f"/assignments/{task_lead['id']}/reports",
            {
                "period": "2026-03",
                "narrative": "选址已批复",
                "completions": json.dumps({str(first["id"]): "2026-03-30"}),
                "submit": "true",
            },
        ),
        201,
    )
    accepted = _ok(
        office.post(f"/reports/{report['id']}/accept", {"expected_version": report["version"]})
    )
    assert accepted["state"] == "accepted"
    returned = office.post(
        f"/reports/{task_report['id']}/return",
        {"reason": "请附批复文件", "expected_version": task_report["version"]},
    )
    assert _ok(returned)["state"] == "returned"

    call_command("tick", "--at", "2026-05-11T12:00:00+08:00")
    tree = _ok(office.get(f"/plans/{plan['id']}/tree"))
    statuses = {child["code"]: child["status"] for child in tree[0]["children"]}
    assert statuses == {"1.1": "green", "1.2": "not_reported"}

    corrected = town_a.post(
        f"/reports/{report['id']}/correct",
        {"value": "4300", "reason": "补录一场招聘会", "expected_version": accepted["version"]},
    )
    assert _ok(corrected, 201)["state"] == "submitted"
    close = {"reason": "年度结束", "expected_version": issued["version"]}
    assert _ok(office.post(f"/plans/{plan['id']}/close", close))["state"] == "closed"
    late = town_b.multipart(
        f"/assignments/{task_lead['id']}/reports", {"period": "2026-05", "narrative": "x"}
    )
    assert late.status_code == 422
