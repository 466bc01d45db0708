"""No 500 for any input (issue 12 item 8): the probe's requests, each answered with the API's JSON
error body in Chinese naming the field, or a page that ignores the filter; never a server error
and never an HTML body under /api/."""

import json

import pytest
from django.test import Client

from config.api import api as ninja_api
from ganchao.common.api import PERIOD_PATTERN, is_blank
from ganchao.common.tests.api_client import TokenApi
from ganchao.goals.tests.factories import make_plan
from ganchao.orgs.models import Unit

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
BEYOND_BIGINT = str(2**63)


def _openapi():
    return ninja_api.get_openapi_schema()


def _list_operations():
    """Every GET of the OpenAPI document that takes ?offset= (a paged list)."""
    for path, operations in _openapi()["paths"].items():
        get = operations.get("get")
        if get and any(p["name"] == "offset" for p in get.get("parameters", [])):
            yield path, get


def _concrete(path: str) -> str:
    """A path of the document with every {param} filled (ids 1, codes and periods plausible)."""
    values = {"period": "2026-Q1", "code": "TOWN-Q", "year": "2026"}
    for name in [part.strip("{}") for part in path.split("/") if part.startswith("{")]:
        path = path.replace("{" + name + "}", values.get(name, "1"))
    return path


def _assert_error(response, status: int, field: str | None = None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    if field is not None:
        assert field in {e["field"] for e in body["errors"]}, body


def test_an_offset_of_two_to_the_63_on_statuses_is_a_422_naming_offset(city):
    response = TokenApi(city.office).get("/statuses", offset=BEYOND_BIGINT)
    _assert_error(response, 422, "offset")


def test_every_list_of_the_document_refuses_an_offset_beyond_the_database(city):
    """Generated from the OpenAPI document: a new list is covered without anyone remembering."""
    client = TokenApi(city.office)
    lists = list(_list_operations())
    assert len(lists) > 40
    for path, _operation in lists:
        response = client.client.get(
            _concrete(path), {"offset": BEYOND_BIGINT}, headers=client.headers
        )
        _assert_error(response, 422, "offset")


def test_every_integer_parameter_of_the_document_is_bounded():
    for path, operations in _openapi()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                variants = schema.get("anyOf", [schema])
                for variant in variants:
                    if variant.get("type") == "integer":
                        assert "maximum" in variant and "minimum" in variant, (
                            method,
                            path,
                            parameter["name"],
                        )


@pytest.mark.parametrize("path", ["/reports/review", "/adjustments"])
def test_an_item_filter_beyond_any_id_is_a_422_naming_item(city, path):
    response = TokenApi(city.office).get(path, item=HUGE)
    _assert_error(response, 422, "item")


def test_a_unit_id_beyond_any_id_in_the_path_is_a_422_naming_unit_id(city):
    response = TokenApi(city.office).get(f"/units/{HUGE}")
    _assert_error(response, 422, "unit_id")


def test_the_goal_tree_page_ignores_a_leader_beyond_any_id(city, login):
    make_plan(city)
    response = login(city.office).get("/goals/tree/", {"leader": HUGE})
    assert response.status_code == 200


def test_a_page_with_an_id_beyond_the_database_is_not_found_not_a_server_error(city, login):
    client = login(city.office)
    client.raise_request_exception = False
    assert client.get(f"/goals/evidence/{HUGE}/").status_code == 404
    assert client.get(f"/goals/items/{HUGE}/").status_code == 404


def test_a_20_mb_body_is_a_413_in_chinese_and_changes_nothing(city):
    api = TokenApi(city.admin)
    before = Unit.objects.count()
    body = json.dumps({"name": "甲" * (20 * 1024 * 1024 // 3), "type": "town"}).encode()
    response = Client().generic(
        "POST", "/api/v1/units", body, content_type="application/json", headers=api.headers
    )
    _assert_error(response, 413)
    assert Unit.objects.count() == before


def test_malformed_json_is_a_400_in_chinese(city):
    api = TokenApi(city.admin)
    response = Client().generic(
        "POST", "/api/v1/units", b'{"name": ', content_type="application/json", headers=api.headers
    )
    _assert_error(response, 400, "请求")
    assert response.json()["message"] == "请求体不是合法的 JSON，未做任何修改"


def test_a_nul_character_in_a_json_name_is_removed(city):
    api = TokenApi(city.admin)
    response = Client().generic(
        "POST",
        "/api/v1/units",
        '{"name": "南\\u0000湖镇", "type": "town", "parent_code": "C", "code": "C109"}',
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 201, response.content
    assert Unit.objects.get(code="C109").name == "南湖镇"


def test_a_reason_of_only_invisible_characters_is_a_422_naming_reason(city):
    tree = make_plan(city)
    response = TokenApi(city.liaison_a).post(
        "/adjustments",
        {
            "item_id": tree.indicator.pk,
            "field": "target_value",
            "new_value": "5000",
            "reason": "\u200b\u3000 ",
        },
    )
    _assert_error(response, 422, "reason")
    assert {"field": "reason", "message": "不能只包含空白或不可见字符"} in response.json()["errors"]


def test_a_unit_name_of_only_zero_width_characters_is_refused(city):
    response = TokenApi(city.admin).post(
        "/units", {"name": "\ufeff\u200b\u200d", "type": "town", "parent_code": "C"}
    )
    _assert_error(response, 422, "name")


@pytest.mark.parametrize(
    ("text", "blank"),
    [("", True), (" \t\n", True), ("\u200b\u3000 ", True), ("\ufeff", True), ("理由", False)],
)
def test_is_blank(text, blank):
    assert is_blank(text) is blank


def test_an_unknown_api_path_is_a_404_in_json(city):
    response = TokenApi(city.office).get("/nowhere/at/all")
    _assert_error(response, 404)


def test_a_method_the_path_does_not_take_is_a_405_in_json(city):
    api = TokenApi(city.office)
    response = api.call("DELETE", "/units")
    _assert_error(response, 405)
    assert "GET" in response["Allow"]


def test_a_csrf_failure_on_the_api_is_a_403_in_chinese(city):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.admin)
    response = client.post("/api/v1/units", "{}", content_type="application/json")
    _assert_error(response, 403)
    assert "CSRF" in response.json()["message"]


def test_a_server_error_on_the_api_is_json_not_html(city, monkeypatch):
    from ganchao.orgs import selectors

    def broken(**_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "leader_rows", broken)
    api = TokenApi(city.office)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/leaders", headers=api.headers)
    _assert_error(response, 500)
    assert "boom" not in response.content.decode()


def test_a_refused_host_on_the_api_is_json(city):
    response = Client(HTTP_HOST="evil.example").get("/api/v1/units")
    _assert_error(response, 400)


def test_the_document_declares_the_error_body_on_every_operation():
    schema = _openapi()
    assert set(schema["components"]["schemas"]["ErrorOut"]["required"]) == {
        "code",
        "message",
        "errors",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in (400, 401, 403, 404, 409, 422):
                response = operation["responses"].get(status) or operation["responses"].get(
                    str(status)
                )
                assert response is not None, (method, path, status)


def test_the_document_declares_non_blank_reasons_and_periods():
    schema = _openapi()["components"]["schemas"]
    assert schema["AdjustmentIn"]["properties"]["reason"]["minLength"] == 1
    assert PERIOD_PATTERN == r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
    for path, operations in _openapi()["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "period":
                    assert parameter["schema"]["pattern"] == PERIOD_PATTERN, path


def test_a_period_in_a_path_that_is_no_period_is_a_422_naming_period(city):
    response = TokenApi(city.office).get("/assessment/schemes/TOWN-Q/results/2026-Q5")
    _assert_error(response, 422, "period")


def test_a_form_refuses_a_reason_of_only_invisible_characters():
    from django import forms

    from ganchao.common.forms import NonBlankCharField

    class ReasonForm(forms.Form):
        reason = NonBlankCharField()

    form = ReasonForm({"reason": "\u200b\u3000 "})
    assert not form.is_valid()
    assert form.errors["reason"] == ["不能只包含空白或不可见字符"]
    assert ReasonForm({"reason": " 情况属实 "}).is_valid()
