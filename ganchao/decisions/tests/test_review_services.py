"""The legality review (LEGAL_RULES A9, A10, A11): requesting, the reviewer's clock, the
opinion and the hard gate before the meeting."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions import services
from ganchao.decisions.choices import (
    AdviserConclusion,
    AdviserKind,
    MaterialKind,
    OpinionSource,
    ReviewConclusion,
    ReviewState,
    State,
    Step,
)
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import (
    AdviserConsultation,
    Decision,
    DecisionFile,
    LegalAdviser,
    Opinion,
)
from ganchao.decisions.selectors_review import clock
from ganchao.decisions.services import review as review_services
from ganchao.decisions.tests.conftest import pdf
from ganchao.orgs.choices import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")

SECTIONS = {
    "authority_opinion": "属于市人民政府法定职权范围。",
    "procedure_opinion": "已依法履行公众参与等法定程序。",
    "content_opinion": "内容符合法律、法规、规章和国家政策。",
}


@pytest.fixture(autouse=True)
def _fresh_calendar():
    workdays.end_session(force=True)
    yield
    workdays.end_session(force=True)


def ready_for_review(dcity, **kwargs) -> Decision:
    """Launched, participation exempted (A3) so that the review may be requested."""
    decision = dcity.launched(**kwargs)
    services.participation_exempt(
        actor=dcity.drc_liaison, decision=decision, legal_basis="《政府信息公开条例》第十四条"
    )
    return Decision.objects.get(pk=decision.pk)


def request(dcity, decision, **kwargs):
    fields = {
        "legal_basis": "《价格法》第二十三条",
        "procedure_statement": "已开展风险评估，依法不予公开……",
    }
    fields.update(kwargs)
    return review_services.review_request(actor=dcity.drc_liaison, decision=decision, **fields)


def adviser_opinion(dcity, review, *, kind=AdviserKind.GOVERNMENT_ADVISER, adviser=None):
    adviser = adviser or dcity.adviser
    if adviser.kind != kind:
        adviser.kind = kind
        adviser.save(update_fields=["kind"])
    return AdviserConsultation.objects.create(
        unit=dcity.justice,
        adviser=adviser,
        legality_review=review,
        subject="停车收费标准调整合法性",
        opinion="合法合规。",
        conclusion=AdviserConclusion.COMPLIANT,
        consulted_on=dt.date(2026, 3, 2),
        recorded_by=dcity.reviewer,
    )


def conclude(dcity, review, conclusion=ReviewConclusion.LAWFUL, **kwargs):
    fields = {**SECTIONS, "conclusion": conclusion, **kwargs}
    return review_services.review_conclude(actor=dcity.reviewer, review=review, **fields)


def lawful_review(dcity, decision=None):
    decision = decision or ready_for_review(dcity)
    review = request(dcity, decision)
    adviser_opinion(dcity, review)
    return conclude(dcity, review)


def blocked_rules(decision, step=Step.MEETING) -> dict:
    """{rule: message} of what refuses the step ({} when nothing does)."""
    try:
        services.require(Decision.objects.get(pk=decision.pk), step)
    except ProcedureBlocked as exc:
        return {e.field: e.message for e in exc.errors}
    return {}


# ---- request (A10) ------------------------------------------------------------------------------


def test_request_moves_the_decision_into_review_with_its_materials(dcity):
    """Given a launched decision with participation exempted,
    When the lead undertaker requests the review with the legal basis, the procedure statement
    and the three attachments,
    Then the decision is in review, the review covers draft 1, the reviewing unit defaults to
    the justice bureau and the files are stored against the review."""
    decision = ready_for_review(dcity)
    review = request(
        dcity,
        decision,
        files=[
            (MaterialKind.DRAFT, pdf("草案.pdf")),
            (MaterialKind.LEGAL_BASIS, pdf("依据.pdf")),
            (MaterialKind.PROCEDURE_STATEMENT, pdf("程序说明.pdf")),
        ],
    )
    assert Decision.objects.get(pk=decision.pk).state == State.IN_REVIEW
    assert review.draft.number == 1 and review.reviewing_unit == dcity.justice
    assert review.state == ReviewState.REQUESTED
    kinds = set(
        DecisionFile.objects.filter(procedure="legality", object_id=review.pk).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"draft", "legal_basis", "procedure_statement"}


def test_request_needs_legal_basis_and_procedure_statement(dcity):
    """Given a decision ready for review,
    When the request has neither the legal basis nor the procedure statement,
    Then it is refused naming both fields, and the decision stays launched."""
    decision = ready_for_review(dcity)
    with pytest.raises(ValidationFailed) as info:
        request(dcity, decision, legal_basis=" ", procedure_statement="")
    assert {e.field for e in info.value.errors} == {"legal_basis", "procedure_statement"}
    assert Decision.objects.get(pk=decision.pk).state == State.LAUNCHED


def test_request_is_gated_by_public_participation(dcity):
    """Given a launched decision with no public participation and no exemption (A3),
    When the review is requested, Then it is refused 409 procedure_blocked naming A3."""
    decision = dcity.launched()
    with pytest.raises(ProcedureBlocked) as info:
        request(dcity, decision)
    assert info.value.errors[0].field == "A3"


def test_request_by_someone_outside_the_undertakers_is_forbidden(dcity):
    """Given a decision ready for review, When the town liaison requests it, Then 403."""
    decision = ready_for_review(dcity)
    with pytest.raises(Forbidden):
        review_services.review_request(
            actor=dcity.liaison_a,
            decision=decision,
            legal_basis="x",
            procedure_statement="y",
        )


def test_request_refuses_a_reviewing_unit_without_reviewers(dcity):
    """Given a decision ready for review, When the chosen reviewing unit has no legality
    reviewer, Then the request is refused naming reviewing_unit."""
    decision = ready_for_review(dcity)
    with pytest.raises(ValidationFailed) as info:
        request(dcity, decision, reviewing_unit=dcity.market)
    assert info.value.errors[0].field == "reviewing_unit"


FRIDAY = dt.datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)


def test_a10_meeting_before_seven_working_days_needs_an_urgency_reason(dcity):
    """A10. Given a request submitted on Friday 2025-09-26, with the National Day holiday loaded,
    When the meeting is booked for 2025-10-09,
    Then the request is refused: fewer than 7 working days were allowed, an urgency reason is
    required; with a reason it is accepted and flagged urgent."""
    decision = ready_for_review(dcity)
    with time_machine.travel(FRIDAY, tick=False):
        with pytest.raises(ProcedureBlocked) as info:
            request(dcity, decision, planned_meeting_on=dt.date(2025, 10, 9))
        assert info.value.errors[0].field == "A10"
        assert info.value.errors[0].message == "合法性审查时间少于7个工作日，须说明紧急情况"
        assert Decision.objects.get(pk=decision.pk).state == State.LAUNCHED
        review = request(
            dcity,
            decision,
            planned_meeting_on=dt.date(2025, 10, 9),
            urgency_reason="省政府要求10月中旬前出台",
        )
        # 28 Sep (Sunday, worked), 29, 30 Sep, 9, 10, 11 Oct (Saturday, worked), 13 Oct
        assert review.earliest_meeting_on == dt.date(2025, 10, 13)
        assert review.due_on == dt.date(2025, 10, 16)
        assert clock(review).urgent is True


def test_a10_a_meeting_after_the_minimum_time_needs_no_reason(dcity):
    """Given a request on 2025-09-26, When the meeting is planned for 2025-10-13 (the 7th
    working day), Then it is accepted and not flagged."""
    decision = ready_for_review(dcity)
    with time_machine.travel(FRIDAY, tick=False):
        review = request(dcity, decision, planned_meeting_on=dt.date(2025, 10, 13))
        assert clock(review).urgent is False


def test_the_reviewers_clock_pauses_while_material_is_supplemented(dcity):
    """A10. Given a review requested on 2025-09-26 (due 2025-10-16),
    When the reviewer asks for supplements on 2025-09-29 and the undertaker supplies them on
    2025-10-10,
    Then the clock stands still meanwhile (days left unchanged) and the due date moves by the
    working days spent supplementing."""
    decision = ready_for_review(dcity)
    with time_machine.travel(FRIDAY, tick=False):
        review = request(dcity, decision)
    with time_machine.travel(dt.datetime(2025, 9, 29, 9, tzinfo=SHANGHAI), tick=False):
        review_services.review_take(actor=dcity.reviewer, review=review)
        left_at_pause = clock(review).days_left
        review = review_services.review_supplement_request(
            actor=dcity.reviewer, review=review, reason="请补充风险评估报告"
        )
        assert review.state == ReviewState.SUPPLEMENTING
    with time_machine.travel(dt.datetime(2025, 10, 9, 9, tzinfo=SHANGHAI), tick=False):
        review.refresh_from_db()
        paused = clock(review)
        assert paused.paused and paused.days_left == left_at_pause
    with time_machine.travel(dt.datetime(2025, 10, 10, 9, tzinfo=SHANGHAI), tick=False):
        review = review_services.review_supplement_done(
            actor=dcity.drc_liaison, review=review, files=[(MaterialKind.SUPPLEMENT, pdf())]
        )
        # 29 Sep → 10 Oct: 30 Sep, 9 Oct, 10 Oct = 3 working days paused
        assert review.state == ReviewState.REQUESTED
        assert review.due_on == workdays.add_working_days(dt.date(2025, 10, 16), 3)
        assert clock(review).days_left == left_at_pause
        assert DecisionFile.objects.filter(kind="supplement", object_id=review.pk).count() == 1


def test_a_second_request_while_one_is_open_is_refused(dcity):
    """Given a review in progress, When the undertaker requests again, Then 409."""
    decision = ready_for_review(dcity)
    request(dcity, decision)
    with pytest.raises(Conflict):
        request(dcity, Decision.objects.get(pk=decision.pk))


# ---- reviewer actions ---------------------------------------------------------------------------


def test_reviewer_actions_need_the_legality_reviewer_role(dcity):
    """Given a requested review, When the office or the undertaker takes or concludes it,
    Then 403."""
    review = request(dcity, ready_for_review(dcity))
    adviser_opinion(dcity, review)
    for actor in (dcity.office, dcity.drc_liaison, dcity.admin):
        with pytest.raises(Forbidden):
            review_services.review_take(actor=actor, review=review)
        with pytest.raises(Forbidden):
            review_services.review_conclude(
                actor=actor, review=review, conclusion=ReviewConclusion.LAWFUL, **SECTIONS
            )


def test_a_reviewer_of_another_unit_may_not_act(dcity):
    """Given a review sent to the justice bureau, When a legality reviewer of 市市场监管局 takes
    it, Then 403."""
    from ganchao.conftest import make_user

    other = make_user("market_reviewer", dcity.market, Role.LEGALITY_REVIEWER)
    review = request(dcity, ready_for_review(dcity), reviewing_unit=dcity.justice)
    with pytest.raises(Forbidden):
        review_services.review_take(actor=other, review=review)


def test_return_sends_the_decision_back_to_launched(dcity):
    """Given a requested review, When the reviewer returns it with a reason,
    Then the review is returned and the decision is launched again, and a new request works."""
    decision = ready_for_review(dcity)
    review = request(dcity, decision)
    with pytest.raises(ValidationFailed):
        review_services.review_return(actor=dcity.reviewer, review=review, reason="")
    review = review_services.review_return(
        actor=dcity.reviewer, review=review, reason="材料不全，缺少法律依据文本"
    )
    assert review.state == ReviewState.RETURNED
    decision = Decision.objects.get(pk=decision.pk)
    assert decision.state == State.LAUNCHED
    again = request(dcity, decision)
    assert again.state == ReviewState.REQUESTED


def test_a11_the_three_sections_are_required(dcity):
    """A11. Given a requested review with an adviser opinion, When the opinion leaves out the
    procedure section, Then finalisation fails naming procedure_opinion."""
    review = request(dcity, ready_for_review(dcity))
    adviser_opinion(dcity, review)
    with pytest.raises(ValidationFailed) as info:
        conclude(dcity, review, procedure_opinion="  ")
    assert [e.field for e in info.value.errors] == ["procedure_opinion"]


def test_a11_finalisation_needs_an_adviser_or_public_lawyer_opinion(dcity):
    """A11. Given a legality opinion with the three sections but no adviser or public-lawyer
    opinion attached, When it is finalised, Then finalisation fails; once a public lawyer's
    opinion is linked, it succeeds."""
    review = request(dcity, ready_for_review(dcity))
    with pytest.raises(ProcedureBlocked) as info:
        conclude(dcity, review)
    assert info.value.errors[0].field == "A11"
    review.refresh_from_db()
    assert review.state == ReviewState.REQUESTED and not review.conclusion
    # an opinion about the decision but not linked to this review does not count
    AdviserConsultation.objects.create(
        unit=dcity.drc,
        adviser=dcity.adviser,
        decision=review.decision,
        subject="其他咨询",
        opinion="……",
        conclusion=AdviserConclusion.COMPLIANT,
        consulted_on=dt.date(2026, 3, 1),
        recorded_by=dcity.drc_liaison,
    )
    with pytest.raises(ProcedureBlocked):
        conclude(dcity, review)
    adviser_opinion(dcity, review, kind=AdviserKind.PUBLIC_LAWYER)
    review = conclude(dcity, review)
    assert review.state == ReviewState.CONCLUDED and review.conclusion == "lawful"


def test_exploratory_needs_the_legal_risk_statement(dcity):
    """A9. Given a review of an exploratory reform, When it is concluded exploratory without a
    legal risk statement, Then it is refused naming legal_risk_statement; with one the meeting
    is no longer blocked by A9."""
    decision = ready_for_review(dcity)
    review = request(dcity, decision)
    adviser_opinion(dcity, review)
    with pytest.raises(ValidationFailed) as info:
        conclude(dcity, review, conclusion=ReviewConclusion.EXPLORATORY)
    assert info.value.errors[0].field == "legal_risk_statement"
    conclude(
        dcity,
        review,
        conclusion=ReviewConclusion.EXPLORATORY,
        legal_risk_statement="国家层面尚无明确规定，存在被认定超越职权的风险。",
    )
    assert "A9" not in blocked_rules(decision)


def test_conclude_while_supplementing_is_refused(dcity):
    """Given a review waiting for supplements, When the reviewer concludes, Then 409."""
    review = request(dcity, ready_for_review(dcity))
    adviser_opinion(dcity, review)
    review_services.review_supplement_request(actor=dcity.reviewer, review=review, reason="补充")
    with pytest.raises(Conflict):
        conclude(dcity, review)


# ---- A9: the hard gate --------------------------------------------------------------------------


def test_a9_missing_review_blocks_the_meeting(dcity):
    """A9. Given a decision that was never reviewed, When it goes to the meeting,
    Then it is refused with 未经合法性审查."""
    decision = ready_for_review(dcity)
    assert blocked_rules(decision)["A9"] == "未经合法性审查"


def test_a9_review_in_progress_blocks_the_meeting(dcity):
    """A9. Given a review requested but not concluded, When the meeting step is required,
    Then it is refused under A9."""
    decision = ready_for_review(dcity)
    request(dcity, decision)
    assert blocked_rules(decision)["A9"] == "未经合法性审查"


def test_a9_unlawful_blocks_the_meeting_for_everyone(dcity):
    """A9. Given a review concluded unlawful, When the meeting step is required (by anyone —
    the gate has no actor), Then it is refused under A9."""
    decision = ready_for_review(dcity)
    review = request(dcity, decision)
    adviser_opinion(dcity, review)
    conclude(dcity, review, conclusion=ReviewConclusion.UNLAWFUL)
    assert "不合法" in blocked_rules(decision)["A9"]


def test_a9_a_justice_bureau_comment_in_the_consultation_does_not_count(dcity):
    """A9. Given a case whose only legal input is a comment from the legality department logged
    in the consultation module, When it is scheduled for the 常务会议,
    Then scheduling is refused with the error 未经合法性审查."""
    decision = ready_for_review(dcity)
    Opinion.objects.create(
        decision=decision,
        source=OpinionSource.DEPARTMENT,
        source_unit=dcity.justice,
        source_name="市司法局",
        summary="经审查，该草案合法。",
        seq=1,
        adoption="adopted",
    )
    assert blocked_rules(decision)["A9"] == "未经合法性审查"


def test_a9_lawful_review_clears_the_gate(dcity):
    """Given a lawful review of the current draft, When the meeting step is required,
    Then A9 is not among the blockers."""
    decision = ready_for_review(dcity)
    lawful_review(dcity, decision)
    assert "A9" not in blocked_rules(decision)


def test_a9_a_newer_draft_needs_a_new_review(dcity):
    """Given a lawful review of draft 1, When draft 2 is made, Then A9 blocks again."""
    decision = ready_for_review(dcity)
    lawful_review(dcity, decision)
    services.draft_add(
        actor=dcity.drc_liaison, decision=decision, text="第二稿", change_note="调整标准"
    )
    assert "重新" in blocked_rules(decision)["A9"]


def test_lawful_after_changes_needs_a_newer_draft_and_the_confirmation(dcity):
    """Given a review concluded lawful after changes,
    When the undertaker confirms without a newer draft, Then it is refused; after draft 2 the
    confirmation passes and A9 is cleared even though draft 2 was not itself reviewed."""
    decision = ready_for_review(dcity)
    review = request(dcity, decision)
    adviser_opinion(dcity, review)
    conclude(dcity, review, conclusion=ReviewConclusion.LAWFUL_AFTER_CHANGES)
    assert "尚未落实" in blocked_rules(decision)["A9"]
    with pytest.raises(ValidationFailed):
        review_services.review_changes_confirm(actor=dcity.drc_liaison, review=review)
    services.draft_add(
        actor=dcity.drc_liaison, decision=decision, text="第二稿", change_note="按审查意见修改"
    )
    review = review_services.review_changes_confirm(actor=dcity.drc_liaison, review=review)
    assert review.changes_confirmed_at is not None
    assert "A9" not in blocked_rules(decision)


def test_unlawful_then_a_new_draft_may_be_reviewed_again(dcity):
    """Given a review concluded unlawful on draft 1, When the undertaker requests again without
    a new draft, Then 409; after draft 2 the new request is accepted while in review."""
    decision = ready_for_review(dcity)
    review = request(dcity, decision)
    adviser_opinion(dcity, review)
    conclude(dcity, review, conclusion=ReviewConclusion.UNLAWFUL)
    with pytest.raises(Conflict):
        request(dcity, Decision.objects.get(pk=decision.pk))
    services.draft_add(
        actor=dcity.drc_liaison, decision=decision, text="第二稿", change_note="删除违法条款"
    )
    second = request(dcity, Decision.objects.get(pk=decision.pk))
    assert second.draft.number == 2
    assert Decision.objects.get(pk=decision.pk).state == State.IN_REVIEW


def test_adviser_of_another_kind_does_not_count(dcity):
    """A11. Given an opinion linked to the review from an adviser who is neither a government
    legal adviser nor a public lawyer, Then finalisation still fails."""
    review = request(dcity, ready_for_review(dcity))
    with transaction.atomic():
        other = LegalAdviser.objects.create(
            name="某顾问",
            kind="other",
            appointing_unit=dcity.root,
            organisation="某所",
            qualification="X",
            term_start=dt.date(2025, 1, 1),
            term_end=dt.date(2027, 1, 1),
        )
    adviser_opinion(dcity, review, kind="other", adviser=other)
    with pytest.raises(ProcedureBlocked):
        conclude(dcity, review)
