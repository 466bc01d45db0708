"""The collective discussion (LEGAL_RULES A9, A10, A12, A13, A16): the packet, meetings, agenda,
members' positions, the head's decision and sign-off."""

import datetime as dt

import pytest
from django.utils import timezone

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions.choices import (
    AdviserConclusion,
    ConsultationState,
    FairConclusion,
    HeadDecision,
    MeetingState,
    MeetingType,
    OpinionSource,
    ReviewConclusion,
    ReviewState,
    State,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import (
    AdoptionReport,
    AdviserConsultation,
    AgendaItem,
    Consultation,
    Decision,
    FairCompetitionReview,
    LegalityReview,
    Opinion,
)
from ganchao.decisions.selectors import decision_blockers, latest_draft
from ganchao.decisions.services import meeting as svc
from ganchao.decisions.services.core import participation_exempt


def add_review(dcity, decision, *, conclusion=ReviewConclusion.LAWFUL, **fields):
    today = timezone.localdate()
    values = {
        "decision": decision,
        "draft": latest_draft(decision),
        "reviewing_unit": dcity.justice,
        "requested_by": dcity.drc_liaison,
        "requested_at": timezone.now() - dt.timedelta(days=20),
        "legal_basis": "《价格法》第二十三条",
        "procedure_statement": "已公开征求意见……",
        "earliest_meeting_on": today - dt.timedelta(days=5),
        "due_on": today,
        "state": ReviewState.CONCLUDED,
        "reviewer": dcity.reviewer,
        "authority_opinion": "属于市政府权限",
        "procedure_opinion": "程序完备",
        "content_opinion": "内容合法",
        "conclusion": conclusion,
        "concluded_at": timezone.now() - dt.timedelta(days=2),
    }
    values.update(fields)
    return LegalityReview.objects.create(**values)


def add_adviser(dcity, decision, conclusion=AdviserConclusion.COMPLIANT, days_ago=3):
    return AdviserConsultation.objects.create(
        unit=dcity.drc,
        adviser=dcity.adviser,
        decision=decision,
        subject="停车收费标准调整合法性",
        opinion="合法合规" if conclusion != AdviserConclusion.NON_COMPLIANT else "不合规",
        conclusion=conclusion,
        consulted_on=timezone.localdate() - dt.timedelta(days=days_ago),
        recorded_by=dcity.drc_liaison,
    )


def add_fair_review(dcity, decision, conclusion=FairConclusion.PASSES):
    return FairCompetitionReview.objects.create(
        decision=decision,
        draft=latest_draft(decision),
        reviewer_unit=dcity.market,
        reviewed_on=timezone.localdate() - dt.timedelta(days=10),
        opinion="未发现排除、限制竞争的内容",
        conclusion=conclusion,
        created_by=dcity.market_liaison,
    )


def set_state(decision, state):
    Decision.objects.filter(pk=decision.pk).update(state=state)
    decision.refresh_from_db()
    return decision


def ready_decision(
    dcity,
    *,
    review=True,
    adviser=True,
    fair=True,
    build=True,
    conclusion=ReviewConclusion.LAWFUL,
    review_fields=None,
    **flags,
):
    """A launched decision (flags as given) with the A3 exemption, a concluded legality review,
    a compliant adviser opinion and, when market_activity, a passing fair-competition review;
    moved to in_review, then (build=True) to ready by packet_build."""
    decision = dcity.launched(**flags)
    participation_exempt(
        actor=dcity.drc_liaison, decision=decision, legal_basis="《保守国家秘密法》第九条"
    )
    if review:
        add_review(dcity, decision, conclusion=conclusion, **(review_fields or {}))
    if adviser:
        add_adviser(dcity, decision)
    if fair and decision.market_activity:
        add_fair_review(dcity, decision)
    set_state(decision, State.IN_REVIEW)
    if build:
        svc.packet_build(actor=dcity.drc_liaison, decision=decision)
        decision.refresh_from_db()
    return decision


def standing(dcity, held_on=None, **fields):
    # Held on the local day of two hours ago: positions back-dated half an hour are then never
    # "before the meeting day", also when a test runs just after local midnight.
    held_on = held_on or timezone.localdate(timezone.now() - dt.timedelta(hours=2))
    return svc.meeting_create(
        actor=dcity.office,
        owner=dcity.root,
        kind=fields.pop("kind", MeetingType.STANDING),
        title=fields.pop("title", "市政府第12次常务会议"),
        held_on=held_on,
        chaired_by="王市长",
    )


def fields_of(exc):
    return [e.field for e in exc.errors]


# ---- A12: the packet ---------------------------------------------------------------------------


def test_packet_build_moves_to_ready_and_lists_the_art29_items(dcity):
    """Given a decision in review with the review concluded lawful, the exemption and a compliant
    adviser opinion. When the packet is built, Then it is ready and the packet lists the draft,
    the exemption basis, the review and the adviser opinion with their records."""
    decision = ready_decision(dcity, build=False, stability_risk=False)
    packet = svc.packet_build(actor=dcity.drc_liaison, decision=decision)
    decision.refresh_from_db()
    assert decision.state == State.READY
    keys = [e["key"] for e in packet]
    assert keys == ["draft", "participation", "legality", "adviser", "other"]
    assert all(e["present"] for e in packet if e["required"])
    draft = packet[0]
    assert draft["refs"][0]["note"] == "第1稿" and draft["refs"][0]["id"]
    assert packet[1]["label"] == "依法不予公开的依据"


def test_a12_market_activity_without_fair_review_fails(dcity):
    """A12: Given market_activity=True and no fair-competition review record. When the packet is
    generated, Then it fails with "缺少公平竞争审查情况" and the decision stays in review."""
    decision = ready_decision(dcity, build=False, fair=False, market_activity=True)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.packet_build(actor=dcity.drc_liaison, decision=decision)
    assert "A12" in fields_of(exc.value)
    assert any(e.message == "缺少公平竞争审查情况" for e in exc.value.errors)
    decision.refresh_from_db()
    assert decision.state == State.IN_REVIEW


def test_a12_failed_fair_review_does_not_count(dcity):
    """Given market activity and a fair-competition review concluding 不符合. When the packet is
    built, Then it is refused (A12)."""
    decision = ready_decision(dcity, build=False, fair=False, market_activity=True)
    add_fair_review(dcity, decision, FairConclusion.FAILS)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.packet_build(actor=dcity.drc_liaison, decision=decision)
    assert "A12" in fields_of(exc.value)


def test_packet_with_fair_review_lists_it(dcity):
    """Given market activity and a passing fair-competition review. When built, Then the packet
    has 公平竞争审查情况 pointing at the review."""
    decision = ready_decision(dcity, build=False, market_activity=True)
    packet = svc.packet_build(actor=dcity.drc_liaison, decision=decision)
    fair = next(e for e in packet if e["key"] == "fair_competition")
    assert fair["present"] and fair["refs"][0]["kind"] == "fair_review"


# ---- A9: no legality review, no meeting --------------------------------------------------------


def _department_comment_only(dcity):
    """A decision whose only legal input is the justice bureau's comment in the consultation."""
    decision = dcity.launched()
    draft = latest_draft(decision)
    consultation = Consultation.objects.create(
        decision=decision,
        draft=draft,
        title="征求意见",
        explanation="说明",
        channel="电子邮件",
        start_date=timezone.localdate() - dt.timedelta(days=40),
        end_date=timezone.localdate() - dt.timedelta(days=10),
        state=ConsultationState.CLOSED,
        created_by=dcity.drc_liaison,
    )
    Opinion.objects.create(
        decision=decision,
        consultation=consultation,
        source=OpinionSource.DEPARTMENT,
        source_unit=dcity.justice,
        summary="市司法局：建议明确收费依据",
        adoption="adopted",
        reason="已采纳",
        seq=1,
    )
    AdoptionReport.objects.create(
        decision=decision, text="共1条意见，已采纳", opinion_count=1, generated_by=dcity.drc_liaison
    )
    add_adviser(dcity, decision)
    return set_state(decision, State.IN_REVIEW)


def test_a9_department_comment_is_no_legality_review_for_the_packet(dcity):
    """A9: Given a decision whose only legal input is a justice-bureau comment logged in the
    consultation. When the packet is built, Then it is refused with "未经合法性审查"."""
    decision = _department_comment_only(dcity)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.packet_build(actor=dcity.drc_liaison, decision=decision)
    assert exc.value.errors[0].field == "A9"
    assert exc.value.errors[0].message == "未经合法性审查"


def test_a9_department_comment_is_no_legality_review_for_the_agenda(dcity):
    """A9: Given the same decision (still in review). When it is scheduled for the 常务会议, Then
    scheduling is refused with "未经合法性审查" and no agenda item exists."""
    decision = _department_comment_only(dcity)
    meeting = standing(dcity)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.agenda_add(actor=dcity.office, meeting=meeting, decision=decision)
    assert exc.value.errors[0].field == "A9"
    assert "未经合法性审查" in exc.value.message
    assert not AgendaItem.objects.exists()


def test_a9_unlawful_conclusion_blocks(dcity):
    """Given a review concluding 不合法. When the packet is built, Then it is refused (A9)."""
    decision = ready_decision(dcity, build=False, conclusion=ReviewConclusion.UNLAWFUL)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.packet_build(actor=dcity.drc_liaison, decision=decision)
    assert "A9" in fields_of(exc.value)


# ---- A16: the adviser's opinion ----------------------------------------------------------------


def test_a16_non_compliant_adviser_opinion_refuses_the_agenda_item(dcity):
    """A16: Given a ready decision whose latest legal-adviser opinion concludes 不合规. When the
    secretary adds it to the 常务会议 agenda, Then it is refused naming A16."""
    decision = ready_decision(dcity)
    add_adviser(dcity, decision, AdviserConclusion.NON_COMPLIANT, days_ago=0)
    meeting = standing(dcity)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.agenda_add(actor=dcity.office, meeting=meeting, decision=decision)
    assert "A16" in fields_of(exc.value)
    assert not AgendaItem.objects.exists()


def test_a16_no_adviser_opinion_blocks_the_packet(dcity):
    """Given no adviser opinion at all. When the packet is built, Then it is refused (A16)."""
    decision = ready_decision(dcity, build=False, adviser=False)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.packet_build(actor=dcity.drc_liaison, decision=decision)
    assert "A16" in fields_of(exc.value)


# ---- A13: meetings ---------------------------------------------------------------------------


def test_a13_circulation_for_signature_is_refused(dcity):
    """A13: Given the secretary. When a 传阅会签 is created as the meeting, Then it is refused."""
    with pytest.raises(ProcedureBlocked) as exc:
        standing(dcity, kind=MeetingType.CIRCULATION)
    assert exc.value.errors[0].field == "A13"
    assert exc.value.message == "重大行政决策须经常务会议或全体会议讨论，不得以传阅会签代替"


def test_meeting_create_is_office_only(dcity):
    """Given a department liaison. When a meeting is created, Then 403."""
    with pytest.raises(Forbidden):
        svc.meeting_create(
            actor=dcity.drc_liaison,
            owner=dcity.root,
            kind=MeetingType.STANDING,
            title="会议",
            held_on=timezone.localdate(),
            chaired_by="王市长",
        )


def test_meeting_owner_must_be_a_government(dcity):
    """Given a department as the organ. When a meeting is created, Then 422 on owner."""
    with pytest.raises(ValidationFailed) as exc:
        svc.meeting_create(
            actor=dcity.office,
            owner=dcity.drc,
            kind=MeetingType.PLENARY,
            title="会议",
            held_on=timezone.localdate(),
            chaired_by="王市长",
        )
    assert exc.value.errors[0].field == "owner"


# ---- agenda --------------------------------------------------------------------------------


def test_agenda_add_freezes_the_packet_and_the_legal_risk_statement(dcity):
    """Given an exploratory decision reviewed as 探索性改革 with its risk statement. When added to
    the agenda, Then the item carries the packet and the statement."""
    decision = ready_decision(
        dcity,
        exploratory=True,
        conclusion=ReviewConclusion.EXPLORATORY,
        review_fields={"legal_risk_statement": "国家尚无明确规定，存在被撤销的风险"},
    )
    item = svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=decision)
    assert item.seq == 1
    assert item.legal_risk_statement == "国家尚无明确规定，存在被撤销的风险"
    legality = next(e for e in item.packet if e["key"] == "legality")
    assert legality["note"] == "国家尚无明确规定，存在被撤销的风险"
    assert item.urgency_flag == ""


def test_agenda_add_only_ready_decisions(dcity):
    """Given a decision already decided elsewhere (state decided). When added, Then 409."""
    decision = ready_decision(dcity)
    set_state(decision, State.DECIDED)
    with pytest.raises(Conflict):
        svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=decision)


def test_agenda_add_twice_is_refused(dcity):
    """Given a ready decision on one meeting's agenda without a decision. When added again, 409."""
    decision = ready_decision(dcity)
    svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=decision)
    with pytest.raises(Conflict):
        svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=decision)


def test_a10_meeting_before_the_earliest_date_needs_an_urgency_reason(dcity):
    """A10: Given a review whose earliest meeting date is in 5 days and no urgency reason. When
    the decision is put on a meeting held today, Then it is refused naming A10."""
    earliest = timezone.localdate() + dt.timedelta(days=5)
    decision = ready_decision(dcity, review_fields={"earliest_meeting_on": earliest})
    with pytest.raises(ProcedureBlocked) as exc:
        svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=decision)
    assert exc.value.errors[0].field == "A10"
    assert "7个工作日" in exc.value.message


def test_a10_urgency_reason_flags_the_item(dcity):
    """A10: Given the same review with an urgency reason. When added, Then the item is flagged
    with it; a meeting on or after the earliest date is not flagged."""
    earliest = timezone.localdate() + dt.timedelta(days=5)
    decision = ready_decision(
        dcity,
        review_fields={"earliest_meeting_on": earliest, "urgency_reason": "汛期前须完成调整"},
    )
    item = svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=decision)
    assert item.urgency_flag == "汛期前须完成调整"
    other = ready_decision(dcity, title="另一事项", catalogue_item=dcity.item2)
    late = standing(dcity, held_on=earliest)
    assert svc.agenda_add(actor=dcity.office, meeting=late, decision=other).urgency_flag == ""


# ---- A13: positions and the head's decision -------------------------------------------------


def _item(dcity, **flags):
    decision = ready_decision(dcity, **flags)
    return svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=decision)


MEMBERS = [
    ("李副市长", "disagree"),
    ("张副市长", "disagree"),
    ("赵副市长", "disagree"),
    ("钱秘书长", "disagree"),
    ("孙副市长", "agree"),
    ("周副市长", "agree_with_changes"),
    ("吴副市长", "abstain"),
]


def _positions(dcity, item, members=MEMBERS, start=None):
    start = start or timezone.now() - dt.timedelta(minutes=30)
    for n, (name, position) in enumerate(members):
        svc.position_record(
            actor=dcity.office,
            item=item,
            member=name,
            member_title="市政府组成人员",
            position=position,
            remarks=f"{name}发言",
            recorded_at=start + dt.timedelta(minutes=n),
        )


def test_a13_head_against_the_majority_needs_a_reason(dcity):
    """A13: Given 7 members, 4 of them 不同意. When the head records 同意 without a reason, Then
    saving fails; with a reason it is saved and the decision is decided, dissent kept."""
    item = _item(dcity)
    _positions(dcity, item)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.head_decide(
            actor=dcity.office, item=item, head_name="王市长", decision=HeadDecision.ADOPT
        )
    assert exc.value.errors[0].field == "A13"
    assert exc.value.message == "行政首长的决定与多数意见不一致，须说明理由"
    item.refresh_from_db()
    assert not item.head_decision
    svc.head_decide(
        actor=dcity.office,
        item=item,
        head_name="王市长",
        decision=HeadDecision.ADOPT,
        reason="群众反映强烈，须尽快实施",
    )
    item.refresh_from_db()
    item.decision.refresh_from_db()
    assert item.decision.state == State.DECIDED and item.decision.decided_at
    assert item.positions.filter(position="disagree").count() == 4
    assert item.meeting.state == MeetingState.HELD


def test_a13_member_entry_after_the_head_decision_is_rejected(dcity):
    """A13: Given the head's decision recorded. When a member's position is entered (timestamped
    after it), Then the record is rejected."""
    item = _item(dcity)
    _positions(dcity, item, MEMBERS[4:6])
    svc.head_decide(actor=dcity.office, item=item, head_name="王市长", decision=HeadDecision.ADOPT)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.position_record(actor=dcity.office, item=item, member="郑副市长", position="agree")
    assert exc.value.errors[0].field == "A13"
    assert item.positions.count() == 2


def test_a13_head_decision_timed_before_a_member_is_rejected(dcity):
    """A13: Given a member's position at 10:30. When the head's decision is entered at 10:00,
    Then it is rejected (the head speaks last)."""
    item = _item(dcity)
    start = timezone.now() - dt.timedelta(minutes=10)
    _positions(dcity, item, MEMBERS[4:5], start=start)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.head_decide(
            actor=dcity.office,
            item=item,
            head_name="王市长",
            decision=HeadDecision.ADOPT,
            decided_at=start - dt.timedelta(minutes=30),
        )
    assert exc.value.errors[0].field == "A13"


def test_a13_no_head_decision_before_any_member(dcity):
    """A13: Given no member position. When the head decides, Then it is refused."""
    item = _item(dcity)
    with pytest.raises(ProcedureBlocked) as exc:
        svc.head_decide(
            actor=dcity.office, item=item, head_name="王市长", decision=HeadDecision.ADOPT
        )
    assert exc.value.errors[0].field == "A13"


def test_reject_and_defer_outcomes(dcity):
    """Given majority agreement. When the head rejects without reason, Then refused; with a
    reason the decision is rejected. A deferred item leaves the decision ready."""
    item = _item(dcity)
    _positions(dcity, item, [("孙副市长", "agree"), ("周副市长", "agree")])
    with pytest.raises(ProcedureBlocked):
        svc.head_decide(
            actor=dcity.office, item=item, head_name="王市长", decision=HeadDecision.REJECT
        )
    svc.head_decide(
        actor=dcity.office,
        item=item,
        head_name="王市长",
        decision=HeadDecision.REJECT,
        reason="财政承受能力不足",
    )
    item.decision.refresh_from_db()
    assert item.decision.state == State.REJECTED

    other = _item(dcity, title="另一事项", catalogue_item=dcity.item2)
    _positions(dcity, other, [("孙副市长", "disagree")])
    svc.head_decide(actor=dcity.office, item=other, head_name="王市长", decision="defer")
    other.decision.refresh_from_db()
    assert other.decision.state == State.READY
    assert [b.rule for b in decision_blockers(other.decision)] == ["A13"]
    # deferred: it may go on another meeting's agenda
    again = svc.agenda_add(actor=dcity.office, meeting=standing(dcity), decision=other.decision)
    assert again.pk != other.pk


def test_position_validation(dcity):
    """Given an item. When a member is entered twice, in the future or with a bad position,
    Then 422 naming the field."""
    item = _item(dcity)
    svc.position_record(actor=dcity.office, item=item, member="孙副市长", position="agree")
    with pytest.raises(ValidationFailed) as exc:
        svc.position_record(actor=dcity.office, item=item, member="孙副市长", position="agree")
    assert exc.value.errors[0].field == "member"
    with pytest.raises(ValidationFailed) as exc:
        svc.position_record(
            actor=dcity.office,
            item=item,
            member="周副市长",
            position="agree",
            recorded_at=timezone.now() + dt.timedelta(hours=2),
        )
    assert exc.value.errors[0].field == "recorded_at"
    with pytest.raises(ValidationFailed) as exc:
        svc.position_record(actor=dcity.office, item=item, member="周副市长", position="maybe")
    assert exc.value.errors[0].field == "position"
    with pytest.raises(Forbidden):
        svc.position_record(actor=dcity.drc_liaison, item=item, member="周副市长", position="agree")


def test_the_head_may_record_his_own_decision(dcity):
    """Given the mayor (principal leader of the organ). When he records his decision, Then it is
    saved; a department liaison may not."""
    item = _item(dcity)
    _positions(dcity, item, MEMBERS[4:5])
    with pytest.raises(Forbidden):
        svc.head_decide(actor=dcity.drc_liaison, item=item, head_name="王市长", decision="adopt")
    svc.head_decide(actor=dcity.mayor, item=item, head_name="王市长", decision="adopt")
    item.refresh_from_db()
    assert item.head_decision == "adopt"


# ---- sign-off ------------------------------------------------------------------------------


def test_sign_off_makes_the_record_append_only(dcity):
    """Given a held meeting with every item decided. When signed off, Then any later position or
    head decision is refused with 409; sign-off before the decisions is refused too."""
    item = _item(dcity)
    _positions(dcity, item, MEMBERS[4:6])
    with pytest.raises(Conflict):
        svc.meeting_sign_off(actor=dcity.office, meeting=item.meeting)
    svc.head_decide(actor=dcity.office, item=item, head_name="王市长", decision="adopt")
    meeting = svc.meeting_sign_off(actor=dcity.office, meeting=item.meeting)
    assert meeting.state == MeetingState.SIGNED_OFF and meeting.signed_off_by == dcity.office
    with pytest.raises(Conflict) as exc:
        svc.position_record(actor=dcity.office, item=item, member="郑副市长", position="agree")
    assert exc.value.status == 409
    with pytest.raises(Conflict):
        svc.head_decide(actor=dcity.office, item=item, head_name="王市长", decision="reject")
    with pytest.raises(Conflict):
        svc.meeting_sign_off(actor=dcity.office, meeting=meeting)
    other = ready_decision(dcity, title="另一事项", catalogue_item=dcity.item2)
    with pytest.raises(Conflict):
        svc.agenda_add(actor=dcity.office, meeting=meeting, decision=other)
