"""The public API under /api/v1/public/: no token, published material only; one test per
endpoint, and the error bodies of the comment endpoint."""

import datetime as dt

import pytest
from django.test import Client

from ganchao.decisions.choices import CommentState
from ganchao.decisions.models import PublicComment
from ganchao.portal.tests.conftest import SECRETS

pytestmark = pytest.mark.django_db

BASE = "/api/v1/public"


def post_comment(client, consultation_id, payload, address="198.51.100.7"):
    return client.post(
        f"{BASE}/consultations/{consultation_id}/comments",
        payload,
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_consultation_list(portal):
    """Given an open, a closed and a draft consultation, when GET /public/consultations is
    called without a token, then the open and the closed are listed, never the draft."""
    response = Client().get(f"{BASE}/consultations?limit=10")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    ids = [row["id"] for row in data["items"]]
    assert ids == [portal.open.pk, portal.closed.pk]
    assert data["items"][0]["accepting"] is True and data["items"][0]["comment_count"] == 1
    assert data["items"][1]["shortening_reason"] == "防汛应急，需在汛期前出台"


def test_consultation_detail_shows_published_comments_only(portal):
    """Given published, pending and rejected comments, when GET /public/consultations/{id},
    then only the published comment is returned, without name or contact."""
    response = Client().get(f"{BASE}/consultations/{portal.open.pk}")
    assert response.status_code == 200
    data = response.json()
    assert [c["body"] for c in data["comments"]] == ["建议增加加装电梯的补贴"]
    assert data["comments"][0]["submitted_at"].endswith("+08:00")
    raw = response.content.decode()
    for secret in SECRETS.values():
        assert secret not in raw
    assert Client().get(f"{BASE}/consultations/{portal.draft.pk}").status_code == 404


def test_comment_submit_is_held_for_moderation(portal):
    """Given the open consultation, when a comment is posted without token or CSRF, then the
    answer is 201 {"id", "state": "pending", "message"} and the comment is pending."""
    response = post_comment(Client(enforce_csrf_checks=True), portal.open.pk, {"body": "好"})
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "pending"
    assert data["message"] == "您的意见已收到，经审核后公开"
    comment = PublicComment.objects.get(pk=data["id"])
    assert comment.state == CommentState.PENDING and comment.address == "198.51.100.7"


def test_comment_submit_errors(portal):
    """Given the portal, when a comment is empty, too long, for a closed, draft or unknown
    consultation, then the answers are 422, 422, 409, 404 and 404 with the error body."""
    client = Client()
    empty = post_comment(client, portal.open.pk, {"body": "   "})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "body"
    long = post_comment(client, portal.open.pk, {"body": "字" * 2001})
    assert long.status_code == 422 and long.json()["errors"][0]["field"] == "body"
    missing = post_comment(client, portal.open.pk, {})
    assert missing.status_code == 422
    closed = post_comment(client, portal.closed.pk, {"body": "意见"})
    assert closed.status_code == 409 and closed.json()["code"] == "conflict"
    assert post_comment(client, portal.draft.pk, {"body": "意见"}).status_code == 404
    assert post_comment(client, 987654, {"body": "意见"}).status_code == 404
    assert post_comment(client, 10**30, {"body": "意见"}).status_code in (404, 422)
    assert client.get(f"{BASE}/consultations/{10**30}").status_code in (404, 422)
    assert client.get(f"/public/consultations/{10**30}/").status_code == 404
    assert PublicComment.objects.filter(address="198.51.100.7").count() == 0


def test_comment_submit_over_the_limit_is_429(portal, settings):
    """Given a limit of 2 per window, when a third comment comes from the same address, then
    the answer is 429 {"code": "rate_limited", "message", "errors": []}."""
    settings.PORTAL_COMMENT_LIMITS = ((2, dt.timedelta(minutes=10)),)
    client = Client()
    assert post_comment(client, portal.open.pk, {"body": "一"}).status_code == 201
    assert post_comment(client, portal.open.pk, {"body": "二"}).status_code == 201
    refused = post_comment(client, portal.open.pk, {"body": "三"})
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited" and body["errors"] == [] and body["message"]


def test_decision_list(portal):
    """Given an executing (published) decision, a launched and a proposed one, when GET
    /public/decisions, then only the published one is listed with its publication."""
    response = Client().get(f"{BASE}/decisions")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    row = data["items"][0]
    assert row["code"] == portal.published.code
    assert row["state"] == "executing" and row["doc_number"] == "赶超政发〔2026〕8号"
    assert row["has_adoption_report"] is True
    assert Client().get(f"{BASE}/decisions?year=2019").json()["count"] == 0


def test_decision_detail(portal):
    """Given a published decision, when GET /public/decisions/{code}, then its text,
    interpretation and adoption report are returned; a proposed decision is 404."""
    response = Client().get(f"{BASE}/decisions/{portal.published.code}")
    assert response.status_code == 200
    data = response.json()
    assert data["adoption_report"].startswith("共收到公众意见12条")
    assert data["publications"][0]["reference"].startswith("https://")
    assert Client().get(f"{BASE}/decisions/{portal.proposed.code}").status_code == 404
