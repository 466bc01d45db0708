"""API of the adviser register and consultation log: one test per endpoint, through a bearer
token as a script would."""

import datetime as dt

import pytest

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.decisions.models import AdviserConsultation, LegalAdviser
from ganchao.decisions.services import advisers

pytestmark = pytest.mark.django_db

ADVISER = {
    "name": "李律师",
    "kind": "public_lawyer",
    "appointing_unit_code": "C",
    "organisation": "赶超市司法局",
    "qualification": "11101202010000001",
    "term_start": "2026-01-01",
    "term_end": "2026-12-31",
}


def opinion(dcity, **kwargs):
    fields = {
        "unit": dcity.drc,
        "adviser": dcity.adviser,
        "subject": "停车收费调整方案",
        "opinion": "方案符合《价格法》规定。",
        "conclusion": "compliant",
        "consulted_on": dt.date(2026, 3, 10),
    }
    fields.update(kwargs)
    return advisers.adviser_opinion_record(actor=dcity.drc_liaison, **fields)


def test_get_legal_advisers_lists_the_register_with_filters(dcity):
    """Given the city's adviser, When the liaison lists the register, Then it is there with its
    status; the status filter 'ended' finds nobody."""
    api = TokenApi(dcity.drc_liaison)
    body = api.get("/legal-advisers").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert (row["name"], row["appointing_unit_code"], row["kind"]) == (
        "陈律师",
        "C",
        "government_legal_adviser",
    )
    assert row["status"] in ("in_term", "expired", "upcoming")
    assert api.get("/legal-advisers", status="ended").json()["count"] == 0


def test_post_legal_advisers_appoints_or_names_the_field(dcity):
    """Given the reviewer, When they appoint with a term ending before it starts, Then 422 on
    term_end; when the body is right, 201; a liaison gets 403."""
    api = TokenApi(dcity.reviewer)
    bad = api.post("/legal-advisers", {**ADVISER, "term_end": "2025-12-31"})
    assert bad.status_code == 422 and error_fields(bad) == {"term_end"}
    done = api.post("/legal-advisers", ADVISER)
    assert done.status_code == 201, done.content
    assert done.json()["name"] == "李律师" and done.json()["status"] in ("in_term", "expired")
    refused = TokenApi(dcity.drc_liaison).post("/legal-advisers", {**ADVISER, "name": "王律师"})
    assert refused.status_code == 403
    assert not LegalAdviser.objects.filter(name="王律师").exists()


def test_get_legal_adviser_detail(dcity):
    """Given the adviser, When read by id, Then the linked account's user name is given."""
    body = TokenApi(dcity.market_liaison).get(f"/legal-advisers/{dcity.adviser.pk}").json()
    assert body["username"] == "adviser" and body["qualification"] == "A20151100000001"


def test_patch_legal_adviser_changes_the_given_fields(dcity):
    """Given the adviser, When the reviewer changes the phone, Then only it changes; a stale
    version is 409."""
    api = TokenApi(dcity.reviewer)
    path = f"/legal-advisers/{dcity.adviser.pk}"
    done = api.call("PATCH", path, {"phone": "0571-88888888", "expected_version": 1})
    assert done.status_code == 200, done.content
    assert done.json()["phone"] == "0571-88888888" and done.json()["version"] == 2
    stale = api.call("PATCH", path, {"phone": "1", "expected_version": 1})
    assert stale.status_code == 409


def test_post_legal_adviser_end_needs_a_reason(dcity):
    """Given the adviser, When the appointment is ended without a reason, Then 422; with it the
    adviser is 已解聘."""
    api = TokenApi(dcity.reviewer)
    path = f"/legal-advisers/{dcity.adviser.pk}/end"
    assert error_fields(api.post(path, {"reason": ""})) == {"reason"}
    done = api.post(path, {"reason": "聘期内调离"})
    assert done.status_code == 200 and done.json()["status"] == "ended"


def test_get_adviser_consultations_filters_by_decision(dcity):
    """Given two consultations, one on a decision, When filtered by the decision, Then one."""
    decision = dcity.launched()
    opinion(dcity)
    opinion(dcity, decision=decision, subject="决策草案合法性")
    api = TokenApi(dcity.drc_liaison)
    assert api.get("/adviser-consultations").json()["count"] == 2
    body = api.get("/adviser-consultations", decision_id=decision.pk).json()
    assert [r["subject"] for r in body["items"]] == ["决策草案合法性"]
    assert body["items"][0]["decision_code"] == decision.code
    assert api.get("/adviser-consultations", unit_code="C005").json()["count"] == 0


def test_post_adviser_consultations_refuses_an_adviser_out_of_term(dcity):
    """Given a consultation dated before the adviser's term, When posted, Then 422 naming the
    adviser; in term and linked to a decision, 201 with the decision."""
    decision = dcity.launched()
    body = {
        "unit_code": "C004",
        "adviser_id": dcity.adviser.pk,
        "subject": "决策草案合法性",
        "opinion": "收费依据不足",
        "conclusion": "non_compliant",
        "consulted_on": "2024-06-01",
        "decision_id": decision.pk,
    }
    api = TokenApi(dcity.drc_liaison)
    refused = api.post("/adviser-consultations", body)
    assert refused.status_code == 422 and error_fields(refused) == {"adviser"}
    assert "陈律师" in refused.json()["errors"][0]["message"]
    done = api.post("/adviser-consultations", {**body, "consulted_on": "2026-03-10"})
    assert done.status_code == 201, done.content
    assert done.json()["decision_id"] == decision.pk
    assert done.json()["adoption"] == "pending"


def test_post_adoption_needs_the_reason_when_not_adopted(dcity):
    """Given an opinion, When it is posted not adopted without a reason, Then 422 on reason; with
    the reason it is kept."""
    row = opinion(dcity)
    api = TokenApi(dcity.drc_liaison)
    path = f"/adviser-consultations/{row.pk}/adoption"
    refused = api.post(path, {"adoption": "not_adopted"})
    assert refused.status_code == 422 and error_fields(refused) == {"reason"}
    done = api.post(path, {"adoption": "not_adopted", "reason": "与上级政策不一致"})
    assert done.status_code == 200
    assert done.json()["adoption_reason"] == "与上级政策不一致"
    assert AdviserConsultation.objects.get().adoption == "not_adopted"


def test_get_adviser_usage_names_the_units_that_never_consult(dcity):
    """Given one consultation by 发改委 this year, When the office reads the usage, Then 发改委
    counts 1 and 市场监管局 is among the units without a consultation; a liaison gets 404."""
    opinion(dcity)
    body = TokenApi(dcity.office).get("/adviser-usage", year=2026).json()
    drc = next(u for u in body["units"] if u["unit_code"] == "C004")
    assert (drc["total"], drc["no_consultation"]) == (1, False)
    assert "C005" in body["units_without_consultation"]
    assert body["advisers"][0]["opinions"] == 1 and body["total"] == 1
    assert TokenApi(dcity.drc_liaison).get("/adviser-usage").status_code == 404
