"""The API twins of the sheet 问题台账: GET /problems/sheet and POST /problems/sheet."""

import io

import pytest

from ganchao.conftest import token_credentials
from ganchao.problems.models import Problem
from ganchao.problems.tests.test_sheet import make_problem, new_row, workbook

pytestmark = pytest.mark.django_db


def token_client(client, username):
    response = client.post(
        "/api/v1/auth/token", token_credentials(username), content_type="application/json"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_api_downloads_and_imports_the_sheet(client, city):
    make_problem(city, 1)
    headers = token_client(client, "office")
    response = client.get("/api/v1/problems/sheet", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = response.content

    upload = io.BytesIO(data)
    upload.name = "问题台账.xlsx"
    answer = client.post("/api/v1/problems/sheet?dry_run=true", {"file": upload}, **headers)
    assert answer.status_code == 200
    assert answer.json()["summary"] == "新增 0，更新 0，未变 1"
    assert answer.json()["written"] is False


def test_api_import_with_a_bad_cell_answers_422_naming_the_cell(client, city):
    headers = token_client(client, "office")
    upload = io.BytesIO(workbook([new_row(责任单位="不存在的镇")]))
    upload.name = "问题台账.xlsx"
    answer = client.post("/api/v1/problems/sheet", {"file": upload}, **headers)
    assert answer.status_code == 422
    body = answer.json()
    assert body["errors"] == [
        {"field": "第2行 H列（责任单位）", "message": "找不到单位“不存在的镇”"}
    ]
    assert Problem.objects.count() == 0


def test_api_import_is_for_the_office_only(client, city):
    headers = token_client(client, "town_a_liaison")
    upload = io.BytesIO(workbook([new_row()]))
    upload.name = "问题台账.xlsx"
    assert client.post("/api/v1/problems/sheet", {"file": upload}, **headers).status_code == 403
