"""The API of the legality review: one test per endpoint."""

import time_machine

from ganchao.decisions.choices import ReviewConclusion, ReviewState, State
from ganchao.decisions.models import Decision, DraftVersion
from ganchao.decisions.tests.conftest import pdf
from ganchao.decisions.tests.test_review_services import (  # noqa: F401
    FRIDAY,
    SECTIONS,
    _fresh_calendar,
    adviser_opinion,
    conclude,
    ready_for_review,
    request,
)

JSON = "application/json"


def test_post_legality_review_request(dcity, login):
    """Given a decision ready for review, When the liaison posts the request, Then 201 with the
    clock fields; without the texts 422 naming both; a too-early meeting 409 A10."""
    decision = ready_for_review(dcity)
    client = login(dcity.drc_liaison)
    url = f"/api/v1/decisions/{decision.pk}/legality-reviews"
    bad = client.post(url, {}, content_type=JSON)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"legal_basis", "procedure_statement"}
    body = {"legal_basis": "《价格法》", "procedure_statement": "已依法履行"}
    with time_machine.travel(FRIDAY, tick=False):
        early = client.post(url, body | {"planned_meeting_on": "2025-10-09"}, content_type=JSON)
        assert early.status_code == 409
        assert early.json()["code"] == "procedure_blocked"
        assert early.json()["errors"][0]["field"] == "A10"
        made = client.post(
            url,
            body
            | {
                "planned_meeting_on": "2025-10-09",
                "urgency_reason": "紧急",
                "reviewing_unit_code": "C006",
            },
            content_type=JSON,
        )
    assert made.status_code == 201
    data = made.json()
    assert data["earliest_meeting_on"] == "2025-10-13" and data["urgent"] is True
    assert data["state"] == "requested" and data["reviewing_unit_code"] == "C006"
    assert data["participation_exempt_basis"]
    assert Decision.objects.get(pk=decision.pk).state == State.IN_REVIEW


def test_get_legality_reviews(dcity, login):
    """Given a requested review, When the reviewer lists the desk, Then items with clock
    fields and a count; a liaison gets 403."""
    request(dcity, ready_for_review(dcity))
    body = login(dcity.reviewer).get("/api/v1/legality-reviews?limit=10").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert {"working_days_left", "due_on", "earliest_meeting_on", "paused", "urgent"} <= set(row)
    assert row["working_days_left"] is not None
    assert login(dcity.drc_liaison).get("/api/v1/legality-reviews").status_code == 403


def test_get_legality_review(dcity, login):
    """Given a review with a material, When the undertaker reads it, Then the materials are
    listed; a town liaison gets 404."""
    review = request(dcity, ready_for_review(dcity), files=[("draft", pdf("草案.pdf"))])
    body = login(dcity.drc_liaison).get(f"/api/v1/legality-reviews/{review.pk}").json()
    assert body["materials"][0]["original_name"] == "草案.pdf"
    assert body["requested_at"].endswith("+08:00")
    assert login(dcity.liaison_a).get(f"/api/v1/legality-reviews/{review.pk}").status_code == 404


def test_post_take(dcity, login):
    """Given a requested review, When the reviewer takes it, Then it is theirs; the liaison 403."""
    review = request(dcity, ready_for_review(dcity))
    url = f"/api/v1/legality-reviews/{review.pk}/take"
    assert login(dcity.drc_liaison).post(url).status_code == 403
    response = login(dcity.reviewer).post(url)
    assert response.status_code == 200 and response.json()["reviewer"] == "reviewer"


def test_post_supplement_request_and_done(dcity, login):
    """Given a requested review, When the reviewer asks for supplements and the undertaker
    posts supplement-done with a file, Then the review pauses, then runs again with the file."""
    review = request(dcity, ready_for_review(dcity))
    base = f"/api/v1/legality-reviews/{review.pk}"
    paused = login(dcity.reviewer).post(
        f"{base}/supplement-request", {"reason": "补充依据"}, content_type=JSON
    )
    assert paused.status_code == 200 and paused.json()["paused"] is True
    done = login(dcity.drc_liaison).post(f"{base}/supplement-done", {"files": [pdf("补.pdf")]})
    assert done.status_code == 200
    assert done.json()["state"] == ReviewState.REQUESTED
    assert [m["kind"] for m in done.json()["materials"]] == ["supplement"]


def test_post_return(dcity, login):
    """Given a requested review, When the reviewer returns it, Then returned and the decision
    is launched; without a reason 422."""
    decision = ready_for_review(dcity)
    review = request(dcity, decision)
    url = f"/api/v1/legality-reviews/{review.pk}/return"
    client = login(dcity.reviewer)
    assert client.post(url, {"reason": ""}, content_type=JSON).status_code == 422
    response = client.post(url, {"reason": "材料不全"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["state"] == "returned"
    assert Decision.objects.get(pk=decision.pk).state == State.LAUNCHED


def test_post_conclude(dcity, login):
    """A11 through the API. Given a requested review, When concluded without an adviser
    opinion, Then 409 A11; with one, 200 and concluded."""
    review = request(dcity, ready_for_review(dcity))
    url = f"/api/v1/legality-reviews/{review.pk}/conclude"
    client = login(dcity.reviewer)
    payload = SECTIONS | {"conclusion": "lawful"}
    refused = client.post(url, payload, content_type=JSON)
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "A11"
    adviser_opinion(dcity, review)
    done = client.post(url, payload, content_type=JSON)
    assert done.status_code == 200 and done.json()["conclusion"] == "lawful"
    assert done.json()["adviser_opinions"][0]["adviser_kind"] == "government_legal_adviser"


def test_post_confirm_changes(dcity, login):
    """Given a lawful-after-changes opinion, When the undertaker confirms without a new draft,
    Then 422; after draft 2, 200."""
    decision = ready_for_review(dcity)
    review = request(dcity, decision)
    adviser_opinion(dcity, review)
    conclude(dcity, review, conclusion=ReviewConclusion.LAWFUL_AFTER_CHANGES)
    url = f"/api/v1/legality-reviews/{review.pk}/confirm-changes"
    client = login(dcity.drc_liaison)
    assert client.post(url).status_code == 422
    DraftVersion.objects.create(
        decision=decision, number=2, text="第二稿", change_note="修改", created_by=dcity.drc_liaison
    )
    response = client.post(url)
    assert response.status_code == 200 and response.json()["changes_confirmed_at"]


def test_post_materials(dcity, login):
    """Given a requested review, When the undertaker uploads a legal-basis file, Then 201 with
    its hash; an unknown kind 422."""
    review = request(dcity, ready_for_review(dcity))
    url = f"/api/v1/legality-reviews/{review.pk}/materials"
    client = login(dcity.drc_liaison)
    made = client.post(url, {"kind": "legal_basis", "file": pdf("依据.pdf")})
    assert made.status_code == 201 and len(made.json()["sha256"]) == 64
    assert client.post(url, {"kind": "minutes", "file": pdf()}).status_code == 422
