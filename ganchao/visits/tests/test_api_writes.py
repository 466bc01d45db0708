"""API twins of the visit and burden pages (issue 9 item 11): a finding turned into a matter,
the monthly threshold, a request to grassroots units recorded — the pages' services."""

import pytest

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.goals.tests.factories import make_plan
from ganchao.visits.models import BurdenRequest, BurdenSetting
from ganchao.visits.tests.factories import record_visit

pytestmark = pytest.mark.django_db


def test_a_finding_becomes_a_matter_once(city):
    visit = record_visit(city)
    finding = visit.findings.get()
    path = f"/visits/{visit.pk}/findings/{finding.pk}/matter"
    body = {"urgency": "normal", "person": "张村长"}
    assert TokenApi(city.liaison_a).post(path, body).status_code == 404
    done = TokenApi(city.office).post(path, body)
    assert done.status_code == 201, done.content
    assert done.json()["matter_id"] is not None
    again = TokenApi(city.office).post(path, body)
    assert again.status_code == 422
    assert again.json()["errors"][0]["message"] == "该问题已转为督办事项"


def test_burden_threshold_is_the_office_s(city):
    # the liaison reads the threshold on GET /burden, so changing it is refused with 403
    assert TokenApi(city.liaison_a).get("/burden").json()["threshold"] > 0
    refused = TokenApi(city.liaison_a).call("PUT", "/burden/threshold", {"monthly_threshold": 8})
    assert refused.status_code == 403
    assert refused.json()["message"] == "只有督查室可以设置每月警示阈值"
    assert not BurdenSetting.objects.filter(monthly_threshold=8).exists()
    bad = TokenApi(city.office).call("PUT", "/burden/threshold", {"monthly_threshold": 0})
    assert bad.status_code == 422 and error_fields(bad) == {"monthly_threshold"}
    done = TokenApi(city.office).call("PUT", "/burden/threshold", {"monthly_threshold": 8})
    assert done.status_code == 200 and done.json() == {"monthly_threshold": 8}
    assert BurdenSetting.objects.get().monthly_threshold == 8


def test_a_request_to_grassroots_units_is_recorded_with_its_item(city):
    tree = make_plan(city)
    body = {
        "title": "报送秸秆禁烧情况",
        "kind": "data_request",
        "from_unit_code": "C003",
        "to_unit_codes": ["C101", "C101001"],
        "sent_on": "2026-03-02",
        "item_code": "1.1",
    }
    done = TokenApi(city.office).post("/burden/requests", body)
    assert done.status_code == 201, done.content
    assert done.json()["to_unit_codes"] == ["C101", "C101001"]
    assert done.json()["item_id"] == tree.indicator.pk
    wrong_item = TokenApi(city.office).post("/burden/requests", {**body, "item_code": "9.9"})
    assert wrong_item.status_code == 422 and error_fields(wrong_item) == {"item_code"}
    not_grassroots = TokenApi(city.office).post(
        "/burden/requests", {**body, "item_code": "", "to_unit_codes": ["C003"]}
    )
    assert not_grassroots.status_code == 422
    assert BurdenRequest.objects.count() == 1


def test_a_blank_receiving_unit_code_is_a_422_not_a_500(city):
    body = {
        "title": "报送秸秆禁烧情况",
        "kind": "data_request",
        "from_unit_code": "C003",
        "to_unit_codes": ["C101", " "],
        "sent_on": "2026-03-02",
    }
    response = TokenApi(city.office).post("/burden/requests", body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [
        {"field": "to_unit_codes", "message": "接收单位：单位编码不能为空"}
    ]
    assert not BurdenRequest.objects.exists()
