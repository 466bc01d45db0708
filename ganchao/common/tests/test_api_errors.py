"""The API's error body for requests that never reach a service: a multipart body without a
usable boundary, a body too large, a number or text beyond its column (DESIGN.md 3.7)."""

import pytest
from django.test import Client

from ganchao.common.tests.api_client import TokenApi
from ganchao.goals.models import ProgressReport
from ganchao.goals.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def _raw_post(user, path, body: bytes, content_type: str):
    api = TokenApi(user)
    return Client().generic(
        "POST", f"/api/v1{path}", body, content_type=content_type, headers=api.headers
    )


def test_a_multipart_body_without_a_boundary_gets_the_error_body(city):
    tree = make_plan(city)
    response = _raw_post(
        city.liaison_a, f"/assignments/{tree.ind_lead.pk}/reports", b"abc", "multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "请求体不是有效的 multipart/form-data，请检查 Content-Type 中的 boundary",
        "errors": [],
    }
    assert not ProgressReport.objects.exists()


def test_a_body_over_the_upload_limit_is_a_413_and_changes_nothing(city, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    tree = make_plan(city)
    response = TokenApi(city.liaison_a).multipart(
        f"/assignments/{tree.ind_lead.pk}/reports",
        {"period": "2026-04", "value": "1", "narrative": "x" * 500},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not ProgressReport.objects.exists()


def test_an_overflowing_number_no_schema_bounds_is_a_422(city, monkeypatch):
    """The safety net under the schema bounds: OverflowError from the database is a 422."""
    from ganchao.notifications import services

    def overflow(**_kwargs):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(services, "notification_mark_all_read", overflow)
    response = TokenApi(city.liaison_a).post("/notifications/read-all")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "请求", "message": "数值或文本超出允许范围"}]


def test_an_offset_beyond_any_list_is_a_422_not_a_database_overflow(city):
    api = TokenApi(city.office)
    for path in ("/units", "/plans", "/notifications", "/matters"):
        response = api.get(path, offset=str(10**20))
        assert response.status_code == 422, (path, response.content)
        assert response.json()["errors"] == [{"field": "offset", "message": "不能大于 1000000000"}]
    assert api.get("/units", offset=str(10**9)).json()["items"] == []
    review = api.get("/reports/review", offset=str(10**20))
    assert review.status_code == 422 and review.json()["errors"][0]["field"] == "offset"
