"""The 服务企业 API: every endpoint once, the refusals as 422/403/404/409, the public rating
without an account, and the lists' query counts pinned at two sizes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.enterprises import services
from ganchao.enterprises.tests.conftest import CODES, valid_code

pytestmark = pytest.mark.django_db


def test_enterprise_create_read_update(ecity):
    api = TokenApi(ecity.office)
    body = {
        "name": "腾讯西湖分公司",
        "credit_code": CODES[1],
        "sector": "software",
        "scale": "large",
        "town_id": ecity.town_a.pk,
    }
    made = api.post("/enterprises", body)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    bad = api.post("/enterprises", {**body, "credit_code": "9144030071526726X3"})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "credit_code", "message": "校验位（第18位）应为G"}]
    assert api.get(f"/enterprises/{pk}").json()["credit_code"] == CODES[1]
    blind = api.call("PATCH", f"/enterprises/{pk}", {"phone": "1"})
    assert blind.status_code == 428
    patched = api.call("PATCH", f"/enterprises/{pk}", {"phone": "0000-1", "expected_version": 1})
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = api.call("PATCH", f"/enterprises/{pk}", {"phone": "0000-2", "expected_version": 1})
    assert stale.status_code == 409
    listed = api.get("/enterprises", q="腾讯")
    assert listed.json()["count"] == 1


def test_other_town_gets_404(ecity):
    api = TokenApi(ecity.liaison_b)
    assert api.get(f"/enterprises/{ecity.enterprise.pk}").status_code == 404
    appeal = ecity.receive()
    assert api.get(f"/appeals/{appeal.pk}").status_code == 404
    assert api.post(f"/appeals/{appeal.pk}/acknowledge", {}).status_code == 404


def test_commissioners_and_visits(ecity):
    api = TokenApi(ecity.liaison_a)
    path = f"/enterprises/{ecity.enterprise.pk}/commissioners"
    made = api.post(path, {"user_id": ecity.commissioner_b.pk})
    assert made.status_code == 201
    assert api.post(path, {"user_id": ecity.commissioner_b.pk}).status_code == 409
    assert api.get(path).json()["count"] == 2
    ended = api.post(f"{path}/{made.json()['id']}/end", {})
    assert ended.status_code == 200 and ended.json()["end_on"]
    visits = f"/enterprises/{ecity.enterprise.pk}/visits"
    mine = TokenApi(ecity.commissioner)
    assert mine.post(visits, {"visited_on": "2026-11-02", "notes": "走访"}).status_code == 201
    assert api.post(visits, {"visited_on": "2026-11-02", "notes": "走访"}).status_code == 403
    assert mine.get(visits).json()["count"] == 1


def test_appeal_steps_through_the_api_and_the_public_rating(ecity):
    commissioner, owner = TokenApi(ecity.commissioner), TokenApi(ecity.stats_liaison)
    made = commissioner.post(
        "/appeals",
        {
            "enterprise_id": ecity.enterprise.pk,
            "title": "招工难",
            "content": "急需技工50名",
            "category": "labour",
            "owner_unit_id": ecity.stats.pk,
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    pk = body["id"]
    assert [c["tier"] for c in body["clocks"]] == ["acknowledge", "plan", "resolve"]
    assert body["clocks"][0]["due"].endswith("+08:00")
    assert owner.post(f"/appeals/{pk}/plan", {"plan": "x"}).status_code == 409
    assert commissioner.post(f"/appeals/{pk}/acknowledge", {}).status_code == 403
    assert owner.post(f"/appeals/{pk}/acknowledge", {}).status_code == 200
    assert owner.post(f"/appeals/{pk}/plan", {"plan": ""}).status_code == 422
    assert owner.post(f"/appeals/{pk}/plan", {"plan": "对接人社局招聘会"}).status_code == 200
    done = owner.post(f"/appeals/{pk}/resolve", {"resolution": "已招到48名"})
    assert done.json()["state"] == "resolved"
    assert commissioner.post(f"/appeals/{pk}/close", {}).json()["state"] == "closed"
    link = commissioner.post(f"/appeals/{pk}/rating-link")
    assert link.status_code == 201
    token = link.json()["url"].rstrip("/").rsplit("/", 1)[1]
    public = Client(enforce_csrf_checks=True)
    rated = public.post(
        f"/api/v1/enterprise-ratings/{token}",
        {"rating": 5, "comment": "很满意"},
        content_type="application/json",
    )
    assert rated.status_code == 201, rated.content
    again = public.post(
        f"/api/v1/enterprise-ratings/{token}", {"rating": 1}, content_type="application/json"
    )
    assert again.status_code == 409
    assert commissioner.get(f"/appeals/{pk}").json()["rating"] == 5
    bad = public.post(
        "/api/v1/enterprise-ratings/nope", {"rating": 3}, content_type="application/json"
    )
    assert bad.status_code == 404


def test_bad_input_names_the_field(ecity):
    api = TokenApi(ecity.commissioner)
    response = api.post(
        "/appeals",
        {
            "enterprise_id": ecity.enterprise.pk,
            "title": "x",
            "content": "y",
            "category": "nonsense",
            "owner_unit_id": ecity.stats.pk,
        },
    )
    assert response.status_code == 422 and error_fields(response) == {"category"}


def _fill(ecity, start, n):
    for i in range(start, start + n):
        enterprise = ecity.make_enterprise(f"测试企业{i:03d}", valid_code(i))
        services.commissioner_assign(
            actor=ecity.office, enterprise=enterprise, user=ecity.commissioner
        )
        ecity.receive(enterprise=enterprise, title=f"诉求{i}")


def _count(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return len(captured)


LISTS = ["/enterprises", "/appeals", "/enterprise-scorecards"]


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow(ecity, path):
    api = TokenApi(ecity.commissioner)
    _fill(ecity, 1, 3)
    api.get(path)  # the token's first use is recorded once
    small = _count(lambda: api.get(path))
    _fill(ecity, 10, 27)
    large = _count(lambda: api.get(path))
    assert small == large <= 12


def test_settings_api(ecity):
    office = TokenApi(ecity.office)
    assert office.get("/enterprise-settings").json()["resolve_days"] == 15
    assert office.call("PATCH", "/enterprise-settings", {"resolve_days": 10}).status_code == 428
    done = office.call("PATCH", "/enterprise-settings", {"resolve_days": 10, "expected_version": 1})
    assert done.status_code == 200 and done.json()["resolve_days"] == 10
    liaison = TokenApi(ecity.liaison_a)
    denied = liaison.call(
        "PATCH", "/enterprise-settings", {"resolve_days": 9, "expected_version": 2}
    )
    assert denied.status_code == 403
