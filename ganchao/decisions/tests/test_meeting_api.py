"""The collective-discussion API: one test per endpoint, refusals as 409 procedure_blocked
naming the rule."""

import datetime as dt

import pytest
from django.utils import timezone

from ganchao.decisions.choices import MeetingType, State
from ganchao.decisions.models import AgendaItem, Meeting
from ganchao.decisions.services import meeting as svc
from ganchao.decisions.tests.test_meeting_services import ready_decision, standing


@pytest.fixture
def api(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def _post(client, url, payload=None):
    return client.post(url, payload or {}, content_type="application/json")


def test_get_packet(dcity, api):
    """Given a ready decision. When its packet is read, Then the Art. 29 items come back
    complete with their records."""
    decision = ready_decision(dcity)
    body = api(dcity.drc_liaison).get(f"/api/v1/decisions/{decision.pk}/packet").json()
    assert body["complete"] is True and body["state"] == State.READY
    assert [i["key"] for i in body["items"]][:2] == ["draft", "participation"]
    assert body["items"][0]["refs"][0]["note"] == "第1稿"


def test_post_packet_a12_refused(dcity, api):
    """A12: Given market_activity and no fair-competition review. When the packet is generated
    through the API, Then 409 procedure_blocked with field A12 "缺少公平竞争审查情况"."""
    decision = ready_decision(dcity, build=False, fair=False, market_activity=True)
    response = _post(api(dcity.drc_liaison), f"/api/v1/decisions/{decision.pk}/packet")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "procedure_blocked"
    assert {"field": "A12", "message": "缺少公平竞争审查情况"} in body["errors"]


def test_post_packet_moves_to_ready(dcity, api):
    """Given a complete decision in review. When POST packet, Then 200 and state ready."""
    decision = ready_decision(dcity, build=False)
    response = _post(api(dcity.drc_liaison), f"/api/v1/decisions/{decision.pk}/packet")
    assert response.status_code == 200
    assert response.json()["state"] == State.READY


def test_meeting_create_and_circulation_refused(dcity, api):
    """A13: Given the office. When a 传阅会签 is posted, Then 409 field A13; a 常务会议 is 201."""
    client = api(dcity.office)
    payload = {
        "owner_code": dcity.root.code,
        "kind": MeetingType.CIRCULATION,
        "title": "传阅",
        "held_on": timezone.localdate().isoformat(),
        "chaired_by": "王市长",
    }
    response = _post(client, "/api/v1/decision-meetings", payload)
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "A13"
    payload.update(kind=MeetingType.STANDING, title="市政府第12次常务会议")
    response = _post(client, "/api/v1/decision-meetings", payload)
    assert response.status_code == 201
    assert response.json()["kind"] == "standing" and response.json()["agenda"] == []
    assert Meeting.objects.count() == 1


def test_meeting_create_by_liaison_is_403(dcity, api):
    """Given a liaison. When a meeting is posted, Then 403."""
    payload = {
        "owner_code": dcity.root.code,
        "kind": "standing",
        "title": "会议",
        "held_on": "2026-03-31",
        "chaired_by": "王市长",
    }
    assert _post(api(dcity.drc_liaison), "/api/v1/decision-meetings", payload).status_code == 403


def test_meeting_list(dcity, api):
    """Given two meetings. When listed, Then items and count, newest first."""
    standing(dcity, held_on=timezone.localdate() - dt.timedelta(days=7), title="第11次")
    standing(dcity, title="第12次")
    body = api(dcity.mayor).get("/api/v1/decision-meetings?limit=10").json()
    assert body["count"] == 2
    assert [m["title"] for m in body["items"]] == ["第12次", "第11次"]


def test_meeting_detail_and_agenda(dcity, api):
    """Given a meeting and a ready decision. When POST agenda, Then 201 with the frozen packet;
    the meeting detail lists it."""
    decision = ready_decision(dcity)
    meeting = standing(dcity)
    client = api(dcity.office)
    response = _post(
        client, f"/api/v1/decision-meetings/{meeting.pk}/agenda", {"decision_id": decision.pk}
    )
    assert response.status_code == 201
    assert response.json()["packet"][0]["key"] == "draft"
    detail = client.get(f"/api/v1/decision-meetings/{meeting.pk}").json()
    assert detail["agenda"][0]["decision_code"] == decision.code


def test_agenda_a9_refused(dcity, api):
    """A9: Given a decision still in review without a legality review. When POST agenda, Then
    409 field A9."""
    decision = ready_decision(dcity, build=False, review=False)
    meeting = standing(dcity)
    response = _post(
        api(dcity.office),
        f"/api/v1/decision-meetings/{meeting.pk}/agenda",
        {"decision_id": decision.pk},
    )
    assert response.status_code == 409
    assert response.json()["errors"][0] == {"field": "A9", "message": "未经合法性审查"}
    assert not AgendaItem.objects.exists()


def test_positions_head_decision_and_sign_off(dcity, api):
    """A13: Given an agenda item. When 7 positions with 4 不同意 are posted and the head posts 同意
    without a reason, Then 409 A13; with a reason 200 and the decision is decided; a later
    position is 409; sign-off then makes further writes 409."""
    decision = ready_decision(dcity)
    meeting = standing(dcity)
    item = svc.agenda_add(actor=dcity.office, meeting=meeting, decision=decision)
    client = api(dcity.office)
    start = timezone.now() - dt.timedelta(minutes=20)
    members = ["disagree"] * 4 + ["agree", "agree_with_changes", "abstain"]
    for n, position in enumerate(members):
        response = _post(
            client,
            f"/api/v1/decision-agenda-items/{item.pk}/positions",
            {
                "member": f"成员{n}",
                "position": position,
                "recorded_at": (start + dt.timedelta(minutes=n)).isoformat(),
            },
        )
        assert response.status_code == 201, response.content
    assert response.json()["recorded_at"].endswith("+08:00")
    url = f"/api/v1/decision-agenda-items/{item.pk}/head-decision"
    response = _post(client, url, {"head_name": "王市长", "decision": "adopt"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "A13"
    response = _post(client, url, {"head_name": "王市长", "decision": "adopt", "reason": "理由"})
    assert response.status_code == 200
    assert response.json()["majority"] == "disagree"
    decision.refresh_from_db()
    assert decision.state == State.DECIDED
    late = _post(
        client,
        f"/api/v1/decision-agenda-items/{item.pk}/positions",
        {"member": "迟到者", "position": "agree"},
    )
    assert late.status_code == 409 and late.json()["errors"][0]["field"] == "A13"
    response = _post(client, f"/api/v1/decision-meetings/{meeting.pk}/sign-off")
    assert response.status_code == 200 and response.json()["state"] == "signed_off"
    again = _post(client, url, {"head_name": "王市长", "decision": "reject", "reason": "x"})
    assert again.status_code == 409


def test_hidden_meeting_is_404(dcity, api):
    """Given a meeting of the city. When a village liaison with no decision on it reads it,
    Then 404."""
    meeting = standing(dcity)
    client = api(dcity.village_a_user)
    assert client.get(f"/api/v1/decision-meetings/{meeting.pk}").status_code == 404
