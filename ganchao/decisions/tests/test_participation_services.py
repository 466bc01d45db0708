"""Public participation (LEGAL_RULES A3–A6): consultations, moderation, opinions and the
采纳情况说明, hearings — through the services, each rule's Given/When/Then."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.decisions import gates, services
from ganchao.decisions import selectors_participation as sel
from ganchao.decisions.choices import (
    Adoption,
    CommentState,
    ConsultationState,
    HearingState,
    OpinionSource,
    Step,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import PublicComment
from ganchao.decisions.selectors import decision_facts
from ganchao.decisions.services import participation as svc
from ganchao.decisions.tests.conftest import pdf

TZ = ZoneInfo("Asia/Shanghai")


def fields(exc) -> set[str]:
    return {e.field for e in exc.errors}


def messages_of(exc) -> list[str]:
    return [e.message for e in exc.errors]


def consult(dcity, decision, start="2025-03-01", end="2025-03-20", **kwargs):
    values = {
        "title": "关于城区停车收费标准调整公开征求意见的公告",
        "explanation": "起草说明……",
        "channel": "市政府网站“公开征求意见”栏目",
        "start_date": start,
        "end_date": end,
    }
    values.update(kwargs)
    return svc.consultation_create(actor=dcity.drc_liaison, decision=decision, **values)


# ---- A4 ------------------------------------------------------------------------------------------


def test_a4_a_short_period_without_a_reason_is_not_published(dcity):
    """Given a consultation from 2025-03-01 to 2025-03-20 with an empty shortening reason,
    When it is published, Then publishing is rejected naming A4."""
    decision = dcity.launched()
    consultation = consult(dcity, decision)
    with pytest.raises(ProcedureBlocked) as refused:
        svc.consultation_publish(actor=dcity.drc_liaison, consultation=consultation)
    assert fields(refused.value) == {"A4"}
    assert "缩短期限的理由" in refused.value.errors[0].message
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.DRAFT and consultation.published_at is None


def test_a4_the_same_dates_with_a_reason_are_published_with_the_reason(dcity):
    """Given the same dates with reason "防汛应急，需在汛期前出台", When it is published, Then it
    is open and the reason is kept for the public notice."""
    decision = dcity.launched()
    consultation = consult(dcity, decision, shortening_reason="防汛应急，需在汛期前出台")
    svc.consultation_publish(actor=dcity.drc_liaison, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.state == ConsultationState.OPEN
    assert consultation.shortening_reason == "防汛应急，需在汛期前出台"
    event = AuditEvent.objects.filter(action="decision.consultation_publish").get()
    assert event.reason == "防汛应急，需在汛期前出台"


def test_a4_thirty_days_need_no_reason(dcity):
    decision = dcity.launched()
    consultation = consult(dcity, decision, start="2025-03-01", end="2025-03-31")
    consultation = svc.consultation_publish(actor=dcity.office, consultation=consultation)
    assert consultation.state == ConsultationState.OPEN


def test_a4_the_notice_names_each_missing_part(dcity):
    """Given a notice without the explanation and the channel, When it is published, Then the
    refusal names both."""
    decision = dcity.launched()
    consultation = consult(dcity, decision, end="2025-04-30", explanation="", channel="")
    with pytest.raises(ProcedureBlocked) as refused:
        svc.consultation_publish(actor=dcity.drc_liaison, consultation=consultation)
    assert messages_of(refused.value) == [
        "征求意见公告缺少草案说明",
        "征求意见公告缺少意见提交方式",
    ]


def test_a4_closing_before_the_deadline_is_refused(dcity):
    """Given an open consultation ending in the future, When it is closed, Then refused (A4)."""
    decision = dcity.launched()
    future = dt.date.today() + dt.timedelta(days=40)
    consultation = consult(dcity, decision, start=dt.date.today(), end=future)
    svc.consultation_publish(actor=dcity.drc_liaison, consultation=consultation)
    with pytest.raises(ProcedureBlocked) as refused:
        svc.consultation_close(actor=dcity.drc_liaison, consultation=consultation)
    assert fields(refused.value) == {"A4"}
    # and the open consultation blocks the review request
    found = gates.blockers_for(Step.REQUEST_REVIEW, decision_facts(decision))
    assert ("A4", "公开征求意见期限尚未届满") in [(b.rule, b.message) for b in found]


def test_a_consultation_past_its_deadline_closes_and_counts_as_participation(dcity):
    decision = dcity.launched()
    consultation = consult(dcity, decision, end="2025-03-31")
    svc.consultation_publish(actor=dcity.drc_liaison, consultation=consultation)
    consultation = svc.consultation_close(actor=dcity.drc_liaison, consultation=consultation)
    assert consultation.state == ConsultationState.CLOSED
    found = gates.blockers_for(Step.REQUEST_REVIEW, decision_facts(decision))
    assert not [b for b in found if b.rule in ("A3", "A4")]
    with pytest.raises(Conflict):
        svc.consultation_close(actor=dcity.drc_liaison, consultation=consultation)


def test_only_undertakers_and_the_office_consult_and_only_while_launched(dcity):
    decision = dcity.propose()
    services.draft_add(actor=dcity.drc_liaison, decision=decision, text="草案")
    with pytest.raises(Conflict):
        consult(dcity, decision)
    services.decision_launch(actor=dcity.office, decision=decision)
    with pytest.raises(Forbidden):
        svc.consultation_create(
            actor=dcity.reviewer,
            decision=decision,
            title="x",
            start_date="2025-03-01",
            end_date="2025-04-01",
        )
    with pytest.raises(ValidationFailed) as bad:
        consult(dcity, decision, start="2025-03-20", end="2025-03-01")
    assert fields(bad.value) == {"end_date"}


# ---- A3 -------------------------------------------------------------------------------------------


def test_a3_no_participation_and_no_exemption_blocks_the_review_request(dcity):
    """Given a case with no public-participation record and no exemption, When it is sent to
    legality review, Then the transition is blocked (A3)."""
    decision = dcity.launched()
    with pytest.raises(ProcedureBlocked) as refused:
        services.require(decision, Step.REQUEST_REVIEW)
    assert "A3" in fields(refused.value)


def test_a3_the_exemption_with_its_legal_basis_lifts_the_block_and_is_shown(dcity, rf):
    decision = dcity.launched()
    decision = services.participation_exempt(
        actor=dcity.drc_liaison, decision=decision, legal_basis="《保守国家秘密法》第二条"
    )
    found = gates.blockers_for(Step.REQUEST_REVIEW, decision_facts(decision))
    assert "A3" not in {b.rule for b in found}
    from ganchao.decisions.views.participation import panel_context

    request = rf.get("/")
    request.user = dcity.reviewer
    part = panel_context(request, decision, None)["part"]
    assert part["exempted_by"] == dcity.drc_liaison and not part["can_act"]


# ---- moderation -----------------------------------------------------------------------------------


def comments(consultation, n=3):
    return [
        PublicComment.objects.create(consultation=consultation, body=f"意见{i}", address="10.0.0.1")
        for i in range(n)
    ]


def test_moderation_publishes_and_rejects_with_a_note(dcity):
    decision = dcity.launched()
    consultation = consult(dcity, decision, end="2025-04-30")
    first, second, third = comments(consultation)
    svc.comments_moderate(
        actor=dcity.market_liaison,
        consultation=consultation,
        comment_ids=[first.pk, second.pk],
        action="publish",
    )
    with pytest.raises(ValidationFailed) as bad:
        svc.comment_moderate(actor=dcity.drc_liaison, comment=third, action="reject")
    assert fields(bad.value) == {"note"}
    svc.comment_moderate(actor=dcity.drc_liaison, comment=third, action="reject", note="含广告")
    states = dict(PublicComment.objects.values_list("pk", "state"))
    assert states == {
        first.pk: CommentState.PUBLISHED,
        second.pk: CommentState.PUBLISHED,
        third.pk: CommentState.REJECTED,
    }
    assert AuditEvent.objects.filter(action="decision.comment_moderate").count() == 2


def test_moderation_is_the_undertakers_and_offices(dcity):
    decision = dcity.launched()
    consultation = consult(dcity, decision, end="2025-04-30")
    (comment,) = comments(consultation, 1)
    with pytest.raises(Forbidden):
        svc.comment_moderate(actor=dcity.reviewer, comment=comment, action="publish")
    with pytest.raises(NotFound):
        sel.comment_get(dcity.liaison_a, comment.pk)
    other = consult(dcity, decision, end="2025-04-30")
    with pytest.raises(ValidationFailed):
        svc.comments_moderate(
            actor=dcity.office, consultation=other, comment_ids=[comment.pk], action="publish"
        )


# ---- A6 -------------------------------------------------------------------------------------------


def add(dcity, decision, summary="意见", **kwargs):
    values = {"source": OpinionSource.PUBLIC, "summary": summary}
    values.update(kwargs)
    return svc.opinion_add(actor=dcity.drc_liaison, decision=decision, **values)


def test_a6_one_unhandled_opinion_of_twelve_stops_the_report_naming_it(dcity):
    """Given 12 opinions, one of which has no adoption status, When the 采纳情况说明 is
    generated, Then generation fails and names the unprocessed opinion."""
    decision = dcity.launched()
    opinions = [add(dcity, decision, summary=f"建议{n}") for n in range(1, 13)]
    for opinion in opinions:
        if opinion.seq != 3:
            svc.opinion_handle(
                actor=dcity.drc_liaison,
                opinion=opinion,
                adoption=Adoption.NOT_ADOPTED,
                reason="与上位法不一致",
            )
    with pytest.raises(ProcedureBlocked) as refused:
        svc.adoption_report_generate(actor=dcity.drc_liaison, decision=decision)
    assert messages_of(refused.value) == ["第3条意见尚未处理：建议3"]
    assert fields(refused.value) == {"A6"}
    assert not decision.adoption_reports.exists()
    svc.opinion_handle(actor=dcity.drc_liaison, opinion=opinions[2], adoption=Adoption.ADOPTED)
    report = svc.adoption_report_generate(actor=dcity.drc_liaison, decision=decision)
    assert report.opinion_count == 12
    assert report.text.startswith("共收到意见12条，归纳为12类，采纳1条、部分采纳0条、未采纳11条。")
    assert "（第3条）建议3" in report.text and "理由：与上位法不一致" in report.text
    facts = decision_facts(decision)
    assert not [b for b in gates.blockers_for(Step.MEETING, facts) if b.rule in ("A6", "A12")]


def test_a6_a_new_opinion_after_the_report_asks_for_a_new_one(dcity):
    decision = dcity.launched()
    first = add(dcity, decision)
    svc.opinion_handle(actor=dcity.office, opinion=first, adoption=Adoption.ADOPTED)
    svc.adoption_report_generate(actor=dcity.office, decision=decision)
    second = add(dcity, decision)
    svc.opinion_handle(actor=dcity.office, opinion=second, adoption=Adoption.ADOPTED)
    found = gates.blockers_for(Step.MEETING, decision_facts(decision))
    assert ("A12", "缺少公众意见采纳情况说明") in [(b.rule, b.message) for b in found]
    svc.adoption_report_generate(actor=dcity.office, decision=decision)
    found = gates.blockers_for(Step.MEETING, decision_facts(decision))
    assert "缺少公众意见采纳情况说明" not in [b.message for b in found]


def test_a6_partial_or_refused_adoption_needs_a_reason(dcity):
    decision = dcity.launched()
    opinion = add(dcity, decision)
    for adoption in (Adoption.PARTLY, Adoption.NOT_ADOPTED):
        with pytest.raises(ValidationFailed) as bad:
            svc.opinion_handle(actor=dcity.drc_liaison, opinion=opinion, adoption=adoption)
        assert fields(bad.value) == {"reason"}
    with pytest.raises(ValidationFailed):
        svc.opinion_handle(actor=dcity.drc_liaison, opinion=opinion, adoption="maybe")


def test_opinions_group_public_comments_and_are_numbered(dcity):
    decision = dcity.launched()
    consultation = consult(dcity, decision, end="2025-04-30")
    rows = comments(consultation, 3)
    grouped = add(
        dcity,
        decision,
        summary="建议延长免费停车时长",
        consultation=consultation,
        comment_ids=[rows[0].pk, rows[1].pk],
    )
    assert grouped.seq == 1 and grouped.comment_count == 2
    assert set(grouped.comments.values_list("pk", flat=True)) == {rows[0].pk, rows[1].pk}
    with pytest.raises(ValidationFailed) as bad:
        add(dcity, decision, comment_ids=[rows[1].pk])
    assert fields(bad.value) == {"comment_ids"}
    assert add(dcity, decision).seq == 2


def test_a9_the_justice_bureaus_consultation_opinion_is_not_a_legality_review(dcity):
    """Given the justice bureau's opinion recorded as a department opinion, When the meeting
    step is checked, Then it is still blocked: 未经合法性审查 (A9)."""
    decision = dcity.launched()
    opinion = add(
        dcity,
        decision,
        source=OpinionSource.DEPARTMENT,
        source_unit=dcity.justice,
        summary="经审查，草案合法",
    )
    svc.opinion_handle(actor=dcity.drc_liaison, opinion=opinion, adoption=Adoption.ADOPTED)
    found = gates.blockers_for(Step.MEETING, decision_facts(decision))
    assert ("A9", "未经合法性审查") in [(b.rule, b.message) for b in found]


# ---- A5 -------------------------------------------------------------------------------------------


def hearing_for(dcity, decision, held_on="2025-05-10", **kwargs):
    values = {"title": "停车收费听证会", "held_on": held_on, "place": "市政府第一会议室"}
    values.update(kwargs)
    return svc.hearing_create(actor=dcity.drc_liaison, decision=decision, **values)


def published(hearing, dcity, day=1):
    svc.hearing_participants_publish(
        actor=dcity.drc_liaison,
        hearing=hearing,
        published_at=dt.datetime(2025, 5, day, 9, tzinfo=TZ),
    )


def test_a5_materials_served_five_days_before_are_flagged_for_that_participant(dcity):
    """Given a hearing on 2025-05-10 and a participant served on 2025-05-05, When the hearing
    is confirmed, Then the system flags 材料送达不足7日 for that participant."""
    decision = dcity.launched()
    hearing = hearing_for(dcity, decision)
    svc.participant_add(
        actor=dcity.drc_liaison, hearing=hearing, name="李四", materials_served_on="2025-05-01"
    )
    svc.participant_add(
        actor=dcity.drc_liaison, hearing=hearing, name="张三", materials_served_on="2025-05-05"
    )
    published(hearing, dcity)
    with pytest.raises(ProcedureBlocked) as refused:
        svc.hearing_confirm(actor=dcity.drc_liaison, hearing=hearing)
    assert messages_of(refused.value) == ["张三：材料送达不足7日"]
    assert fields(refused.value) == {"A5"}
    hearing.refresh_from_db()
    assert hearing.state == HearingState.PLANNED


def test_a5_the_lists_are_published_before_the_day(dcity):
    decision = dcity.launched()
    hearing = hearing_for(dcity, decision, selection_method="随机抽取")
    with pytest.raises(ValidationFailed):
        published(hearing, dcity)  # no participants yet
    svc.participant_add(
        actor=dcity.drc_liaison, hearing=hearing, name="张三", materials_served_on="2025-05-01"
    )
    with pytest.raises(ProcedureBlocked) as late:
        published(hearing, dcity, day=10)
    assert fields(late.value) == {"A5"}
    published(hearing, dcity)
    with pytest.raises(ProcedureBlocked) as refused:
        svc.hearing_confirm(actor=dcity.drc_liaison, hearing=hearing)
    assert messages_of(refused.value) == ["参加人遴选办法尚未公布"]
    svc.hearing_selection_publish(
        actor=dcity.drc_liaison, hearing=hearing, published_at=dt.datetime(2025, 4, 20, tzinfo=TZ)
    )
    hearing = svc.hearing_confirm(actor=dcity.drc_liaison, hearing=hearing)
    assert hearing.state == HearingState.CONFIRMED


def test_a5_the_hearing_closes_only_with_a_signed_record_or_refusal_per_participant(dcity):
    decision = dcity.launched()
    hearing = hearing_for(dcity, decision)
    zhang = svc.participant_add(
        actor=dcity.drc_liaison, hearing=hearing, name="张三", materials_served_on="2025-05-01"
    )
    li = svc.participant_add(
        actor=dcity.drc_liaison, hearing=hearing, name="李四", materials_served_on="2025-05-02"
    )
    published(hearing, dcity)
    svc.hearing_confirm(actor=dcity.drc_liaison, hearing=hearing)
    found = gates.blockers_for(Step.REQUEST_REVIEW, decision_facts(decision))
    assert ("A5", "听证会尚未结束") in [(b.rule, b.message) for b in found]
    svc.participant_signed_record_add(actor=dcity.drc_liaison, participant=zhang, upload=pdf())
    with pytest.raises(ProcedureBlocked) as refused:
        svc.hearing_close(actor=dcity.drc_liaison, hearing=hearing)
    assert messages_of(refused.value) == ["李四：缺少签字的听证笔录或拒签说明"]
    svc.participant_refusal_record(actor=dcity.drc_liaison, participant=li, note="当场拒绝签字")
    hearing = svc.hearing_close(actor=dcity.drc_liaison, hearing=hearing)
    assert hearing.state == HearingState.CLOSED
    zhang.refresh_from_db()
    assert zhang.signed_record.kind == "signed_record"
    found = gates.blockers_for(Step.REQUEST_REVIEW, decision_facts(decision))
    assert "A5" not in {b.rule for b in found}
