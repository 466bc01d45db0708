"""The API contract of DESIGN.md 3.7 for the foundation endpoints."""

import pytest
from django.test import Client

from ganchao.accounts.services import token_create
from ganchao.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(city):
    _token, key = token_create(actor=None, user=city.liaison_a)
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_token_endpoint_returns_201_and_a_working_token(city):
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "town_a_liaison", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    me = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me").json()
    assert (
        me["username"] == "town_a_liaison"
        and me["unit_code"] == "C101"
        and me["roles"] == ["liaison"]
    )


def test_token_endpoint_refuses_bad_password_and_locks_after_five(city):
    client = Client()
    for attempt in range(5):
        response = client.post(
            "/api/v1/auth/token",
            {"username": "town_a_liaison", "password": "nope-Nope1"},
            content_type="application/json",
        )
        assert response.status_code == (401 if attempt < 4 else 403)
        assert set(response.json()) == {"code", "message", "errors"}
    response = client.post(
        "/api/v1/auth/token",
        {"username": "town_a_liaison", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403 and "锁定" in response.json()["message"]


def test_missing_token_is_401_in_the_error_shape(city):
    response = Client().get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated" and response.json()["errors"] == []


def test_validation_errors_are_422_in_chinese(api):
    response = api.get("/api/v1/units?limit=abc")
    body = response.json()
    assert response.status_code == 422
    assert body["errors"][0]["field"] == "limit" and "整数" in body["errors"][0]["message"]


def test_units_list_shape_and_paging(api):
    body = api.get("/api/v1/units?limit=3&offset=1").json()
    assert body["count"] == 8 and len(body["items"]) == 3
    item = api.get("/api/v1/units?q=西湖").json()["items"][0]
    assert {"id", "code", "name", "type", "parent_code", "category", "aliases", "active"} <= set(
        item
    )
    assert item["code"] == "C101" and item["type"] == "town" and item["parent_code"] == "C"


def test_units_filters(api):
    towns = api.get("/api/v1/units?type=town").json()
    assert {u["code"] for u in towns["items"]} == {"C101", "C102"}
    assert api.get("/api/v1/units?type=镇").json()["count"] == 2
    assert {u["code"] for u in api.get("/api/v1/units?parent_code=C101").json()["items"]} == {
        "C101001"
    }
    assert api.get("/api/v1/units?q=统计局").json()["items"][0]["aliases"] == ["统计局"]


def test_units_tree_is_nested(api):
    tree = api.get("/api/v1/units/tree").json()
    assert len(tree) == 1 and tree[0]["code"] == "C"
    town = next(n for n in tree[0]["children"] if n["code"] == "C101")
    assert [c["code"] for c in town["children"]] == ["C101001"]


def test_unit_detail_and_404(api, city):
    body = api.get(f"/api/v1/units/{city.village_a.pk}").json()
    assert body["code"] == "C101001" and [a["code"] for a in body["ancestors"]] == ["C", "C101"]
    response = api.get("/api/v1/units/999999")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_leaders_list(api):
    body = api.get("/api/v1/leaders").json()
    assert body["count"] == 1
    assert (
        body["items"][0]["name"] == "周明远" and body["items"][0]["areas"][0]["unit_code"] == "C101"
    )


def test_audit_events_for_the_auditor(city):
    _token, key = token_create(actor=None, user=city.auditor)
    body = (
        Client(headers={"Authorization": f"Bearer {key}"})
        .get("/api/v1/audit/events?action=unit.create&limit=2")
        .json()
    )
    assert body["count"] == 8 and len(body["items"]) == 2
    assert body["items"][0]["at"].endswith("+08:00")


def test_openapi_and_offline_docs(api):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in schema["paths"] and "/api/v1/auth/token" in schema["paths"]
    docs = Client().get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/" in docs


def test_units_are_found_by_a_chinese_alias_on_every_database(api, city):
    from ganchao.orgs.models import Unit

    Unit.objects.filter(code="C101").update(aliases=["湖区", "Xihu"])
    found = api.get("/api/v1/units?q=湖区").json()
    assert [u["code"] for u in found["items"]] == ["C101"]
    assert [u["code"] for u in api.get("/api/v1/units?q=xihu").json()["items"]] == ["C101"]
