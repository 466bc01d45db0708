"""Supervised matters: every allowed step, the refused ones, the substantive-feedback rule and
the forwarding chain's dwell times. Moments are explicit so the suite never depends on today."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.conftest import make_unit, make_user
from ganchao.notifications.models import Notification
from ganchao.orgs.choices import Role, UnitType
from ganchao.supervision import matter_rules as rules
from ganchao.supervision.matter_choices import ExtensionState, MatterState, Source, Urgency
from ganchao.supervision.matter_selectors import hop_timeline
from ganchao.supervision.matter_services import matter_assign, matter_create, matter_instruct
from ganchao.supervision.matter_steps import (
    matter_close,
    matter_complete,
    matter_decide_extension,
    matter_forward,
    matter_receive,
    matter_reopen,
    matter_request_extension,
    matter_respond,
    matter_return,
)
from ganchao.supervision.models import MatterFeedback

pytestmark = pytest.mark.django_db

SUBSTANTIVE = "已完成排查整改，共清理河道淤泥三百二十方，新建护坡两处，落实专人每周巡查一次。"


def moment(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def instruct(city, urgency=Urgency.NORMAL, at="2026-06-01 09:00", cooperating=()):
    return matter_instruct(
        actor=city.leader_user,
        title="西湖镇河道整治",
        content="请西湖镇抓紧落实河道整治，按期反馈。",
        source=Source.INSTRUCTION,
        urgency=urgency,
        lead=(city.town_a, "张镇长"),
        cooperating=cooperating,
        at=moment(at),
    )


def to_review(city, matter, at="2026-06-02 10:00"):
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment(at))
    matter_respond(
        actor=city.liaison_a, matter_id=matter.pk, kind="final", text=SUBSTANTIVE, at=moment(at)
    )
    matter.refresh_from_db()
    return matter


# ---- allowed steps ----------------------------------------------------------------------------


def test_instruction_assigns_with_deadlines_by_tier(city):
    matter = instruct(city)
    assert matter.state == MatterState.ASSIGNED
    assert matter.leader == city.leader
    # 2026-06-01 is a Monday: receipt 1 working day, response 5 working days
    assert matter.receipt_due == moment("2026-06-02 09:00")
    assert matter.response_due == moment("2026-06-08 09:00")
    assert Notification.objects.filter(user=city.liaison_a, kind="matter").exists()


def test_extra_urgent_receipt_is_four_office_hours(city):
    matter = instruct(city, Urgency.EXTRA_URGENT, at="2026-06-01 11:00")
    # 11:00–12:00 is one hour, then 14:00–17:00
    assert matter.receipt_due == moment("2026-06-01 17:00")
    assert matter.response_due == moment("2026-06-02 11:00")


def test_office_creates_draft_then_assigns_with_cooperating_unit(city):
    matter = matter_create(
        actor=city.office,
        title="会议议定事项",
        content="统计数据质量核查",
        source=Source.MEETING,
        urgency=Urgency.URGENT,
        at=moment("2026-06-01 09:00"),
    )
    assert matter.state == MatterState.DRAFT
    matter = matter_assign(
        actor=city.office,
        matter_id=matter.pk,
        lead=(city.stats, "王科长"),
        cooperating=[(city.town_b, "李主任")],
        at=moment("2026-06-01 09:00"),
    )
    assert matter.state == MatterState.ASSIGNED
    assert sorted(matter.hops.values_list("role", flat=True)) == ["cooperating", "lead"]


def test_full_path_receive_respond_complete_close(city):
    matter = to_review(city, instruct(city))
    assert matter.state == MatterState.AWAITING_REVIEW
    assert matter.responded_at == moment("2026-06-02 10:00")
    matter = matter_complete(actor=city.office, matter_id=matter.pk, at=moment("2026-06-03 09:00"))
    assert matter.state == MatterState.COMPLETED
    matter = matter_close(
        actor=city.leader_user, matter_id=matter.pk, at=moment("2026-06-03 10:00")
    )
    assert matter.state == MatterState.CLOSED


def test_return_restarts_the_response_clock(city):
    matter = to_review(city, instruct(city))
    matter = matter_return(
        actor=city.office,
        matter_id=matter.pk,
        reason="未说明资金来源",
        at=moment("2026-06-03 09:00"),
    )
    assert matter.state == MatterState.RETURNED
    assert matter.responded_at is None
    assert matter.response_due == moment("2026-06-10 09:00")
    matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="progress",
        text=SUBSTANTIVE,
        at=moment("2026-06-04 09:00"),
    )
    matter.refresh_from_db()
    assert matter.state == MatterState.IN_PROGRESS


def test_leader_reopens_with_further_instruction(city):
    matter = to_review(city, instruct(city))
    matter_complete(actor=city.office, matter_id=matter.pk, at=moment("2026-06-03 09:00"))
    matter = matter_reopen(
        actor=city.leader_user,
        matter_id=matter.pk,
        instruction="请补充长效管护机制",
        at=moment("2026-06-03 10:00"),
    )
    assert matter.state == MatterState.IN_PROGRESS
    assert matter.reopen_count == 1 and matter.responded_at is None
    assert matter.events.filter(verb="reopen", text="请补充长效管护机制").exists()


def test_extension_requested_and_approved_by_office(city):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    until = moment("2026-06-30 17:30")
    extension = matter_request_extension(
        actor=city.liaison_a,
        matter_id=matter.pk,
        reason="汛期施工受限",
        until=until,
        at=moment("2026-06-02 09:00"),
    )
    extension = matter_decide_extension(
        actor=city.office, extension_id=extension.pk, approve=True, at=moment("2026-06-02 10:00")
    )
    matter.refresh_from_db()
    assert extension.state == ExtensionState.APPROVED
    assert extension.reason == "汛期施工受限"
    assert matter.response_due == until


def test_extension_rejected_keeps_its_reason(city):
    matter = instruct(city)
    extension = matter_request_extension(
        actor=city.liaison_a,
        matter_id=matter.pk,
        reason="人手不足",
        until=moment("2026-07-01 09:00"),
        at=moment("2026-06-01 10:00"),
    )
    with pytest.raises(ValidationFailed):
        matter_decide_extension(actor=city.office, extension_id=extension.pk, approve=False)
    extension = matter_decide_extension(
        actor=city.office,
        extension_id=extension.pk,
        approve=False,
        note="理由不充分",
        at=moment("2026-06-01 11:00"),
    )
    extension.refresh_from_db()
    assert extension.state == ExtensionState.REJECTED and extension.reason == "人手不足"


# ---- refused steps ----------------------------------------------------------------------------


def test_close_before_completion_is_refused(city):
    matter = to_review(city, instruct(city))
    with pytest.raises(Conflict, match="尚未办结，不能销号"):
        matter_close(actor=city.leader_user, matter_id=matter.pk)


def test_handling_unit_cannot_complete_itself(city):
    matter = to_review(city, instruct(city))
    with pytest.raises(Forbidden, match="承办单位不能自行办结"):
        matter_complete(actor=city.liaison_a, matter_id=matter.pk)
    # an office account that also works for the handling unit is refused too
    insider = make_user("town_a_office", city.town_a, Role.OFFICE)
    with pytest.raises(Forbidden, match="承办单位不能自行办结"):
        matter_complete(actor=insider, matter_id=matter.pk)


def test_extension_cannot_be_approved_by_the_unit_that_asked(city):
    matter = instruct(city)
    insider = make_user("town_a_office", city.town_a, Role.OFFICE, Role.LIAISON)
    extension = matter_request_extension(
        actor=insider,
        matter_id=matter.pk,
        reason="人手不足",
        until=moment("2026-07-01 09:00"),
        at=moment("2026-06-01 10:00"),
    )
    with pytest.raises(Forbidden, match="申请单位不能自行批准"):
        matter_decide_extension(actor=insider, extension_id=extension.pk, approve=True)
    with pytest.raises(Forbidden):
        matter_decide_extension(actor=city.liaison_a, extension_id=extension.pk, approve=True)


def test_unit_outside_the_matter_gets_not_found(city):
    matter = instruct(city)
    for call in (
        lambda: matter_receive(actor=city.liaison_b, matter_id=matter.pk),
        lambda: matter_respond(
            actor=city.liaison_b, matter_id=matter.pk, kind="progress", text=SUBSTANTIVE
        ),
        lambda: matter_request_extension(
            actor=city.liaison_b, matter_id=matter.pk, reason="x", until=moment("2026-07-01 09:00")
        ),
        lambda: matter_forward(
            actor=city.village_a_user, matter_id=matter.pk, to_unit=city.village_a, person="x"
        ),
    ):
        with pytest.raises(NotFound):
            call()


def test_refused_steps_say_which_state_they_need(city):
    matter = instruct(city)
    with pytest.raises(Conflict, match="待签收"):
        matter_complete(actor=city.office, matter_id=matter.pk)
    with pytest.raises(Conflict, match="请先签收"):
        matter_respond(actor=city.liaison_a, matter_id=matter.pk, kind="progress", text=SUBSTANTIVE)
    with pytest.raises(Forbidden, match="交办该事项的领导"):
        matter_reopen(actor=city.office, matter_id=matter.pk, instruction="再办")
    with pytest.raises(Forbidden, match="承办该事项的单位"):
        matter_receive(actor=city.office, matter_id=matter.pk)
    with pytest.raises(Conflict, match="不能交办"):
        matter_assign(actor=city.office, matter_id=matter.pk, lead=(city.town_b, "x"))
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    with pytest.raises(Conflict, match="重复签收"):
        matter_receive(actor=city.liaison_a, matter_id=matter.pk)
    with pytest.raises(Forbidden, match="督查部门"):
        matter_return(actor=city.liaison_a, matter_id=matter.pk, reason="x")


def test_cooperating_unit_cannot_send_final_feedback(city):
    matter = instruct(city, cooperating=[(city.town_b, "李主任")])
    matter_receive(actor=city.liaison_b, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    with pytest.raises(Forbidden, match="牵头单位"):
        matter_respond(actor=city.liaison_b, matter_id=matter.pk, kind="final", text=SUBSTANTIVE)


# ---- substantive feedback ---------------------------------------------------------------------


def test_read_and_forward_note_does_not_stop_the_clock(city):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    note = matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="progress",
        text="已阅，转李庄村办理",
        at=moment("2026-06-01 11:00"),
    )
    matter.refresh_from_db()
    assert note.substantive is False and "不计为实质性反馈" in note.judgement
    assert matter.responded_at is None
    told = Notification.objects.get(user=city.liaison_a, title__startswith="反馈未计为实质性答复")
    assert "答复时限继续计算" in told.body
    matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="progress",
        text=SUBSTANTIVE,
        at=moment("2026-06-02 11:00"),
    )
    matter.refresh_from_db()
    assert matter.responded_at == moment("2026-06-02 11:00")
    assert MatterFeedback.objects.filter(matter=matter).count() == 2


def test_short_feedback_with_attachment_counts(city):
    matter = instruct(city)
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    upload = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    feedback = matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="progress",
        text="见附件",
        attachment=upload,
        at=moment("2026-06-01 11:00"),
    )
    assert feedback.substantive and feedback.attachment_name == "整改报告.pdf"


@pytest.mark.parametrize(
    ("text", "substantive"),
    [
        ("已阅，转李庄村办理", False),
        ("收到！同意。请西湖镇张镇长阅处", False),
        ("拟同意，请 分管领导 阅处。", False),
        (SUBSTANTIVE, True),
        ("已阅。" + "一二三四五六七八九十一二三四五六七八九十", True),
        ("已阅。" + "一二三四五六七八九十一二三四五六七八九", False),
    ],
)
def test_substantive_rule(text, substantive):
    verdict = rules.judge_feedback(text, has_attachment=False, names=["西湖镇", "李庄村", "张镇长"])
    assert verdict.substantive is substantive


def test_stop_phrases_are_configurable(settings):
    settings.GANCHAO_MATTER_STOP_PHRASES = ["知悉"]
    assert rules.remaining_text("已阅知悉") == "已阅"


# ---- forwarding chain -------------------------------------------------------------------------


def test_forwarding_chain_dwell_in_working_hours(city):
    matter = matter_instruct(
        actor=city.office,
        title="秋收秸秆禁烧",
        content="落实秸秆禁烧责任",
        source=Source.HIGHER_LEVEL,
        urgency=Urgency.URGENT,
        lead=(city.town_a, "张镇长"),
        at=moment("2026-09-30 09:00"),
    )
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-09-30 10:00"))
    matter_forward(
        actor=city.liaison_a,
        matter_id=matter.pk,
        to_unit=city.village_a,
        person="李书记",
        note="请李庄村落实",
        at=moment("2026-09-30 16:00"),
    )
    matter_receive(actor=city.village_a_user, matter_id=matter.pk, at=moment("2026-10-08 09:00"))
    rows = hop_timeline(matter, now=moment("2026-10-08 10:00"))
    assert [r.hop.to_unit.name for r in rows] == ["西湖镇", "李庄村"]
    town, village = rows
    assert town.waiting == Decimal("1.0")
    assert town.held == Decimal("4.0")  # 10:00–12:00 and 14:00–16:00 before forwarding
    assert village.waiting == Decimal(
        "2.0"
    )  # 16:00–17:30 on 30 September, 08:30–09:00 on 8 October
    assert village.held == Decimal("1.0")
    assert village.hop.from_unit == city.town_a and village.hop.person == "李书记"


def test_forward_only_to_a_subordinate_unit(city):
    """A town may pass the matter down to its own villages; a peer town, another town's village
    or the office itself is refused with the rule named, and nothing is written."""
    matter = instruct(city, cooperating=[(city.stats, "刘科长")])
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    for unit in (city.town_b, city.village_b, city.inspection):
        with pytest.raises(ValidationFailed, match="只能转给本单位的下级单位") as refused:
            matter_forward(actor=city.liaison_a, matter_id=matter.pk, to_unit=unit, person="x")
        assert refused.value.errors[0].field == "to_unit"
        assert unit.name in refused.value.message
    with pytest.raises(ValidationFailed, match="协办单位.*无需转办"):
        matter_forward(actor=city.liaison_a, matter_id=matter.pk, to_unit=city.stats, person="x")
    assert matter.hops.count() == 2
    hop = matter_forward(
        actor=city.liaison_a,
        matter_id=matter.pk,
        to_unit=city.village_a,
        person="李书记",
        at=moment("2026-06-01 11:00"),
    )
    assert hop.role == "forwarded" and hop.from_unit == city.town_a
    with pytest.raises(ValidationFailed, match="已在办理"):
        matter_forward(
            actor=city.liaison_a, matter_id=matter.pk, to_unit=city.village_a, person="x"
        )


def test_forward_targets_are_the_units_own_subordinates(city):
    from ganchao.supervision.matter_services import forward_targets

    extra = make_unit("张庄村", UnitType.VILLAGE, city.town_a, code="C101002")
    matter = instruct(city, cooperating=[(city.town_b, "李主任")])
    hop = matter.hops.get(to_unit=city.town_a)
    assert list(forward_targets(hop)) == [city.village_a, extra]
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    matter_forward(
        actor=city.liaison_a, matter_id=matter.pk, to_unit=city.village_a, person="李书记"
    )
    assert list(forward_targets(hop)) == [extra]  # already on the matter: not offered again
    co_hop = matter.hops.get(to_unit=city.town_b)
    assert list(forward_targets(co_hop)) == [city.village_b]
