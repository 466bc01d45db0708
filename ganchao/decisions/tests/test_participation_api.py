"""API of public participation: one test per endpoint, each calling the page's service."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.decisions.models import PublicComment
from ganchao.decisions.tests.conftest import PDF

pytestmark = pytest.mark.django_db

CONSULTATION = {
    "title": "征求意见公告",
    "explanation": "草案说明",
    "channel": "市政府网站",
    "start_date": "2025-03-01",
    "end_date": "2025-03-20",
}


def made_consultation(api, decision, **extra):
    response = api.post(f"/decisions/{decision.pk}/consultations", {**CONSULTATION, **extra})
    assert response.status_code == 201, response.content
    return response.json()


def test_consultation_create_and_list(dcity):
    decision = dcity.launched()
    api = TokenApi(dcity.drc_liaison)
    body = made_consultation(api, decision)
    assert body["state"] == "draft" and body["draft_number"] == 1
    listed = api.get(f"/decisions/{decision.pk}/consultations").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    bad = api.post(f"/decisions/{decision.pk}/consultations", {**CONSULTATION, "title": " "})
    assert bad.status_code == 422 and error_fields(bad) == {"title"}
    hidden = TokenApi(dcity.liaison_a).post(f"/decisions/{decision.pk}/consultations", CONSULTATION)
    assert hidden.status_code == 404
    assert (
        TokenApi(dcity.reviewer)
        .post(f"/decisions/{decision.pk}/consultations", CONSULTATION)
        .status_code
        == 403
    )


def test_consultation_publish_a4(dcity):
    """Given 2025-03-01..2025-03-20 without a reason, When published through the API, Then 409
    procedure_blocked with field A4; with the reason, 200 and open."""
    decision = dcity.launched()
    api = TokenApi(dcity.drc_liaison)
    short = made_consultation(api, decision)
    refused = api.post(f"/decision-consultations/{short['id']}/publish")
    assert refused.status_code == 409
    assert refused.json()["code"] == "procedure_blocked" and error_fields(refused) == {"A4"}
    reasoned = made_consultation(api, decision, shortening_reason="防汛应急，需在汛期前出台")
    done = api.post(f"/decision-consultations/{reasoned['id']}/publish")
    assert done.status_code == 200 and done.json()["state"] == "open"
    assert done.json()["shortening_reason"] == "防汛应急，需在汛期前出台"
    assert done.json()["published_at"].endswith("+08:00")


def test_consultation_close(dcity):
    decision = dcity.launched()
    api = TokenApi(dcity.drc_liaison)
    item = made_consultation(api, decision, end_date="2025-04-30")
    assert api.post(f"/decision-consultations/{item['id']}/close").status_code == 409
    api.post(f"/decision-consultations/{item['id']}/publish")
    closed = api.post(f"/decision-consultations/{item['id']}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


def test_comments_list_and_moderation(dcity):
    decision = dcity.launched()
    api = TokenApi(dcity.drc_liaison)
    item = made_consultation(api, decision)
    rows = [
        PublicComment.objects.create(consultation_id=item["id"], body=f"意见{n}", contact="138")
        for n in range(3)
    ]
    listed = api.get(f"/decision-consultations/{item['id']}/comments", limit=2)
    assert listed.json()["count"] == 3 and len(listed.json()["items"]) == 2
    one = api.post(f"/decision-comments/{rows[0].pk}/moderate", {"action": "publish"})
    assert one.status_code == 200 and one.json()["state"] == "published"
    no_note = api.post(f"/decision-comments/{rows[1].pk}/moderate", {"action": "reject"})
    assert no_note.status_code == 422 and error_fields(no_note) == {"note"}
    bulk = api.post(
        f"/decision-consultations/{item['id']}/comments/moderate",
        {"comment_ids": [rows[1].pk, rows[2].pk], "action": "reject", "note": "重复"},
    )
    assert bulk.status_code == 200 and bulk.json() == {"moderated": 2}
    pending = api.get(f"/decision-consultations/{item['id']}/comments", state="pending")
    assert pending.json()["count"] == 0
    outsider = TokenApi(dcity.liaison_a).get(f"/decision-consultations/{item['id']}/comments")
    assert outsider.status_code == 404


def test_opinions_add_list_handle_and_report(dcity):
    """Given 12 opinions with one unhandled, When the report is generated, Then 409 naming
    第3条 (A6); after handling it, 201 with the text."""
    decision = dcity.launched()
    api = TokenApi(dcity.drc_liaison)
    ids = []
    for n in range(1, 13):
        response = api.post(
            f"/decisions/{decision.pk}/opinions",
            {"source": "department", "source_unit_code": "C006", "summary": f"建议{n}"},
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    assert response.json()["seq"] == 12 and response.json()["source_unit_code"] == "C006"
    for n, opinion_id in enumerate(ids, start=1):
        if n != 3:
            handled = api.post(f"/decision-opinions/{opinion_id}/handle", {"adoption": "adopted"})
            assert handled.status_code == 200
    refused = api.post(f"/decisions/{decision.pk}/adoption-report")
    assert refused.status_code == 409 and error_fields(refused) == {"A6"}
    assert refused.json()["errors"][0]["message"] == "第3条意见尚未处理：建议3"
    no_reason = api.post(f"/decision-opinions/{ids[2]}/handle", {"adoption": "not_adopted"})
    assert no_reason.status_code == 422 and error_fields(no_reason) == {"reason"}
    api.post(f"/decision-opinions/{ids[2]}/handle", {"adoption": "not_adopted", "reason": "无依据"})
    report = api.post(f"/decisions/{decision.pk}/adoption-report")
    assert report.status_code == 201 and report.json()["opinion_count"] == 12
    assert "未采纳1条" in report.json()["text"]
    listed = api.get(f"/decisions/{decision.pk}/opinions")
    assert listed.json()["count"] == 12 and listed.json()["items"][2]["adoption"] == "not_adopted"
    bad_unit = api.post(
        f"/decisions/{decision.pk}/opinions",
        {"source": "department", "source_unit_code": "NOPE", "summary": "x"},
    )
    assert bad_unit.status_code == 422 and error_fields(bad_unit) == {"source_unit_code"}


def test_hearing_endpoints_a5(dcity):
    """Given a hearing on 2025-05-10 and 张三 served 2025-05-05, When confirmed through the API,
    Then 409 naming 张三：材料送达不足7日; once re-served, signed, it confirms and closes."""
    decision = dcity.launched()
    api = TokenApi(dcity.drc_liaison)
    hearing = api.post(
        f"/decisions/{decision.pk}/hearings",
        {"title": "听证会", "held_on": "2025-05-10", "place": "会议室", "selection_method": "抽签"},
    )
    assert hearing.status_code == 201, hearing.content
    hid = hearing.json()["id"]
    person = api.post(
        f"/decision-hearings/{hid}/participants",
        {"name": "张三", "materials_served_on": "2025-05-05"},
    )
    assert person.status_code == 201
    pid = person.json()["id"]
    stamp = {"published_at": "2025-04-25T09:00:00+08:00"}
    late = api.post(
        f"/decision-hearings/{hid}/publish-selection", {"published_at": "2025-05-11T09:00:00+08:00"}
    )
    assert late.status_code == 409 and error_fields(late) == {"A5"}
    assert api.post(f"/decision-hearings/{hid}/publish-selection", stamp).status_code == 200
    published = api.post(f"/decision-hearings/{hid}/publish-participants", stamp)
    assert published.status_code == 200 and published.json()["participants_published_at"]
    refused = api.post(f"/decision-hearings/{hid}/confirm")
    assert refused.status_code == 409 and error_fields(refused) == {"A5"}
    assert refused.json()["errors"][0]["message"] == "张三：材料送达不足7日"
    served = api.post(f"/decision-hearing-participants/{pid}/served", {"served_on": "2025-05-01"})
    assert served.status_code == 200 and served.json()["materials_served_on"] == "2025-05-01"
    assert api.post(f"/decision-hearings/{hid}/confirm").json()["state"] == "confirmed"
    unsigned = api.post(f"/decision-hearings/{hid}/close")
    assert unsigned.status_code == 409 and error_fields(unsigned) == {"A5"}
    signed = api.multipart(
        f"/decision-hearing-participants/{pid}/signed-record",
        {"file": SimpleUploadedFile("笔录.pdf", PDF, content_type="application/pdf")},
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["signed_record_name"] == "笔录.pdf"
    closed = api.post(f"/decision-hearings/{hid}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    listed = api.get(f"/decisions/{decision.pk}/hearings").json()
    assert listed["count"] == 1 and listed["items"][0]["participants"][0]["name"] == "张三"


def test_participant_refusal(dcity):
    decision = dcity.launched()
    api = TokenApi(dcity.office)
    hid = api.post(
        f"/decisions/{decision.pk}/hearings",
        {"title": "听证会", "held_on": "2025-05-10", "place": "会议室"},
    ).json()["id"]
    pid = api.post(
        f"/decision-hearings/{hid}/participants",
        {"name": "李四", "materials_served_on": "2025-05-01"},
    ).json()["id"]
    early = api.post(f"/decision-hearing-participants/{pid}/refusal", {"note": "拒签"})
    assert early.status_code == 409  # only once the hearing is confirmed
    api.post(
        f"/decision-hearings/{hid}/publish-participants",
        {"published_at": "2025-05-01T09:00:00+08:00"},
    )
    api.post(f"/decision-hearings/{hid}/confirm")
    empty = api.post(f"/decision-hearing-participants/{pid}/refusal", {"note": " "})
    assert empty.status_code == 422 and error_fields(empty) == {"note"}
    done = api.post(f"/decision-hearing-participants/{pid}/refusal", {"note": "当场拒绝签字"})
    assert done.status_code == 200 and done.json()["refusal_note"] == "当场拒绝签字"
    assert api.post(f"/decision-hearings/{hid}/close").json()["state"] == "closed"
