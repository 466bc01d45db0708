"""The core decisions API (DESIGN.md 3.12): shape of GET /decisions/{id}, propose with the A1
and A2 refusals as 409 procedure_blocked naming the rule, list, edit, launch, drafts, the A3
exemption and the undertakers; the API's blockers equal the page's."""

import re

import pytest

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.decisions.choices import State
from ganchao.decisions.models import Decision

pytestmark = pytest.mark.django_db


def _body(dcity, **extra):
    body = {
        "title": "城区停车收费标准调整",
        "year": 2026,
        "owner_code": "C",
        "units": ["C004", "C005"],
        "lead": "C004",
        "catalogue_item": dcity.item.pk,
        "market_activity": True,
    }
    body.update(extra)
    return body


def test_get_decision_has_the_design_shape(dcity):
    decision = dcity.propose(market_activity=True)
    response = TokenApi(dcity.office).get(f"/decisions/{decision.pk}")
    assert response.status_code == 200
    data = response.json()
    assert {
        "id",
        "code",
        "title",
        "state",
        "flags",
        "lead_unit_code",
        "procedures",
        "blockers",
    } <= set(data)
    assert data["code"] == decision.code and data["state"] == "proposed"
    assert set(data["flags"]) >= {"technical", "stability_risk", "market_activity", "exploratory"}
    assert data["flags"]["market_activity"] is True
    assert data["lead_unit_code"] == "C004"
    assert {"kind", "state", "required"} == set(data["procedures"][0])
    fair = next(p for p in data["procedures"] if p["kind"] == "fair_competition")
    assert fair == {"kind": "fair_competition", "state": "not_started", "required": True}
    assert data["blockers"] == [{"rule": "A2", "message": "尚未形成决策草案"}]
    assert data["owner_code"] == "C" and data["catalogue_item"] == dcity.item.pk
    assert data["drafts"] == 0 and len(data["undertakers"]) == 2


def test_api_blockers_equal_the_page_blockers(dcity, login):
    """Given a launched decision (blocked by A3). When GET /decisions/{id} and the page are read,
    Then the API's blockers are exactly the page's blocker list."""
    decision = dcity.launched()
    api = TokenApi(dcity.office).get(f"/decisions/{decision.pk}").json()["blockers"]
    html = login(dcity.office).get(f"/decisions/{decision.pk}/").content.decode()
    shown = re.findall(r'<li class="blocker">【(\w+)】([^<]+)</li>', html)
    assert api and [(b["rule"], b["message"]) for b in api] == shown


def test_propose_via_api_and_a2_refusal(dcity):
    """A2. Given two units and no lead. When POST /decisions, Then 409 procedure_blocked with
    field A2 "须明确牵头承办单位"; with a lead it is created (201)."""
    api = TokenApi(dcity.office)
    refused = api.post("/decisions", _body(dcity, lead=None))
    assert refused.status_code == 409
    assert refused.json()["code"] == "procedure_blocked"
    assert refused.json()["errors"] == [{"field": "A2", "message": "须明确牵头承办单位"}]
    assert not Decision.objects.exists()
    created = api.post("/decisions", _body(dcity))
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "JC-2026-001" and created.json()["lead_unit_code"] == "C004"


def test_propose_via_api_a1_refusals(dcity):
    """A1. Against no item in catalogue mode, or an excluded category: 409 naming A1."""
    api = TokenApi(dcity.office)
    no_item = api.post("/decisions", _body(dcity, catalogue_item=None, category="policy"))
    assert no_item.status_code == 409 and no_item.json()["errors"][0] == {
        "field": "A1",
        "message": "未列入已公布目录",
    }
    excluded = api.post("/decisions", _body(dcity, catalogue_item=None, category="legislation"))
    assert excluded.status_code == 409 and error_fields(excluded) == {"A1"}
    unknown = api.post("/decisions", _body(dcity, units=["NOPE"]))
    assert unknown.status_code == 422 and error_fields(unknown) == {"units"}


def test_list_filters(dcity):
    first = dcity.propose()
    second = dcity.launched(title="老旧小区改造三年规划", catalogue_item=dcity.item2)
    api = TokenApi(dcity.office)
    data = api.get("/decisions").json()
    assert data["count"] == 2 and {r["code"] for r in data["items"]} == {first.code, second.code}
    launched = api.get("/decisions", state="launched").json()
    assert [r["id"] for r in launched["items"]] == [second.pk]
    assert api.get("/decisions", year=2025).json()["count"] == 0
    assert TokenApi(dcity.liaison_b).get("/decisions").json()["count"] == 0


def test_patch_launch_drafts_exemption_undertakers(dcity):
    decision = dcity.propose()
    office, liaison = TokenApi(dcity.office), TokenApi(dcity.drc_liaison)
    flag = {"technical": True, "expected_version": decision.version}
    patched = liaison.call("PATCH", f"/decisions/{decision.pk}", flag)
    assert patched.status_code == 200 and patched.json()["flags"]["technical"] is True
    blocked = office.post(f"/decisions/{decision.pk}/launch")
    assert blocked.status_code == 409 and error_fields(blocked) == {"A2"}
    draft = liaison.post(f"/decisions/{decision.pk}/drafts", {"text": "一、……"})
    assert draft.status_code == 201 and draft.json()["number"] == 1
    drafts = liaison.get(f"/decisions/{decision.pk}/drafts").json()
    assert drafts["count"] == 1
    assert liaison.post(f"/decisions/{decision.pk}/launch").status_code == 403
    launched = office.post(f"/decisions/{decision.pk}/launch")
    assert launched.status_code == 200 and launched.json()["state"] == State.LAUNCHED
    no_basis = liaison.post(
        f"/decisions/{decision.pk}/participation-exemption", {"legal_basis": ""}
    )
    assert no_basis.status_code == 422 and error_fields(no_basis) == {"legal_basis"}
    exempt = liaison.post(
        f"/decisions/{decision.pk}/participation-exemption", {"legal_basis": "《保守国家秘密法》"}
    )
    assert exempt.status_code == 200
    assert exempt.json()["participation_exempt_basis"] == "《保守国家秘密法》"
    no_lead = office.call(
        "PUT", f"/decisions/{decision.pk}/undertakers", {"units": ["C004", "C005"]}
    )
    assert no_lead.status_code == 409 and no_lead.json()["errors"][0]["field"] == "A2"
    staffed = office.call(
        "PUT", f"/decisions/{decision.pk}/undertakers", {"units": ["C005"], "lead": "C005"}
    )
    assert staffed.status_code == 200 and staffed.json()["lead_unit_code"] == "C005"


def test_hidden_decision_is_404(dcity):
    decision = dcity.propose()
    assert TokenApi(dcity.liaison_b).get(f"/decisions/{decision.pk}").status_code == 404
