"""Pages and API of field visits and the burden meter: scope, forms, warnings, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ganchao.goals.choices import ItemType
from ganchao.goals.tests.status_factories import assign, employment, make_item, make_plan
from ganchao.notifications.models import Notification
from ganchao.visits import burden, services
from ganchao.visits.tests.factories import record_visit

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def test_visit_pages_and_scope(city, login):
    visit = record_visit(city)
    office = login(city.office)
    assert "李庄村村委会" in office.get("/visits/").content.decode()
    page = office.get(f"/visits/{visit.pk}/").content.decode()
    assert "介绍邻村第三方保洁做法" in page and "转为督办事项并交办" in page
    town_a = login(city.liaison_a)
    assert town_a.get(f"/visits/{visit.pk}/").status_code == 200
    assert town_a.get("/visits/new/").status_code == 404
    town_b = login(city.liaison_b)
    assert town_b.get(f"/visits/{visit.pk}/").status_code == 404
    assert "李庄村村委会" not in town_b.get("/visits/").content.decode()
    assert town_b.get("/visits/burden/").status_code == 404
    assert town_b.get(f"/visits/leaders/{city.leader.pk}/").status_code == 404
    assert town_b.get("/visits/?from=bad&to=2026-13-01&leader=x&unit=%00").status_code == 200


def test_visit_form_with_repeatable_rows(city, login):
    client = login(city.leader_user)
    assert client.get("/visits/new/").status_code == 200
    data = {
        "kind": "supervision",
        "leader": str(city.leader.pk),
        "participants": "town_a_liaison",
        "unit": "C101001",
        "place_kind": "workshop",
        "place_name": "某纺织厂车间",
        "visited_on": "2026-05-06",
        "purpose": "安全生产督导",
        "findings-TOTAL_FORMS": "2",
        "findings-INITIAL_FORMS": "0",
        "findings-0-description": "消防通道堵塞",
        "findings-0-severity": "severe",
        "findings-0-unit": "",
        "findings-1-description": "",
        "findings-1-severity": "minor",
        "guidance-TOTAL_FORMS": "1",
        "guidance-INITIAL_FORMS": "0",
        "guidance-0-content": "讲解隐患排查清单",
        "demands-TOTAL_FORMS": "1",
        "demands-INITIAL_FORMS": "0",
        "demands-0-content": "",
    }
    response = client.post("/visits/new/", data)
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "消防通道堵塞" in detail and "讲解隐患排查清单" in detail and "未记录要求事项" in detail
    bad = client.post("/visits/new/", {**data, "unit": "不存在的单位", "visited_on": ""})
    assert bad.status_code == 422
    assert "error-summary" in bad.content.decode()


def test_leader_pages(city, login):
    record_visit(city, day="2026-03-10")
    client = login(city.leader_user)
    assert client.get("/visits/leaders/?year=2026").status_code == 302
    page = client.get(f"/visits/leaders/{city.leader.pk}/?year=2026").content.decode()
    assert "meter-chart-data" in page and "督导与指导兼顾" in page
    office_page = login(city.office).get("/visits/leaders/?year=2026").content.decode()
    assert "周明远" in office_page


def test_visit_list_query_count_does_not_grow(city, login):
    client = login(city.liaison_a)
    record_visit(city)
    small = _queries(client, "/visits/")
    for n in range(15):
        record_visit(city, day=f"2026-04-{n + 1:02d}", participants=[city.office])
    assert _queries(client, "/visits/") == small


# ---- burden -------------------------------------------------------------------------------------


def _notice(user, title, day, kind=""):
    at = timezone.make_aware(dt.datetime.fromisoformat(f"{day}T10:00:00"))
    return Notification.objects.create(user=user, title=title, kind=kind, created_at=at)


def test_burden_counts_each_source_and_flags_duplicates(city):
    plan = make_plan(city.root, year=2026)
    goal = make_item(plan, "1", ItemType.GOAL)
    item = employment(plan, goal)
    assign(item, city.town_a)
    _notice(city.liaison_a, "关于报送农村人居环境整治情况的通知", "2026-03-02")
    _notice(city.liaison_a, "关于报送农村人居环境整治情况的通报", "2026-03-05")
    _notice(city.liaison_a, "督办事项：x", "2026-03-05", kind="matter")
    services.burden_request_create(
        actor=city.office,
        title="就业数据",
        from_unit=city.stats,
        to_units=[city.town_a],
        sent_on=dt.date(2026, 3, 3),
        item=item,
    )
    services.burden_request_create(
        actor=city.office,
        title="另一张表",
        from_unit=city.stats,
        to_units=[city.town_a],
        sent_on=dt.date(2026, 3, 13),
        item=item,
    )
    summary = burden.burden_summary(actor=city.office, year=2026)
    row = next(r for r in summary["rows"] if r["unit_code"] == "C101")
    march = row["months"][2]
    assert (march["notice"], march["data_request"]) == (2, 2)
    # the February report falls due on the 5th working day of March
    assert march["report_request"] == 1 and row["months"][0]["report_request"] == 0
    assert (
        row["total"] == 4 + 12 - 1 + 0
    )  # 4 in March; 12 monthly reports minus December's (due 2027)
    assert march["duplicates"] == 2
    assert {d["reason"] for d in summary["duplicates"]} == {"item", "title"}
    assert not march["over"]
    town_b = burden.burden_summary(actor=city.liaison_b, year=2026)
    assert {r["unit_code"] for r in town_b["rows"]} == {"C102", "C102001"}


def test_the_threshold_warning(city, login):
    services.burden_threshold_set(actor=city.office, monthly_threshold=3)
    for n in range(4):
        _notice(
            city.village_a_user, f"通知{n}号文件主题各异{'甲乙丙丁'[n]}", f"2026-06-{n + 1:02d}"
        )
    summary = burden.burden_summary(actor=city.office, year=2026)
    row = next(r for r in summary["rows"] if r["unit_code"] == "C101001")
    assert row["months"][5]["total"] == 4 and row["months"][5]["over"] and row["over_months"] == 1
    page = login(city.office).get("/visits/burden/?year=2026").content.decode()
    assert "力戒大水漫灌式的下通知" in page and "burden-chart-data" in page


def test_burden_page_query_count_does_not_grow(city, login):
    client = login(city.office)
    _notice(city.liaison_a, "通知一", "2026-03-02")
    small = _queries(client, "/visits/burden/?year=2026")
    plan = make_plan(city.root, year=2026)
    goal = make_item(plan, "1", ItemType.GOAL)
    for n in range(5):
        item = employment(plan, goal, code=f"1.{n + 1}")
        assign(item, city.town_a)
        assign(item, city.village_b)
    for n in range(20):
        _notice(city.village_a_user, f"通知{n}", f"2026-05-{n + 1:02d}")
        services.burden_request_create(
            actor=city.office,
            title=f"表{n}",
            from_unit=city.stats,
            to_units=[city.town_b, city.village_a],
            sent_on=dt.date(2026, 6, 1),
        )
    assert _queries(client, "/visits/burden/?year=2026") == small


def test_api(city, login):
    visit = record_visit(city)
    client = login(city.office)
    listing = client.get("/api/v1/visits?unit=C101").json()
    assert listing["count"] == 1 and listing["items"][0]["demand_count"] == 2
    detail = client.get(f"/api/v1/visits/{visit.pk}").json()
    assert detail["guidance"] == ["介绍邻村第三方保洁做法"]
    created = client.post(
        "/api/v1/visits",
        {
            "leader_id": city.leader.pk,
            "unit_code": "C102001",
            "place_kind": "project_site",
            "place_name": "污水处理厂工地",
            "visited_on": "2026-07-01",
            "purpose": "项目进度调研",
            "findings": [{"description": "进度滞后", "severity": "serious"}],
            "guidance": ["协调电力接入"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["findings"][0]["unit_code"] == "C102001"
    bad = client.post(
        "/api/v1/visits",
        {
            "unit_code": "NOPE",
            "place_kind": "x",
            "place_name": "",
            "visited_on": "2026-07-01",
            "purpose": "",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    town_b = login(city.liaison_b)
    assert town_b.get(f"/api/v1/visits/{visit.pk}").status_code == 404
    burden_body = client.get("/api/v1/burden?year=2026").json()
    assert burden_body["year"] == 2026 and burden_body["threshold"] == 30
    assert len(burden_body["items"][0]["months"]) == 12
    assert client.get("/api/v1/burden?year=1").status_code == 422
