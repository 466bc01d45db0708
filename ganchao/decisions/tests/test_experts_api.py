"""The API of expert pools, expert argumentation, risk assessment and fair-competition review:
one test per endpoint."""

import pytest

from ganchao.decisions.models import ExpertAssignment
from ganchao.decisions.services import experts as svc

JSON = "application/json"


@pytest.fixture
def pool(dcity):
    return svc.expert_pool_create(actor=dcity.office, name="赶超市专家库")


@pytest.fixture
def expert(dcity, pool):
    return svc.expert_add(
        actor=dcity.office, pool=pool, name="李教授", organisation="赶超大学", specialty="交通"
    )


@pytest.fixture
def assignment(dcity, expert):
    decision = dcity.launched(technical=True)
    return svc.expert_assign(
        actor=dcity.drc_liaison, decision=decision, expert=expert, declaration="无直接利害关系"
    )


@pytest.fixture
def opinion(dcity, assignment):
    import datetime as dt

    return svc.expert_opinion_add(
        actor=dcity.drc_liaison,
        assignment=assignment,
        text="可行",
        signed_by="李教授",
        signed_on=dt.date(2026, 3, 2),
        seal="赶超大学",
    )


def test_get_expert_pools(dcity, login, expert):
    """Given a pool with an expert, When listed, Then items with nested experts and a count."""
    body = login(dcity.drc_liaison).get("/api/v1/expert-pools?limit=10").json()
    assert body["count"] == 1
    assert body["items"][0]["experts"][0]["name"] == "李教授"
    assert body["items"][0]["owner_code"] == "C"


def test_post_expert_pools(dcity, login):
    """Given the office, When it creates a pool, Then 201; a liaison gets 403."""
    made = login(dcity.office).post("/api/v1/expert-pools", {"name": "新库"}, content_type=JSON)
    assert made.status_code == 201 and made.json()["owner"] == "赶超市"
    refused = login(dcity.drc_liaison).post(
        "/api/v1/expert-pools", {"name": "新库2"}, content_type=JSON
    )
    assert refused.status_code == 403


def test_post_pool_experts(dcity, login, pool):
    """Given a pool, When the office adds an expert, Then 201; a blank name is 422 naming it."""
    client = login(dcity.office)
    url = f"/api/v1/expert-pools/{pool.pk}/experts"
    made = client.post(
        url, {"name": "王工", "organisation": "设计院", "specialty": "道路"}, content_type=JSON
    )
    assert made.status_code == 201 and made.json()["active"] is True
    bad = client.post(url, {"name": "", "organisation": "x", "specialty": "y"}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "name"


def test_patch_expert(dcity, login, expert):
    """Given an expert, When PATCHed inactive, Then active false; a null name is 422."""
    client = login(dcity.office)
    done = client.patch(f"/api/v1/experts/{expert.pk}", {"active": False}, content_type=JSON)
    assert done.status_code == 200 and done.json()["active"] is False
    bad = client.patch(f"/api/v1/experts/{expert.pk}", {"name": None}, content_type=JSON)
    assert bad.status_code == 422


def test_post_decision_experts_a7(dcity, login, expert):
    """A7 over the API — Given a declaration "与决策事项有直接利害关系", When posted, Then 409
    procedure_blocked with field A7 and nothing assigned; a clean declaration is 201."""
    decision = dcity.launched(technical=True)
    client = login(dcity.drc_liaison)
    url = f"/api/v1/decisions/{decision.pk}/experts"
    refused = client.post(
        url,
        {"expert_id": expert.pk, "declaration": "本人与决策事项有直接利害关系"},
        content_type=JSON,
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "procedure_blocked" and body["errors"][0]["field"] == "A7"
    assert not ExpertAssignment.objects.exists()
    made = client.post(
        url, {"expert_id": expert.pk, "declaration": "本人无直接利害关系"}, content_type=JSON
    )
    assert made.status_code == 201 and made.json()["expert"]["id"] == expert.pk


def test_get_decision_experts(dcity, login, assignment):
    """Given an assignment, When listed, Then it is there; a user who cannot see the decision
    gets 404."""
    url = f"/api/v1/decisions/{assignment.decision_id}/experts"
    body = login(dcity.drc_liaison).get(url).json()
    assert body["count"] == 1 and body["items"][0]["declaration"] == "无直接利害关系"
    assert login(dcity.liaison_a).get(url).status_code == 404


def test_post_opinion(dcity, login, assignment):
    """Given an assignment, When an opinion without seal is posted, Then 422 naming seal; with
    it, 201."""
    client = login(dcity.drc_liaison)
    url = f"/api/v1/decision-experts/{assignment.pk}/opinions"
    payload = {"text": "可行", "signed_by": "李教授", "signed_on": "2026-03-02", "seal": ""}
    bad = client.post(url, payload, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "seal"
    made = client.post(url, {**payload, "seal": "赶超大学"}, content_type=JSON)
    assert made.status_code == 201 and made.json()["adoption"] == ""


def test_get_expert_opinions(dcity, login, opinion):
    """Given an opinion, When listed under the decision, Then it is there."""
    decision_id = opinion.assignment.decision_id
    body = login(dcity.drc_liaison).get(f"/api/v1/decisions/{decision_id}/expert-opinions").json()
    assert body["count"] == 1 and body["items"][0]["seal"] == "赶超大学"


def test_post_adoption(dcity, login, opinion):
    """Given an opinion, When not_adopted without reason, Then 422; with reason, 200."""
    client = login(dcity.drc_liaison)
    url = f"/api/v1/decision-expert-opinions/{opinion.pk}/adoption"
    bad = client.post(url, {"adoption": "not_adopted"}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "reason"
    done = client.post(url, {"adoption": "not_adopted", "reason": "另有规定"}, content_type=JSON)
    assert done.status_code == 200 and done.json()["adoption"] == "not_adopted"


def test_risk_assessments_api(dcity, login):
    """Given a decision, When an incomplete report is posted, Then 422 names each missing part;
    a complete one is 201 on draft 1 and is listed."""
    decision = dcity.launched(stability_risk=True)
    client = login(dcity.drc_liaison)
    url = f"/api/v1/decisions/{decision.pk}/risk-assessments"
    bad = client.post(
        url, {"assessor": "市发改委", "conclusion": "controllable"}, content_type=JSON
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == [
        "risk_points",
        "measures",
        "contingency_plan",
    ]
    made = client.post(
        url,
        {
            "assessor": "某评估公司",
            "third_party": True,
            "assessor_unit_code": "C004",
            "risk_points": "a",
            "measures": "b",
            "contingency_plan": "c",
            "conclusion": "uncontrollable",
        },
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    assert made.json()["draft_number"] == 1 and made.json()["complete"] is True
    listing = client.get(url).json()
    assert listing["count"] == 1 and listing["items"][0]["conclusion"] == "uncontrollable"


def test_fair_reviews_api(dcity, login):
    """Given a market-activity decision, When a review is posted, Then 201 and listed; an
    unknown unit code is 422."""
    decision = dcity.launched(market_activity=True)
    client = login(dcity.market_liaison)
    url = f"/api/v1/decisions/{decision.pk}/fair-competition-reviews"
    payload = {
        "reviewer_unit_code": "C005",
        "reviewed_on": "2026-03-05",
        "opinion": "未发现排除、限制竞争的内容",
        "conclusion": "passes",
    }
    made = client.post(url, payload, content_type=JSON)
    assert made.status_code == 201, made.content
    bad = client.post(url, {**payload, "reviewer_unit_code": "NOPE"}, content_type=JSON)
    assert bad.status_code == 422
    listing = client.get(url).json()
    assert listing["count"] == 1 and listing["items"][0]["reviewer_unit"] == "市市场监督管理局"
