"""Issue 10 acceptance, through the API alone: a script takes one decision from proposal to
`executing`, and a second decision stops at each gate in turn with 409 procedure_blocked naming
A3, A9, A12, A13 and A16; GET /decisions/{id} lists the blockers of the moment."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from ganchao.conftest import token_credentials

SH = ZoneInfo("Asia/Shanghai")


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
        kwargs = {"content_type": "application/json"} if body is not None else {}
        send = getattr(self.client, method)
        answer = (
            send(f"/api/v1{path}", body, **kwargs, **self.headers)
            if body is not None
            else (send(f"/api/v1{path}", **self.headers))
        )
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert answer.status_code in expected, (method, path, answer.status_code, answer.content)
        return answer.json() if answer.content else None

    def post(self, path, body=None, expect=(200, 201)):
        return self.call("post", path, body if body is not None else {}, expect)

    def get(self, path):
        return self.call("get", path)

    def put(self, path, body, expect=(200, 201)):
        return self.call("put", path, body, expect)

    def blocked(self, path, body, rule):
        """The step is refused with 409 procedure_blocked naming `rule`."""
        answer = self.post(path, body, expect=409)
        assert answer["code"] == "procedure_blocked", answer
        assert rule in [e["field"] for e in answer["errors"]], answer
        return answer


@pytest.fixture
def people(dcity):
    return {
        "office": Api("office"),
        "drc": Api("drc_liaison"),
        "reviewer": Api("reviewer"),
        "adviser": Api("adviser"),
        "mayor": Api("mayor"),
    }


def _propose(office, dcity, **flags):
    body = {
        "title": flags.pop("title", "城区停车收费标准调整"),
        "year": 2026,
        "owner_code": "C",
        "units": ["C004", "C005"],
        "lead": "C004",
        "catalogue_item": dcity.item.pk,
        **flags,
    }
    decision = office.post("/decisions", body)
    assert decision["state"] == "proposed"
    return decision["id"]


def _adviser_opinion(adviser, dcity, decision_id, review_id=None, conclusion="compliant"):
    body = {
        "unit_code": "C004",
        "adviser_id": dcity.adviser.pk,
        "subject": "停车收费调整的合法性",
        "opinion": "符合《价格法》及省定价目录的规定。"
        if conclusion == "compliant"
        else "收费依据不足。",
        "conclusion": conclusion,
        "consulted_on": dt.date.today().isoformat(),
        "decision_id": decision_id,
    }
    if review_id:
        body["legality_review_id"] = review_id
    return adviser.post("/adviser-consultations", body)


def _review(p, dcity, decision_id, planned):
    review = p["drc"].post(
        f"/decisions/{decision_id}/legality-reviews",
        {
            "legal_basis": "《中华人民共和国价格法》第十八条",
            "procedure_statement": "已公开征求意见30日，组织专家论证和风险评估。",
            "reviewing_unit_code": "C006",
            "planned_meeting_on": planned,
        },
    )
    return review["id"]


def _conclude(p, dcity, decision_id, review_id):
    _adviser_opinion(p["adviser"], dcity, decision_id, review_id)
    p["reviewer"].post(f"/legality-reviews/{review_id}/take")
    p["reviewer"].post(
        f"/legality-reviews/{review_id}/conclude",
        {
            "authority_opinion": "属于市政府职权范围。",
            "procedure_opinion": "已履行公众参与等法定程序。",
            "content_opinion": "内容符合法律法规和国家政策。",
            "conclusion": "lawful",
        },
    )


def test_one_decision_from_proposal_to_executing(people, dcity):
    p = people
    office, drc = p["office"], p["drc"]
    with at("2026-02-20"):
        d = _propose(office, dcity, technical=True, stability_risk=True, market_activity=True)
        drc.post(
            f"/decisions/{d}/drafts",
            {"text": "一、调整城区路内停车收费标准……", "explanation": "起草说明……"},
        )
        office.post(f"/decisions/{d}/launch")
        consultation = drc.post(
            f"/decisions/{d}/consultations",
            {
                "title": "关于调整城区停车收费标准的征求意见稿",
                "explanation": "为缓解停车难……",
                "channel": "电子邮件 tingche@example.gov.cn",
                "start_date": "2026-03-01",
                "end_date": "2026-03-31",
            },
        )["id"]
        drc.post(f"/decision-consultations/{consultation}/publish")
    with at("2026-03-05"):
        anonymous = Client()
        sent = anonymous.post(
            f"/api/v1/public/consultations/{consultation}/comments",
            {"body": "建议夜间停车免费。"},
            content_type="application/json",
            REMOTE_ADDR="203.0.113.7",
        )
        assert sent.status_code == 201, sent.content
        comments = drc.get(f"/decision-consultations/{consultation}/comments")["items"]
        drc.post(f"/decision-comments/{comments[0]['id']}/moderate", {"action": "publish"})
        opinion = drc.post(
            f"/decisions/{d}/opinions",
            {
                "source": "public",
                "summary": "夜间停车免费",
                "consultation_id": consultation,
                "comment_ids": [comments[0]["id"]],
            },
        )["id"]
        drc.post(
            f"/decision-opinions/{opinion}/handle",
            {"adoption": "partly", "reason": "夜间22时至次日7时免费，其余时段按标准收费。"},
        )
        pool = office.post("/expert-pools", {"name": "赶超市决策咨询专家库", "owner_code": "C"})[
            "id"
        ]
        expert = office.post(
            f"/expert-pools/{pool}/experts",
            {"name": "李教授", "organisation": "某某大学", "specialty": "交通规划"},
        )["id"]
        assignment = drc.post(
            f"/decisions/{d}/experts",
            {"expert_id": expert, "declaration": "本人与该决策事项无利害关系。"},
        )["id"]
        expert_opinion = drc.post(
            f"/decision-experts/{assignment}/opinions",
            {
                "text": "方案必要、可行。",
                "signed_by": "李教授",
                "signed_on": "2026-03-05",
                "seal": "某某大学交通学院",
            },
        )["id"]
        drc.post(f"/decision-expert-opinions/{expert_opinion}/adoption", {"adoption": "adopted"})
        drc.post(
            f"/decisions/{d}/risk-assessments",
            {
                "assessor": "市发展和改革委员会",
                "risk_points": "群众对收费上涨的不满",
                "measures": "分时段收费、加强宣传",
                "contingency_plan": "舆情应对预案",
                "conclusion": "controllable",
            },
        )
        drc.post(
            f"/decisions/{d}/fair-competition-reviews",
            {
                "reviewer_unit_code": "C005",
                "reviewed_on": "2026-03-05",
                "opinion": "未限制市场准入，不违反公平竞争审查标准。",
                "conclusion": "passes",
            },
        )
    with at("2026-04-01"):
        drc.post(f"/decision-consultations/{consultation}/close")
        drc.post(f"/decisions/{d}/adoption-report")
        review = _review(p, dcity, d, "2026-04-20")
        assert drc.get(f"/decisions/{d}")["state"] == "in_review"
        _conclude(p, dcity, d, review)
        assert office.post(f"/decisions/{d}/packet") is not None
        assert office.get(f"/decisions/{d}")["state"] == "ready"
    with at("2026-04-20"):
        meeting = office.post(
            "/decision-meetings",
            {
                "owner_code": "C",
                "kind": "standing",
                "title": "市政府第12次常务会议",
                "held_on": "2026-04-20",
                "chaired_by": "王市长",
            },
        )["id"]
        item = office.post(f"/decision-meetings/{meeting}/agenda", {"decision_id": d})["id"]
        for member in ("张副市长", "李副市长", "赵秘书长"):
            office.post(
                f"/decision-agenda-items/{item}/positions", {"member": member, "position": "agree"}
            )
        office.post(
            f"/decision-agenda-items/{item}/head-decision",
            {"head_name": "王市长", "decision": "adopt"},
        )
        assert office.get(f"/decisions/{d}")["state"] == "decided"
        office.post(f"/decision-meetings/{meeting}/sign-off")
    with at("2026-04-24"):
        office.post(
            f"/decisions/{d}/party-report",
            {"reported_on": "2026-04-22", "doc_number": "赶超府〔2026〕31号"},
        )
        office.post(
            f"/decisions/{d}/publication",
            {
                "channel": "website",
                "reference": "https://www.example.gov.cn/zwgk/2026/0424.html",
                "published_on": "2026-04-24",
                "doc_number": "赶超府发〔2026〕8号",
            },
        )
        office.post(f"/decisions/{d}/archive", {"archive_number": "JC2026-001-01"})
        office.put(f"/decisions/{d}/execution-unit", {"unit_code": "C004"})
        office.post(f"/decisions/{d}/execute")
        final = office.get(f"/decisions/{d}")
    assert final["state"] == "executing"
    assert final["blockers"] == []
    assert {p_["kind"]: p_["state"] for p_ in final["procedures"]}["legality"] == "done"


def test_a_second_decision_stops_at_each_gate(people, dcity):
    p = people
    office, drc = p["office"], p["drc"]
    with at("2026-05-06"):
        d = _propose(office, dcity, title="老旧小区改造收费办法", market_activity=True)
        drc.post(f"/decisions/{d}/drafts", {"text": "第一条……"})
        office.post(f"/decisions/{d}/launch")
        # A3: no public participation and no exemption
        drc.blocked(
            f"/decisions/{d}/legality-reviews",
            {"legal_basis": "……", "procedure_statement": "……", "reviewing_unit_code": "C006"},
            "A3",
        )
        assert "A3" in [b["rule"] for b in drc.get(f"/decisions/{d}")["blockers"]]
        drc.post(
            f"/decisions/{d}/participation-exemption",
            {"legal_basis": "《政府信息公开条例》第十四条"},
        )
        review = _review(p, dcity, d, "2026-05-25")
        # A9: the legality review has not concluded
        office.blocked(f"/decisions/{d}/packet", {}, "A9")
        assert "A9" in [b["rule"] for b in office.get(f"/decisions/{d}")["blockers"]]
        _conclude(p, dcity, d, review)
        # A12: market activity without a fair-competition review
        answer = office.blocked(f"/decisions/{d}/packet", {}, "A12")
        assert "缺少公平竞争审查情况" in [e["message"] for e in answer["errors"]]
        drc.post(
            f"/decisions/{d}/fair-competition-reviews",
            {
                "reviewer_unit_code": "C005",
                "reviewed_on": "2026-05-06",
                "opinion": "符合公平竞争审查标准。",
                "conclusion": "passes",
            },
        )
        # A16: the adviser's latest opinion says it is not compliant
        _adviser_opinion(p["adviser"], dcity, d, conclusion="non_compliant")
        office.blocked(f"/decisions/{d}/packet", {}, "A16")
        _adviser_opinion(p["adviser"], dcity, d)
        office.post(f"/decisions/{d}/packet")
    with at("2026-05-25"):
        # A13: circulation for signature is not a collective discussion
        office.blocked(
            "/decision-meetings",
            {
                "owner_code": "C",
                "kind": "circulation",
                "title": "传阅会签",
                "held_on": "2026-05-25",
                "chaired_by": "王市长",
            },
            "A13",
        )
        meeting = office.post(
            "/decision-meetings",
            {
                "owner_code": "C",
                "kind": "standing",
                "title": "市政府第15次常务会议",
                "held_on": "2026-05-25",
                "chaired_by": "王市长",
            },
        )["id"]
        item = office.post(f"/decision-meetings/{meeting}/agenda", {"decision_id": d})["id"]
        positions = ["disagree"] * 4 + ["agree"] * 3
        for n, position in enumerate(positions):
            office.post(
                f"/decision-agenda-items/{item}/positions",
                {"member": f"组成人员{n + 1}", "position": position},
            )
        # A13: the head decides against the majority without a reason
        office.blocked(
            f"/decision-agenda-items/{item}/head-decision",
            {"head_name": "王市长", "decision": "adopt"},
            "A13",
        )
        assert office.get(f"/decisions/{d}")["state"] == "ready"
