"""The procedure after the investigation (B9, B11; Arts 44, 45, 61–64), through the services."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import selectors, services
from ganchao.enforcement.choices import (
    ActionKind,
    ClockName,
    ClockState,
    DecisionKind,
    DeliveryMethod,
    PenaltyKind,
    Stage,
    StatementKind,
)
from ganchao.enforcement.models import (
    Action,
    Case,
    CaseDecision,
    CaseFile,
    CaseRecord,
    CollectiveDiscussion,
    Hearing,
    LegalReview,
    PenaltyNotice,
)
from ganchao.enforcement.tests.conftest import pdf

SERVED = dt.date(2026, 3, 10)


def reviewed_case(ecity, *, fine="5000", penalties=(PenaltyKind.FINE,), matter=None, **kw):
    """A case investigated and reviewed with a proposal (张三, a person; 5,000 yuan)."""
    actor = ecity.officer_user_a
    case = ecity.open_case(matter=matter, **kw)
    services.case_investigate(actor=actor, case=case)
    services.record_add(actor=actor, case=case, text="现场检查笔录：院内搭建彩钢房约30平方米")
    services.case_update(
        actor=actor,
        case=case,
        facts="当事人未经规划许可在院内搭建彩钢房约30平方米",
        proposed_penalties=list(penalties),
        proposed_fine=fine,
        proposed_summary="拟责令限期拆除并处罚款",
    )
    services.case_submit_review(actor=actor, case=case, opinion="事实清楚，证据确凿，同意告知")
    return Case.objects.get(pk=case.pk)


def notified_case(ecity, served_on=SERVED, **kw):
    case = reviewed_case(ecity, **kw)
    services.notice_serve(actor=ecity.officer_user_a, case=case, served_on=served_on)
    return Case.objects.get(pk=case.pk)


def heard_case(ecity, **kw):
    case = notified_case(ecity, **kw)
    services.statement_record(
        actor=ecity.officer_user_a,
        case=case,
        kind=StatementKind.STATEMENT,
        received_on=SERVED + dt.timedelta(days=2),
        text="当事人称彩钢房用于堆放农具",
        adopted=False,
        handling="所称理由不能否定违法事实",
    )
    return Case.objects.get(pk=case.pk)


def decide(ecity, case, **kw):
    fields = {
        "kind": DecisionKind.PENALTY,
        "penalties": [PenaltyKind.FINE],
        "fine": "5000",
        "decided_on": dt.date(2026, 3, 20),
    }
    fields.update(kw)
    return services.decide(actor=ecity.head, case=case, **fields)


def issue(decision):
    """The document slice's issuance, done by hand here."""
    CaseDecision.objects.filter(pk=decision.pk).update(
        issued_at=timezone.now(), issued_by=decision.decided_by, social_impact=False
    )


def blocked(excinfo) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in excinfo.value.errors]


# ---- notice ---------------------------------------------------------------------------------


def test_notice_moves_to_notified_and_keeps_the_proposal(ecity):
    """Given a reviewed case, When the officer serves the notice, Then the case is notified, the
    notice keeps the proposal as notified, names 陈述、申辩 and a record is written."""
    case = reviewed_case(ecity)
    notice = services.notice_serve(actor=ecity.officer_user_a, case=case, served_on=SERVED)
    case.refresh_from_db()
    assert case.stage == Stage.NOTIFIED
    assert notice.proposed_penalties == [PenaltyKind.FINE]
    assert notice.proposed_fine == Decimal("5000.00")
    assert "陈述" in notice.rights and "申辩" in notice.rights
    assert notice.hearing_right is False and "听证" not in notice.rights
    assert CaseRecord.objects.filter(case=case, stage=Stage.NOTIFIED).exists()


def test_hearing_right_defaults_on_for_a_large_fine(ecity):
    """Art. 63: a fine reaching the major threshold (10,000 yuan for a person) gives the
    hearing right; the rights text names 听证 and the 5 working days; it cannot be left out."""
    case = reviewed_case(ecity, fine="15000")
    with pytest.raises(ProcedureBlocked) as excinfo:
        services.notice_serve(
            actor=ecity.officer_user_a, case=case, served_on=SERVED, hearing_right=False
        )
    assert blocked(excinfo)[0][0] == "B9"
    notice = services.notice_serve(actor=ecity.officer_user_a, case=case, served_on=SERVED)
    assert notice.hearing_right is True
    assert "听证" in notice.rights and "5个工作日" in notice.rights


def test_hearing_right_for_revocation(ecity):
    case = reviewed_case(ecity, fine=None, penalties=(PenaltyKind.REVOKE_LICENCE,))
    notice = services.notice_serve(actor=ecity.officer_user_a, case=case, served_on=SERVED)
    assert notice.hearing_right is True


def test_notice_refused_for_a_non_penalty_case_and_for_others(ecity):
    case = reviewed_case(ecity, matter=ecity.permit, fine=None, penalties=())
    with pytest.raises(Conflict):
        services.notice_serve(actor=ecity.officer_user_a, case=case, served_on=SERVED)
    other = reviewed_case(ecity)
    with pytest.raises(Forbidden):
        services.notice_serve(actor=ecity.nr_officer_user, case=other, served_on=SERVED)
    assert not PenaltyNotice.objects.exists()


# ---- B9: no decision without the notice and hearing the party -------------------------------


def test_b9_no_decision_without_notice(ecity):
    """B9: Given a penalty case not yet notified, When the head decides, Then 【B9】 refused."""
    case = reviewed_case(ecity)
    with pytest.raises(ProcedureBlocked) as excinfo:
        decide(ecity, case)
    assert blocked(excinfo)[0][0] == "B9"
    assert "告知" in blocked(excinfo)[0][1]
    assert not CaseDecision.objects.exists()


def test_b9_no_decision_before_the_party_is_heard(ecity, time_machine):
    """B9: notified, the party has not spoken and the period runs: refused; once the party
    states its case the head may decide."""
    time_machine.move_to(dt.datetime(2026, 3, 12, 10, tzinfo=dt.UTC))
    case = notified_case(ecity)
    with pytest.raises(ProcedureBlocked) as excinfo:
        decide(ecity, case, decided_on=dt.date(2026, 3, 12))
    assert "陈述申辩" in blocked(excinfo)[0][1]
    services.statement_record(
        actor=ecity.officer_user_a,
        case=case,
        kind=StatementKind.STATEMENT,
        received_on=dt.date(2026, 3, 11),
        text="请求从轻处罚",
        adopted=True,
        handling="当事人主动拆除，予以采纳",
    )
    decision = decide(ecity, case, decided_on=dt.date(2026, 3, 12))
    assert decision.kind == DecisionKind.PENALTY
    assert Case.objects.get(pk=case.pk).stage == Stage.DECIDED


def test_b9_waiver_lets_the_head_decide(ecity):
    case = notified_case(ecity)
    services.statement_record(
        actor=ecity.officer_user_a,
        case=case,
        kind=StatementKind.WAIVED,
        received_on=SERVED,
    )
    decide(ecity, case)
    assert Case.objects.get(pk=case.pk).stage == Stage.DECIDED


def test_none_only_after_the_period(ecity):
    """期限内未陈述申辩 can be recorded only after the hearing-request due date."""
    case = notified_case(ecity)
    with pytest.raises(ProcedureBlocked) as excinfo:
        services.statement_record(
            actor=ecity.officer_user_a,
            case=case,
            kind=StatementKind.NONE,
            received_on=dt.date(2026, 3, 17),
        )
    assert blocked(excinfo)[0][0] == "B11"
    services.statement_record(
        actor=ecity.officer_user_a,
        case=case,
        kind=StatementKind.NONE,
        received_on=dt.date(2026, 3, 18),
    )
    decide(ecity, case)


def test_b9_hearing_requested_blocks_until_held(ecity):
    """B9: Given the party asked for a hearing, When the head decides, Then refused 【B9】 until
    the hearing is held; once held the decision is major (legal review and collective
    discussion are then required)."""
    actor = ecity.officer_user_a
    case = notified_case(ecity, fine="15000")
    services.statement_record(
        actor=actor,
        case=case,
        kind=StatementKind.HEARING_REQUEST,
        received_on=dt.date(2026, 3, 12),
    )
    hearing = Hearing.objects.get(case=case)
    with pytest.raises(ProcedureBlocked) as excinfo:
        decide(ecity, case, fine="15000")
    assert ("B9", "当事人已申请听证，听证尚未举行") in blocked(excinfo)
    services.hearing_schedule(
        actor=actor,
        hearing=hearing,
        notified_on=dt.date(2026, 3, 13),
        scheduled_on=dt.date(2026, 3, 24),
        place="执法局听证室",
        host="王法制",
    )
    services.hearing_hold(
        actor=actor, hearing=hearing, held_on=dt.date(2026, 3, 24), record_text="双方陈述意见"
    )
    case = Case.objects.get(pk=case.pk)
    facts = selectors.case_facts(case)
    assert facts.major and facts.hearing_held
    with pytest.raises(ProcedureBlocked) as excinfo:
        decide(ecity, case, fine="15000", decided_on=dt.date(2026, 3, 30))
    messages = [m for _rule, m in blocked(excinfo)]
    assert "当事人已申请听证，听证尚未举行" not in messages
    assert any("法制审核" in m for m in messages)
    # legal review passed and collective discussion held: now the head may decide
    _pass_review_and_discuss(ecity, case)
    decision = decide(ecity, case, fine="15000", decided_on=dt.date(2026, 4, 2))
    assert decision.fine == Decimal("15000.00")


def _pass_review_and_discuss(ecity, case):
    with transaction.atomic():
        LegalReview.objects.create(
            case=case,
            round=1,
            state="passed",
            submitted_at=dt.datetime(2026, 3, 25, 9, tzinfo=dt.UTC),
            submitted_by=ecity.officer_user_a,
            concluded_at=dt.datetime(2026, 3, 30, 9, tzinfo=dt.UTC),
        )
        CollectiveDiscussion.objects.create(
            case=case,
            held_on=dt.date(2026, 4, 1),
            chair="局长",
            participants="局领导班子",
            conclusion="同意处罚",
            created_by=ecity.head,
        )


def test_only_the_head_decides(ecity):
    case = heard_case(ecity)
    for user in (ecity.officer_user_a, ecity.cg_liaison, ecity.reviewer_user):
        with pytest.raises(Forbidden):
            services.decide(
                actor=user,
                case=case,
                kind=DecisionKind.PENALTY,
                penalties=[PenaltyKind.FINE],
                fine="5000",
                decided_on=dt.date(2026, 3, 20),
            )
    assert not CaseDecision.objects.exists()


# ---- Art. 62: never heavier than notified ---------------------------------------------------


def test_art62_heavier_fine_refused(ecity):
    case = heard_case(ecity)
    with pytest.raises(ProcedureBlocked) as excinfo:
        decide(ecity, case, fine="6000")
    rule, message = blocked(excinfo)[0]
    assert rule == "B9" and "不得因当事人陈述申辩而给予更重的处罚" in message
    assert not CaseDecision.objects.exists()


def test_art62_penalty_kind_not_proposed_refused(ecity):
    case = heard_case(ecity)
    with pytest.raises(ProcedureBlocked) as excinfo:
        decide(ecity, case, penalties=[PenaltyKind.FINE, PenaltyKind.CONFISCATION])
    assert "更重的处罚" in blocked(excinfo)[0][1]


def test_art62_lighter_allowed_and_heavier_after_renotice(ecity):
    """A lighter fine is fine; to go heavier the officer changes the proposal and notifies
    again — the proposal changed without a new notice still counts as the old one."""
    case = heard_case(ecity)
    services.case_update(actor=ecity.officer_user_a, case=case, proposed_fine="8000")
    with pytest.raises(ProcedureBlocked):
        decide(ecity, case, fine="8000")
    services.notice_serve(actor=ecity.officer_user_a, case=case, served_on=dt.date(2026, 3, 16))
    on_18_march = time_machine.travel(dt.datetime(2026, 3, 18, 10, tzinfo=dt.UTC), tick=False)
    with on_18_march, pytest.raises(ProcedureBlocked) as excinfo:
        decide(ecity, case, fine="8000", decided_on=dt.date(2026, 3, 17))
    assert blocked(excinfo) == [("B9", "重新告知后，尚未听取当事人的陈述申辩")]
    services.statement_record(
        actor=ecity.officer_user_a,
        case=case,
        kind=StatementKind.WAIVED,
        received_on=dt.date(2026, 3, 16),
    )
    decision = decide(ecity, case, fine="8000")
    assert decision.fine == Decimal("8000.00")


def test_decision_prefills_the_document(ecity):
    case = heard_case(ecity)
    decision = decide(ecity, case)
    assert decision.party_name == "张三"
    assert decision.party_address == "赶超市西湖镇李庄村18号"
    assert decision.facts_evidence.startswith("当事人未经规划许可")
    assert "《中华人民共和国城乡规划法》第六十四条" in decision.penalty_basis
    assert decision.remedy == (
        "如不服本决定，可以在收到本决定书之日起六十日内向赶超市人民政府申请行政复议，"
        "或者在六个月内依法向赶超市人民法院提起行政诉讼。"
    )
    assert decision.organ_name == "赶超市城市管理综合行政执法局"
    assert decision.performance.startswith("自收到本决定书之日起十五日内缴纳罚款")
    assert CaseRecord.objects.filter(
        case=case, stage=Stage.DECIDED, text__startswith="负责人决定："
    ).exists()


def test_non_penalty_decided_without_notice(ecity):
    """A permit case goes from 审核 straight to the head's decision (no notice)."""
    case = reviewed_case(ecity, matter=ecity.permit, fine=None, penalties=())
    decision = services.decide(
        actor=ecity.head,
        case=case,
        kind=DecisionKind.PERMIT,
        decided_on=dt.date(2026, 3, 5),
    )
    assert decision.kind == DecisionKind.PERMIT and decision.performance == ""
    assert Case.objects.get(pk=case.pk).stage == Stage.DECIDED
    with pytest.raises(ValidationFailed):
        services.decide(
            actor=ecity.head,
            case=reviewed_case(ecity, matter=ecity.permit, fine=None, penalties=()),
            kind=DecisionKind.PENALTY,
            penalties=[PenaltyKind.FINE],
            fine="100",
            decided_on=dt.date(2026, 3, 5),
        )


# ---- B11 clocks -----------------------------------------------------------------------------


def test_b11_decide_clock_overdue_on_day_91(ecity):
    """B11: Given a case filed on 2025-01-02, When no decision exists on 2025-04-03 (day 91),
    Then the case's decide clock is overdue."""
    case = ecity.open_case(filed_on=dt.date(2025, 1, 2))
    clocks = {c.name: c for c in selectors.case_clocks(case, today=dt.date(2025, 4, 3))}
    assert clocks[ClockName.DECIDE].due == dt.date(2025, 4, 2)
    assert clocks[ClockName.DECIDE].state == ClockState.OVERDUE
    on_time = {c.name: c for c in selectors.case_clocks(case, today=dt.date(2025, 4, 2))}
    assert on_time[ClockName.DECIDE].state != ClockState.OVERDUE


def test_b11_hearing_request_window_across_the_spring_festival(ecity):
    """B11: notified on Friday 2025-01-24, the 5 working days run over the Spring Festival
    (28 Jan – 4 Feb off, Sunday 26 Jan a working day): due 2025-02-07. A request on 7 February
    is accepted; on 8 February refused 【B11】."""
    late = notified_case(
        ecity, served_on=dt.date(2025, 1, 24), fine="15000", filed_on=dt.date(2025, 1, 2)
    )
    with pytest.raises(ProcedureBlocked) as excinfo:
        services.statement_record(
            actor=ecity.officer_user_a,
            case=late,
            kind=StatementKind.HEARING_REQUEST,
            received_on=dt.date(2025, 2, 8),
        )
    assert blocked(excinfo) == [("B11", "已超过申请听证期限（告知后5个工作日）")]
    assert not Hearing.objects.filter(case=late).exists()
    on_time = notified_case(
        ecity, served_on=dt.date(2025, 1, 24), fine="15000", filed_on=dt.date(2025, 1, 2)
    )
    services.statement_record(
        actor=ecity.officer_user_a,
        case=on_time,
        kind=StatementKind.HEARING_REQUEST,
        received_on=dt.date(2025, 2, 7),
    )
    assert Hearing.objects.filter(case=on_time, requested_on=dt.date(2025, 2, 7)).exists()
    clocks = {c.name: c for c in selectors.case_clocks(on_time, today=dt.date(2025, 2, 10))}
    assert clocks[ClockName.HEARING_REQUEST].due == dt.date(2025, 2, 7)
    assert clocks[ClockName.HEARING_REQUEST].state == ClockState.MET


def test_b11_hearing_notified_seven_working_days_before(ecity):
    """B11: notified on Wednesday 2026-03-18, the hearing may be held on 2026-03-27 at the
    earliest; 26 March is refused 【B11】 and nothing is saved."""
    case = notified_case(ecity, fine="15000")
    services.statement_record(
        actor=ecity.officer_user_a,
        case=case,
        kind=StatementKind.HEARING_REQUEST,
        received_on=dt.date(2026, 3, 12),
    )
    hearing = Hearing.objects.get(case=case)
    fields = {"notified_on": dt.date(2026, 3, 18), "place": "听证室", "host": "王法制"}
    with pytest.raises(ProcedureBlocked) as excinfo:
        services.hearing_schedule(
            actor=ecity.officer_user_a,
            hearing=hearing,
            scheduled_on=dt.date(2026, 3, 26),
            **fields,
        )
    rule, message = blocked(excinfo)[0]
    assert rule == "B11" and message.startswith("听证应当在举行7个工作日前通知当事人")
    assert Hearing.objects.get(pk=hearing.pk).scheduled_on is None
    services.hearing_schedule(
        actor=ecity.officer_user_a, hearing=hearing, scheduled_on=dt.date(2026, 3, 27), **fields
    )
    with pytest.raises(ValidationFailed):
        services.hearing_schedule(
            actor=ecity.officer_user_a,
            hearing=hearing,
            scheduled_on=dt.date(2026, 3, 30),
            notified_on=dt.date(2026, 3, 18),
            place="听证室",
            host="张执法",
        )


# ---- delivery and execution -----------------------------------------------------------------


def test_serve_needs_the_issued_document(ecity):
    case = heard_case(ecity)
    decide(ecity, case)
    with pytest.raises(ProcedureBlocked) as excinfo:
        services.delivery_record(
            actor=ecity.officer_user_a,
            case=case,
            method=DeliveryMethod.DIRECT,
            delivered_on=dt.date(2026, 3, 23),
            recipient="张三",
        )
    assert blocked(excinfo)[0][0] == "B12"


def test_b11_electronic_delivery_without_consent_refused(ecity):
    """B11: electronic delivery only with the party's signed consent; with it the consent is
    stored hashed in the served stage."""
    case = heard_case(ecity)
    issue(decide(ecity, case))
    fields = {
        "actor": ecity.officer_user_a,
        "case": case,
        "method": DeliveryMethod.ELECTRONIC,
        "delivered_on": dt.date(2026, 3, 23),
        "recipient": "张三",
    }
    with pytest.raises(ProcedureBlocked) as excinfo:
        services.delivery_record(**fields)
    assert blocked(excinfo) == [("B11", "电子送达须附当事人签署的同意确认书")]
    assert Case.objects.get(pk=case.pk).stage == Stage.DECIDED
    delivery = services.delivery_record(**fields, consent_upload=pdf("电子送达确认书.pdf"))
    assert delivery.consent_file.stage == Stage.SERVED
    assert len(delivery.consent_file.sha256) == 64
    assert Case.objects.get(pk=case.pk).stage == Stage.SERVED


def test_delivery_execution_rectification(ecity):
    actor = ecity.officer_user_a
    case = heard_case(ecity)
    issue(decide(ecity, case))
    services.delivery_record(
        actor=actor,
        case=case,
        method=DeliveryMethod.DIRECT,
        delivered_on=dt.date(2026, 3, 23),
        recipient="张三",
    )
    services.execution_record(
        actor=actor,
        case=case,
        done_on=dt.date(2026, 4, 1),
        amount_paid="5000",
        note="当事人已缴纳罚款",
    )
    services.rectification_verify(
        actor=actor, case=case, rectified_on=dt.date(2026, 4, 3), note="彩钢房已拆除"
    )
    case = Case.objects.get(pk=case.pk)
    assert case.stage == Stage.EXECUTING and case.rectified_on == dt.date(2026, 4, 3)
    assert {Stage.SERVED, Stage.EXECUTING} <= set(
        CaseRecord.objects.filter(case=case).values_list("stage", flat=True)
    )
    services.case_close(actor=actor, case=case)
    assert Case.objects.get(pk=case.pk).stage == Stage.CLOSED
    assert CaseFile.objects.count() == 0


def test_preservation_resolved(ecity):
    case = ecity.open_case()
    with transaction.atomic():
        action = Action.objects.create(
            case=case,
            stage=Stage.INVESTIGATING,
            kind=ActionKind.PRESERVATION,
            started_at=dt.datetime(2026, 3, 3, 2, tzinfo=dt.UTC),
            created_by=ecity.officer_user_a,
        )
    services.preservation_resolve(
        actor=ecity.officer_user_a,
        action=action,
        resolved_on=dt.date(2026, 3, 9),
        resolution="解除先行登记保存，退还当事人",
    )
    clocks = {c.name: c for c in selectors.case_clocks(case, today=dt.date(2026, 3, 20))}
    assert clocks[ClockName.PRESERVATION].state == ClockState.MET
    with pytest.raises(Conflict):
        services.preservation_resolve(
            actor=ecity.officer_user_a,
            action=action,
            resolved_on=dt.date(2026, 3, 9),
            resolution="再次处理",
        )


def test_empty_consent_file_refused(ecity):
    case = heard_case(ecity)
    issue(decide(ecity, case))
    empty = SimpleUploadedFile("空.pdf", b"", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        services.delivery_record(
            actor=ecity.officer_user_a,
            case=case,
            method=DeliveryMethod.ELECTRONIC,
            delivered_on=dt.date(2026, 3, 23),
            recipient="张三",
            consent_upload=empty,
        )
    assert Case.objects.get(pk=case.pk).stage == Stage.DECIDED
