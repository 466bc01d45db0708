"""API of supervised matters: list with filters and paging, detail with the chain's dwell hours
and feedbacks, create, and each verb — with a 404 for a unit outside the matter."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ganchao.accounts.services import token_create
from ganchao.supervision.matter_choices import MatterState, Source, Urgency
from ganchao.supervision.matter_services import matter_create, matter_instruct
from ganchao.supervision.matter_steps import (
    matter_complete,
    matter_forward,
    matter_receive,
    matter_respond,
)

pytestmark = pytest.mark.django_db

SUBSTANTIVE = "已完成排查整改，共清理河道淤泥三百二十方，新建护坡两处，落实专人每周巡查一次。"


class Api:
    def __init__(self, user):
        _token, key = token_create(actor=None, user=user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, data=None):
        return self.client.post(
            f"/api/v1{path}", data or {}, content_type="application/json", headers=self.headers
        )

    def post_form(self, path, data):
        return self.client.post(f"/api/v1{path}", data, headers=self.headers)


def moment(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def instruct(city, title="西湖镇河道整治", at="2026-06-01 09:00"):
    return matter_instruct(
        actor=city.leader_user,
        title=title,
        content="请西湖镇抓紧落实河道整治，按期反馈。",
        source=Source.INSTRUCTION,
        urgency=Urgency.NORMAL,
        lead=(city.town_a, "张镇长"),
        at=moment(at),
    )


def in_review(city, at="2026-06-01 10:00"):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment(at))
    matter_respond(
        actor=city.liaison_a, matter_id=matter.pk, kind="final", text=SUBSTANTIVE, at=moment(at)
    )
    return matter


def test_list_filters_and_pages(city):
    for i in range(3):
        instruct(city, f"事项{i}")
    matter_create(
        actor=city.office,
        title="会议议定事项",
        content="统计数据核查",
        source=Source.MEETING,
        urgency=Urgency.URGENT,
        at=moment("2026-06-01 09:00"),
    )
    api = Api(city.office)
    body = api.get("/matters", limit=2).json()
    assert body["count"] == 4 and len(body["items"]) == 2
    assert {"light", "light_word", "state"} <= set(body["items"][0])
    body = api.get("/matters", source="meeting").json()
    assert [m["title"] for m in body["items"]] == ["会议议定事项"]
    assert body["items"][0]["light"] == "grey"
    assert api.get("/matters", unit="C101").json()["count"] == 3
    assert api.get("/matters", light="grey").json()["count"] == 1
    assert Api(city.liaison_b).get("/matters").json()["count"] == 0


def test_detail_has_hops_with_dwell_hours_and_feedbacks(city):
    matter = instruct(city, at="2026-09-30 09:00")
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-09-30 10:00"))
    matter_forward(
        actor=city.liaison_a,
        matter_id=matter.pk,
        to_unit=city.village_a,
        person="李书记",
        at=moment("2026-09-30 16:00"),
    )
    matter_receive(actor=city.village_a_user, matter_id=matter.pk, at=moment("2026-10-08 09:00"))
    matter_respond(
        actor=city.village_a_user,
        matter_id=matter.pk,
        kind="progress",
        text="已阅，转李庄村办理",
        at=moment("2026-10-08 10:00"),
    )
    body = Api(city.office).get(f"/matters/{matter.pk}").json()
    village = next(h for h in body["hops"] if h["to_unit"] == "李庄村")
    assert village["from_unit"] == "西湖镇"
    assert Decimal(str(village["waiting_hours"])) == Decimal("2.0")
    assert village["received_at"] == "2026-10-08T09:00:00+08:00"
    assert body["feedbacks"][0]["substantive"] is False
    assert "不计为实质性反馈" in body["feedbacks"][0]["judgement"]
    assert body["light"] in {"green", "yellow", "red"}


def test_detail_404_for_a_unit_outside_the_matter(city):
    matter = instruct(city)
    response = Api(city.liaison_b).get(f"/matters/{matter.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_create_assigns_when_a_lead_unit_is_given(city):
    api = Api(city.office)
    response = api.post(
        "/matters",
        {
            "title": "省督查反馈问题整改",
            "content": "按省督查组意见整改到位",
            "source": "higher_level",
            "urgency": "urgent",
            "lead": {"unit_id": city.stats.pk, "person": "王科长"},
            "cooperating": [{"unit_id": city.town_b.pk, "person": "李主任"}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == MatterState.ASSIGNED and len(body["hops"]) == 2
    draft = api.post(
        "/matters",
        {
            "title": "会议议定事项",
            "content": "统计数据核查",
            "source": "meeting",
            "urgency": "normal",
        },
    )
    assert draft.status_code == 201 and draft.json()["state"] == MatterState.DRAFT
    refused = Api(city.liaison_a).post(
        "/matters", {"title": "x", "content": "y", "source": "meeting", "urgency": "normal"}
    )
    assert refused.status_code == 403


def test_receive(city):
    matter = instruct(city)
    response = Api(city.liaison_a).post(f"/matters/{matter.pk}/receive")
    assert response.status_code == 200 and response.json()["state"] == MatterState.IN_PROGRESS
    again = Api(city.liaison_a).post(f"/matters/{matter.pk}/receive")
    assert again.status_code == 409
    assert Api(city.liaison_b).post(f"/matters/{matter.pk}/receive").status_code == 404


def test_forward(city):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    response = Api(city.liaison_a).post(
        f"/matters/{matter.pk}/forward", {"to_unit_id": city.village_a.pk, "person": "李书记"}
    )
    assert response.status_code == 200
    assert [h["to_unit"] for h in response.json()["hops"]] == ["西湖镇", "李庄村"]
    outside = Api(city.liaison_b).post(
        f"/matters/{matter.pk}/forward", {"to_unit_id": city.village_b.pk, "person": "王书记"}
    )
    assert outside.status_code == 404


def test_respond_with_attachment(city):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    upload = SimpleUploadedFile("台账.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = Api(city.liaison_a).post_form(
        f"/matters/{matter.pk}/respond", {"kind": "final", "text": "已办结", "attachment": upload}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == MatterState.AWAITING_REVIEW
    assert body["feedbacks"][0]["substantive"] is True
    outside = Api(city.liaison_b).post_form(
        f"/matters/{matter.pk}/respond", {"kind": "progress", "text": SUBSTANTIVE}
    )
    assert outside.status_code == 404


def test_complete(city):
    matter = in_review(city)
    refused = Api(city.liaison_a).post(f"/matters/{matter.pk}/complete")
    assert refused.status_code == 403
    response = Api(city.office).post(f"/matters/{matter.pk}/complete", {"note": "同意办结"})
    assert response.status_code == 200 and response.json()["state"] == MatterState.COMPLETED
    assert Api(city.liaison_b).post(f"/matters/{matter.pk}/complete").status_code == 404


def test_close(city):
    matter = in_review(city)
    early = Api(city.leader_user).post(f"/matters/{matter.pk}/close")
    assert early.status_code == 409 and early.json()["message"] == "事项尚未办结，不能销号"
    matter_complete(actor=city.office, matter_id=matter.pk, at=moment("2026-06-02 09:00"))
    response = Api(city.leader_user).post(f"/matters/{matter.pk}/close")
    assert response.status_code == 200 and response.json()["state"] == MatterState.CLOSED
    assert Api(city.liaison_b).post(f"/matters/{matter.pk}/close").status_code == 404


def test_return(city):
    matter = in_review(city)
    missing = Api(city.office).post(f"/matters/{matter.pk}/return", {"reason": ""})
    assert missing.status_code == 422
    response = Api(city.office).post(f"/matters/{matter.pk}/return", {"reason": "未说明资金来源"})
    assert response.status_code == 200 and response.json()["state"] == MatterState.RETURNED
    outside = Api(city.liaison_b).post(f"/matters/{matter.pk}/return", {"reason": "x"})
    assert outside.status_code == 404


def test_reopen(city):
    matter = in_review(city)
    matter_complete(actor=city.office, matter_id=matter.pk, at=moment("2026-06-02 09:00"))
    response = Api(city.leader_user).post(
        f"/matters/{matter.pk}/reopen", {"instruction": "请补充长效管护机制"}
    )
    assert response.status_code == 200
    assert response.json()["state"] == MatterState.IN_PROGRESS
    assert response.json()["reopen_count"] == 1
    outside = Api(city.liaison_b).post(f"/matters/{matter.pk}/reopen", {"instruction": "x"})
    assert outside.status_code == 404


def test_extension_request_and_decision(city):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    asked = Api(city.liaison_a).post(
        f"/matters/{matter.pk}/extensions", {"reason": "汛期施工受限", "until": "2099-06-30"}
    )
    assert asked.status_code == 200
    extension_id = asked.json()["extensions"][0]["id"]
    own = Api(city.liaison_a).post(
        f"/matters/{matter.pk}/extensions/{extension_id}/decide", {"approve": True}
    )
    assert own.status_code == 403
    decided = Api(city.office).post(
        f"/matters/{matter.pk}/extensions/{extension_id}/decide", {"approve": True}
    )
    assert decided.status_code == 200
    assert decided.json()["extensions"][0]["state"] == "approved"
    assert decided.json()["extensions"][0]["reason"] == "汛期施工受限"
