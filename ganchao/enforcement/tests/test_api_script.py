"""Issue 11 acceptance, through the API alone: one ordinary case from 立案 to 结案 with its
publication on the portal; one major case whose decide call answers 409 naming B9 until the
legal review passes (a returned review re-submitted, the old approval never reused); one case
refused 结案 for a missing 送达 record; GET /enforcement/cases/{id} lists the blockers and clocks
of the moment. The clock is fixed so the working-day dates are stable."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from ganchao.conftest import token_credentials
from ganchao.enforcement.choices import ReviewItem

SH = ZoneInfo("Asia/Shanghai")
ALL_PASS = [{"item": item, "verdict": "pass"} for item in ReviewItem.values]


def at(day: str, hour: int = 10):
    return time_machine.travel(
        dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SH), tick=True
    )


class Api:
    """A bearer-token client for one user."""

    def __init__(self, username):
        self.client = Client()
        answer = self.client.post(
            "/api/v1/auth/token",
            token_credentials(username),
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['token']}"}

    def call(self, method, path, body=None, expect=(200, 201)):
        send = getattr(self.client, method)
        if body is None:
            answer = send(f"/api/v1{path}", **self.headers)
        else:
            answer = send(f"/api/v1{path}", body, content_type="application/json", **self.headers)
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert answer.status_code in expected, (method, path, answer.status_code, answer.content)
        return answer.json() if answer.content else None

    def post(self, path, body=None, expect=(200, 201)):
        return self.call("post", path, body if body is not None else {}, expect)

    def patch(self, path, body):
        return self.call("patch", path, body)

    def get(self, path):
        return self.call("get", path)

    def blocked(self, path, body, rule):
        answer = self.post(path, body, expect=409)
        assert answer["code"] == "procedure_blocked", answer
        assert rule in [e["field"] for e in answer["errors"]], answer
        return answer


@pytest.fixture
def people(ecity):
    return {
        "officer": Api("officer_a"),
        "head": Api("cg_head"),
        "reviewer": Api("cg_reviewer"),
    }


def _open(officer, ecity, **extra):
    body = {
        "matter_id": ecity.building.pk,
        "officer_ids": [ecity.officer_a.pk, ecity.officer_b.pk],
        "title": "未取得建设工程规划许可证搭建彩钢房",
        "party_kind": "person",
        "party_name": "张三",
        "party_id_no": "370102198001011234",
        "party_phone": "13800138000",
        "party_address": "赶超市西湖镇李庄村18号",
        "place": "西湖镇李庄村18号院内",
        "filed_on": "2026-03-02",
        "violation": "illegal_building",
        "facts": "当事人未取得建设工程规划许可证，在院内搭建彩钢房约40平方米。",
    }
    body.update(extra)
    return officer.post("/enforcement/cases", body, expect=201)


def _investigate(officer, ecity, case_id, day="2026-03-03"):
    officer.post(f"/enforcement/cases/{case_id}/investigate")
    officer.post(
        f"/enforcement/cases/{case_id}/actions",
        {
            "kind": "site_inspection",
            "started_at": f"{day}T09:00:00+08:00",
            "ended_at": f"{day}T10:00:00+08:00",
            "place": "西湖镇李庄村18号院内",
            "officer_ids": [ecity.officer_a.pk, ecity.officer_b.pk],
            "certificate_shown_at": f"{day}T09:01:00+08:00",
            "informed_at": f"{day}T09:02:00+08:00",
            "note": "现场检查，制作笔录，拍照取证。",
        },
        expect=201,
    )


def _propose_and_notify(officer, case_id, fine, served_on):
    version = officer.get(f"/enforcement/cases/{case_id}")["version"]
    officer.patch(
        f"/enforcement/cases/{case_id}",
        {
            "proposed_penalties": ["fine"],
            "proposed_fine": str(fine),
            "proposed_summary": f"拟罚款{fine}元",
            "expected_version": version,
        },
    )
    officer.post(f"/enforcement/cases/{case_id}/submit-review", {"opinion": "调查终结"})
    officer.post(
        f"/enforcement/cases/{case_id}/notices",
        {"served_on": served_on, "proposal": f"拟罚款{fine}元", "facts": "事实、理由和依据"},
        expect=201,
    )


def _issue_and_serve(officer, case_id, delivered_on):
    officer.patch(
        f"/enforcement/cases/{case_id}/decision-document",
        {"social_impact": "yes", "social_impact_reason": "违法建设，社会关注"},
    )
    issued = officer.post(f"/enforcement/cases/{case_id}/decision-document/issue")
    assert issued["issued"] is True and len(issued["document_sha256"]) == 64
    # multipart, as it may carry the signed consent to electronic delivery
    answer = officer.client.post(
        f"/api/v1/enforcement/cases/{case_id}/deliveries",
        {"method": "direct", "delivered_on": delivered_on, "recipient": "张三"},
        **officer.headers,
    )
    assert answer.status_code == 201, answer.content


def test_ordinary_case_from_filing_to_closing_with_publication(ecity, people):
    officer, head = people["officer"], people["head"]
    with at("2026-03-20"):
        case = _open(officer, ecity)
        case_id = case["id"]
        assert case["code"] == "ZF-2026-001" and case["stage"] == "filed"
        assert [c["name"] for c in case["clocks"]] == ["decide"]
        assert case["clocks"][0]["due"] == "2026-05-31"  # 90 calendar days (Art. 60)
        _investigate(officer, ecity, case_id)
        _propose_and_notify(officer, case_id, 3000, "2026-03-09")
        shown = officer.get(f"/enforcement/cases/{case_id}")
        assert shown["major"] is False and shown["stage"] == "notified"
        officer.post(
            f"/enforcement/cases/{case_id}/statements",
            {"kind": "statement", "received_on": "2026-03-10", "text": "请求从轻处罚"},
            expect=201,
        )
        # Only the head decides; the officer is refused.
        officer.post(
            f"/enforcement/cases/{case_id}/decision",
            {"kind": "penalty", "penalties": ["fine"], "fine": "3000", "decided_on": "2026-03-12"},
            expect=403,
        )
        head.post(
            f"/enforcement/cases/{case_id}/decision",
            {"kind": "penalty", "penalties": ["fine"], "fine": "3000", "decided_on": "2026-03-12"},
            expect=(200, 201),
        )
        _issue_and_serve(officer, case_id, "2026-03-13")
        officer.post(
            f"/enforcement/cases/{case_id}/executions",
            {"done_on": "2026-03-16", "amount_paid": "3000", "note": "已缴纳罚款"},
            expect=201,
        )
        tasks = officer.get("/enforcement/publication-tasks?state=open")["items"]
        task = next(t for t in tasks if t["case_id"] == case_id)
        assert task["due"] == "2026-03-23"  # 7 working days after Thursday 12 March (B3)
        officer.post(f"/enforcement/publication-tasks/{task['id']}/publish")
        closed = officer.post(f"/enforcement/cases/{case_id}/close", {"summary": "执行完毕"})
        assert closed["stage"] == "closed"
        assert closed["blockers"] == []
    public = Client().get("/api/v1/public/enforcement/decisions").json()
    row = next(r for r in public["items"] if "彩钢房" in r["title"])
    assert row["party"] == "张某"
    body = Client().get("/public/enforcement/decisions/").content.decode()
    assert "张某" in body
    assert "张三" not in body and "370102198001011234" not in body and "13800138000" not in body


def test_major_case_decide_answers_409_b9_until_the_review_passes(ecity, people):
    officer, head, reviewer = people["officer"], people["head"], people["reviewer"]
    decide = {"kind": "penalty", "penalties": ["fine"], "fine": "15000", "decided_on": "2026-03-25"}
    with at("2026-03-25"):
        case_id = _open(officer, ecity)["id"]
        _investigate(officer, ecity, case_id)
        _propose_and_notify(officer, case_id, 15000, "2026-03-09")
        officer.post(
            f"/enforcement/cases/{case_id}/statements",
            {"kind": "waived", "received_on": "2026-03-10", "text": "放弃陈述申辩和听证"},
            expect=201,
        )
        shown = officer.get(f"/enforcement/cases/{case_id}")
        assert shown["major"] is True and shown["major_reasons"] == ["fine_person"]
        assert shown["next_step"] == "submit_legal_review"  # B8: routed to legal review
        head.blocked(f"/enforcement/cases/{case_id}/decision", decide, "B9")

        review = officer.post(
            f"/enforcement/cases/{case_id}/legal-reviews", {"materials": "全部案卷"}, expect=201
        )
        head.post(
            f"/enforcement/legal-reviews/{review['id']}/assign",
            {"reviewer_id": ecity.reviewer.pk},
        )
        head.blocked(f"/enforcement/cases/{case_id}/decision", decide, "B9")
        returned = [dict(v) for v in ALL_PASS]
        returned[2] = {"item": "facts", "verdict": "problem", "note": "面积未经测绘"}
        reviewer.post(
            f"/enforcement/legal-reviews/{review['id']}/conclude",
            {"verdicts": returned, "opinion": "存在问题，请补充测绘报告"},
        )
        head.blocked(f"/enforcement/cases/{case_id}/decision", decide, "B9")

        again = officer.post(
            f"/enforcement/cases/{case_id}/legal-reviews",
            {"materials": "补充测绘报告", "correction": "已补充测绘报告"},
            expect=201,
        )
        assert again["round"] == 2
        head.post(
            f"/enforcement/legal-reviews/{again['id']}/assign",
            {"reviewer_id": ecity.reviewer.pk},
        )
        reviewer.post(
            f"/enforcement/legal-reviews/{again['id']}/conclude",
            {"verdicts": ALL_PASS, "opinion": "同意"},
        )
        # Major: the collective discussion comes next (Art. 57), then the decision.
        blocked = head.blocked(f"/enforcement/cases/{case_id}/decision", decide, "B9")
        assert "集体讨论" in blocked["errors"][0]["message"]
        head.post(
            f"/enforcement/cases/{case_id}/collective-discussions",
            {
                "held_on": "2026-03-25",
                "chair": "局长",
                "participants": "局长、副局长、法制科长",
                "conclusion": "同意处罚",
            },
            expect=201,
        )
        head.post(f"/enforcement/cases/{case_id}/decision", decide, expect=(200, 201))
        assert officer.get(f"/enforcement/cases/{case_id}")["stage"] == "decided"


def test_closing_without_delivery_is_refused_naming_the_missing_record(ecity, people):
    officer, head = people["officer"], people["head"]
    with at("2026-03-20"):
        case_id = _open(officer, ecity)["id"]
        _investigate(officer, ecity, case_id)
        _propose_and_notify(officer, case_id, 2000, "2026-03-09")
        officer.post(
            f"/enforcement/cases/{case_id}/statements",
            {"kind": "waived", "received_on": "2026-03-10"},
            expect=201,
        )
        head.post(
            f"/enforcement/cases/{case_id}/decision",
            {"kind": "penalty", "penalties": ["fine"], "fine": "2000", "decided_on": "2026-03-12"},
            expect=(200, 201),
        )
        refused = officer.blocked(f"/enforcement/cases/{case_id}/close", {}, "B6")
        assert "送达环节无记录" in [e["message"] for e in refused["errors"]]
        shown = officer.get(f"/enforcement/cases/{case_id}")
        assert shown["stage"] == "decided"
        deliver = next(c for c in shown["clocks"] if c["name"] == "deliver")
        assert deliver == {"name": "deliver", "due": "2026-03-23", "state": "due_soon"}
