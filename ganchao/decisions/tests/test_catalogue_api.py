"""The catalogue API (A1) and /decisions/settings."""

import pytest

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.decisions.models import DecisionSettings

pytestmark = pytest.mark.django_db


def test_catalogue_lifecycle_over_the_api(dcity):
    """Given the office. When it creates a 2027 catalogue, adds, edits and removes items,
    publishes without approval (409 A1), approves and publishes, Then each answer is as
    documented."""
    api = TokenApi(dcity.office)
    created = api.post("/decision-catalogues", {"owner_code": "C", "year": 2027})
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    assert created.json()["state"] == "draft" and created.json()["number"] == 1
    item = api.post(
        f"/decision-catalogues/{cid}/items",
        {"title": "城市更新规划", "category": "planning", "undertaking_unit_code": "C004"},
    )
    assert item.status_code == 201 and item.json()["seq"] == 1
    excluded = api.post(
        f"/decision-catalogues/{cid}/items", {"title": "应急处置", "category": "emergency"}
    )
    assert excluded.status_code == 409 and error_fields(excluded) == {"A1"}
    extra = api.post(f"/decision-catalogues/{cid}/items", {"title": "临时", "category": "other"})
    iid = extra.json()["id"]
    patched = api.call("PATCH", f"/decision-catalogues/{cid}/items/{iid}", {"title": "临时事项"})
    assert patched.status_code == 200 and patched.json()["title"] == "临时事项"
    assert api.call("DELETE", f"/decision-catalogues/{cid}/items/{iid}").status_code == 204
    refused = api.post(f"/decision-catalogues/{cid}/publish")
    assert refused.status_code == 409 and refused.json()["code"] == "procedure_blocked"
    assert error_fields(refused) == {"A1"}
    no_doc = api.post(f"/decision-catalogues/{cid}/approve", {"party_approved_on": "2027-01-20"})
    assert no_doc.status_code == 422 and error_fields(no_doc) == {"party_approval_doc"}
    approved = api.post(
        f"/decision-catalogues/{cid}/approve",
        {"party_approved_on": "2027-01-20", "party_approval_doc": "赶超市委办〔2027〕2号"},
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    published = api.post(f"/decision-catalogues/{cid}/publish")
    assert published.status_code == 200 and published.json()["state"] == "published"
    detail = api.get(f"/decision-catalogues/{cid}").json()
    assert [i["title"] for i in detail["items"]] == ["城市更新规划"]
    assert detail["items"][0]["undertaking_unit_code"] == "C004"


def test_list_and_reads_by_staff(dcity):
    api = TokenApi(dcity.drc_liaison)
    data = api.get("/decision-catalogues", year=2026).json()
    assert data["count"] == 1 and data["items"][0]["item_count"] == 2
    assert api.get("/decision-catalogues", year=2020).json()["count"] == 0
    refused = api.post("/decision-catalogues", {"owner_code": "C", "year": 2027})
    assert refused.status_code == 403


def test_settings_get_and_put(dcity):
    office = TokenApi(dcity.office)
    assert office.get("/decisions/settings").json()["catalogue_mode"] is True
    bad = office.call("PUT", "/decisions/settings", {"min_consultation_days": 0})
    assert bad.status_code == 422 and error_fields(bad) == {"min_consultation_days"}
    done = office.call("PUT", "/decisions/settings", {"catalogue_mode": False})
    assert done.status_code == 200 and done.json()["catalogue_mode"] is False
    assert DecisionSettings.objects.get(pk=1).catalogue_mode is False
    refused = TokenApi(dcity.drc_liaison).call(
        "PUT", "/decisions/settings", {"catalogue_mode": True}
    )
    assert refused.status_code == 403
