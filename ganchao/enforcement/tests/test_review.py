"""The legal review of major enforcement decisions (LEGAL_RULES B8, B9, B10) and the collective
discussion (Art. 57), through the services and the gates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import gates, selectors, services
from ganchao.enforcement.choices import (
    MajorReason,
    PartyKind,
    PenaltyKind,
    ReviewItem,
    ReviewState,
    Stage,
    StatementKind,
    Step,
    Verdict,
)
from ganchao.enforcement.models import Action, Case, CaseRecord, Hearing, LegalReview, Officer
from ganchao.enforcement.tests.review_support import (
    ALL_PASS,
    assigned,
    concluded,
    heard_case,
    submitted,
    with_problem,
)


def facts_of(case):
    return selectors.case_facts(Case.objects.get(pk=case.pk))


def b9(found):
    return [b for b in found if b.rule == "B9"]


# ---- B8 --------------------------------------------------------------------------------------


def test_b8_fine_of_15000_on_a_person_is_routed_to_legal_review(ecity):
    """Given thresholds of 10,000 (person) and 100,000 (organisation) and a draft fine of 15,000
    on a person, When it goes to the head's decision, Then it is routed to legal review first."""
    case = heard_case(ecity, fine="15000")
    facts = facts_of(case)
    assert facts.major_reasons == [MajorReason.FINE_PERSON]
    assert gates.next_step(facts.stage, facts) == Step.SUBMIT_LEGAL_REVIEW
    assert [b.message for b in b9(gates.blockers_for(Step.DECIDE, facts))][0] == (
        "重大执法决定未经法制审核，不得作出决定"
    )


def test_b8_fine_of_50000_on_an_organisation_is_not_major(ecity):
    case = heard_case(ecity, fine="50000", party_kind=PartyKind.ORGANISATION)
    facts = facts_of(case)
    assert facts.major_reasons == []
    assert gates.next_step(facts.stage, facts) == Step.DECIDE
    assert gates.blockers_for(Step.DECIDE, facts) == []
    with pytest.raises(Conflict) as refused:
        submitted(ecity, case)
    assert refused.value.message == "非重大执法决定无需法制审核"
    assert LegalReview.objects.count() == 0


def test_b8_voluntary_review_of_a_case_that_is_not_major(ecity):
    case = heard_case(ecity, fine="500")
    review = submitted(ecity, case, voluntary=True)
    assert review.round == 1 and Case.objects.get(pk=case.pk).stage == Stage.LEGAL_REVIEW


def test_b8_hearing_held_makes_the_decision_major(ecity):
    case = heard_case(ecity, fine="500", statement=StatementKind.HEARING_REQUEST)
    Hearing.objects.create(
        case=case,
        requested_on=dt.date(2026, 3, 12),
        notified_on=dt.date(2026, 3, 13),
        scheduled_on=dt.date(2026, 3, 25),
        held_on=dt.date(2026, 3, 25),
        created_by=ecity.officer_user_a,
    )
    facts = facts_of(case)
    assert MajorReason.HEARING_HELD in facts.major_reasons
    assert gates.next_step(facts.stage, facts) == Step.SUBMIT_LEGAL_REVIEW


def test_b8_manual_flag_is_added_with_a_reason_and_never_removed(ecity):
    case = heard_case(ecity, fine="500")
    with pytest.raises(ValidationFailed):
        services.case_flag_major(actor=ecity.officer_user_a, case=case, reason="  ")
    services.case_flag_major(actor=ecity.officer_user_a, case=case, reason="群众关注度高")
    case = Case.objects.get(pk=case.pk)
    assert facts_of(case).major_reasons == [MajorReason.MANUAL]
    with pytest.raises(ProcedureBlocked) as refused:
        services.case_update(actor=ecity.officer_user_a, case=case, manual_major=False)
    assert refused.value.errors[0].field == "B8"
    with pytest.raises(Conflict):
        services.case_flag_major(actor=ecity.officer_user_a, case=case, reason="另一理由")
    assert Case.objects.get(pk=case.pk).manual_major_reason == "群众关注度高"


# ---- B9 --------------------------------------------------------------------------------------


def test_b9_returned_review_blocks_the_decision_until_a_passed_resubmission(ecity):
    """Given a major case whose legal review returned "存在问题", When the head would decide,
    Then the step is unavailable; after the fix and an approved re-submission it is available
    (collective discussion, required for a major case, held after the pass)."""
    case = heard_case(ecity)
    first = concluded(ecity, case, with_problem(), opinion="事实不清，须补充测量")
    assert first.state == ReviewState.RETURNED
    case = Case.objects.get(pk=case.pk)
    assert case.stage == Stage.LEGAL_REVIEW
    assert [b.message for b in b9(gates.blockers_for(Step.DECIDE, facts_of(case)))][0] == (
        "法制审核认为存在问题，须整改后重新提交审核"
    )
    with pytest.raises(ValidationFailed) as refused:
        submitted(ecity, case)
    assert refused.value.errors[0].field == "correction"
    services.record_add(actor=ecity.officer_user_a, case=case, text="补充测量：面积58.6平方米")
    second = concluded(ecity, case, correction="已补充测量报告")
    assert (second.round, second.state) == (2, ReviewState.PASSED)
    assert not any("法制审核" in b.message for b in gates.blockers_for(Step.DECIDE, facts_of(case)))
    services.collective_record(
        actor=ecity.head,
        case=case,
        held_on=dt.date.today(),
        chair="局长",
        participants="局长、副局长、法制科长",
        conclusion="同意罚款15000元",
    )
    assert gates.blockers_for(Step.DECIDE, facts_of(case)) == []


def test_b9_old_pass_is_not_reused_when_a_later_round_is_returned(ecity):
    case = heard_case(ecity)
    concluded(ecity, case)
    services.case_update(
        actor=ecity.officer_user_a, case=Case.objects.get(pk=case.pk), proposed_fine="30000"
    )
    concluded(ecity, case, with_problem(ReviewItem.LAW, "裁量过重"), opinion="裁量不当")
    found = gates.blockers_for(Step.DECIDE, facts_of(case))
    assert "法制审核认为存在问题，须整改后重新提交审核" in [b.message for b in found]


def test_b9_pending_round_blocks_a_second_submission_and_the_decision(ecity):
    case = heard_case(ecity)
    submitted(ecity, case)
    with pytest.raises(ProcedureBlocked) as refused:
        submitted(ecity, Case.objects.get(pk=case.pk))
    assert refused.value.errors[0].field == "B9"
    messages = [b.message for b in gates.blockers_for(Step.DECIDE, facts_of(case))]
    assert "法制审核尚未完成，未经法制审核不得作出决定" in messages


def test_b9_submission_needs_the_party_heard(ecity):
    case = heard_case(ecity, statement=StatementKind.HEARING_REQUEST)
    with pytest.raises(ProcedureBlocked) as refused:
        submitted(ecity, case)
    assert refused.value.errors[0].field == "B9"
    assert refused.value.errors[0].message == "当事人已申请听证，听证尚未举行"
    assert LegalReview.objects.count() == 0


def test_submission_moves_to_legal_review_with_a_record_and_audit(ecity):
    from ganchao.audit.models import AuditEvent

    case = heard_case(ecity)
    review = submitted(ecity, case)
    case = Case.objects.get(pk=case.pk)
    assert (review.round, review.state) == (1, ReviewState.SUBMITTED)
    assert case.stage == Stage.LEGAL_REVIEW and Stage.LEGAL_REVIEW in case.visited
    assert CaseRecord.objects.filter(case=case, stage=Stage.LEGAL_REVIEW).count() == 1
    assert AuditEvent.objects.filter(action="enforcement.review_submit").count() == 1


def test_only_the_case_handlers_submit(ecity):
    case = heard_case(ecity)
    with pytest.raises(Forbidden):
        services.review_submit(actor=ecity.nr_officer_user, case=case, materials="材料")


# ---- B10 -------------------------------------------------------------------------------------


def test_b10_unqualified_reviewer_is_refused(ecity):
    """Given reviewer Z with no legal-profession qualification and no grandfather flag, When Z
    is assigned, Then the assignment is refused."""
    case = heard_case(ecity)
    review = submitted(ecity, case)
    with pytest.raises(ProcedureBlocked) as refused:
        services.review_assign(actor=ecity.reviewer_user, review=review, reviewer=ecity.unqualified)
    assert refused.value.errors[0].field == "B10"
    assert "未取得法律职业资格，不能从事法制审核" in refused.value.errors[0].message
    assert LegalReview.objects.get(pk=review.pk).reviewer is None


def test_b10_investigating_officer_is_refused(ecity):
    """Given reviewer Y who investigates the same case, When Y is assigned, Then refused."""
    case = heard_case(ecity)
    ecity.officer_b.is_reviewer = True
    ecity.officer_b.legal_qualification = True
    ecity.officer_b.save()
    review = submitted(ecity, case)
    with pytest.raises(ProcedureBlocked) as refused:
        services.review_assign(actor=ecity.reviewer_user, review=review, reviewer=ecity.officer_b)
    assert refused.value.errors[0].field == "B10"
    assert refused.value.errors[0].message == "办审分离：李执法是本案承办人员，不能审核本案"


def test_b10_officer_of_an_action_is_an_investigating_officer(ecity):
    case = heard_case(ecity)
    outsider = Officer.objects.create(
        agency=ecity.agency, name="钱审核", is_reviewer=True, legal_qualification=True
    )
    action = Action.objects.create(
        case=case,
        stage=Stage.INVESTIGATING,
        kind="evidence",
        started_at=dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC),
        created_by=ecity.officer_user_a,
    )
    action.officers.set([ecity.officer_a, outsider])
    review = submitted(ecity, case)
    with pytest.raises(ProcedureBlocked) as refused:
        services.review_assign(actor=ecity.reviewer_user, review=review, reviewer=outsider)
    assert "办审分离" in refused.value.errors[0].message


def test_b10_grandfathered_reviewer_is_allowed_with_the_due_date(ecity):
    case = heard_case(ecity)
    ecity.unqualified.grandfathered = True
    ecity.unqualified.save()
    review = assigned(ecity, case, reviewer=ecity.unqualified)
    assert review.state == ReviewState.ASSIGNED and review.reviewer == ecity.unqualified
    from ganchao.common import workdays

    assert review.due == workdays.add_working_days(dt.date.today(), 7)


def test_b10_only_reviewers_or_the_head_assign(ecity):
    case = heard_case(ecity)
    review = submitted(ecity, case)
    with pytest.raises(Forbidden):
        services.review_assign(actor=ecity.officer_user_a, review=review, reviewer=ecity.reviewer)
    services.review_assign(actor=ecity.head, review=review, reviewer=ecity.reviewer)


def test_b10_one_verdict_per_item(ecity):
    case = heard_case(ecity)
    review = assigned(ecity, case)
    missing = {k: v for k, v in ALL_PASS.items() if k != ReviewItem.CRIME}
    with pytest.raises(ValidationFailed) as refused:
        services.review_conclude(actor=ecity.reviewer_user, review=review, verdicts=missing)
    assert [e.field for e in refused.value.errors] == ["verdicts.crime"]
    assert "违法行为是否涉嫌犯罪" in refused.value.errors[0].message
    unknown = dict(ALL_PASS, color=(Verdict.PASS, ""))
    with pytest.raises(ValidationFailed) as refused:
        services.review_conclude(actor=ecity.reviewer_user, review=review, verdicts=unknown)
    assert "color" in refused.value.message
    no_note = dict(ALL_PASS, facts=(Verdict.PROBLEM, ""))
    with pytest.raises(ValidationFailed) as refused:
        services.review_conclude(actor=ecity.reviewer_user, review=review, verdicts=no_note)
    assert refused.value.errors[0].field == "verdicts.facts.note"
    with pytest.raises(ValidationFailed) as refused:
        services.review_conclude(
            actor=ecity.reviewer_user, review=review, verdicts=with_problem(), opinion=""
        )
    assert refused.value.errors[0].field == "opinion"
    assert LegalReview.objects.get(pk=review.pk).state == ReviewState.ASSIGNED
    done = services.review_conclude(actor=ecity.reviewer_user, review=review, verdicts=ALL_PASS)
    assert done.state == ReviewState.PASSED and done.verdicts.count() == 7


def test_only_the_assigned_reviewer_concludes(ecity):
    case = heard_case(ecity)
    review = assigned(ecity, case)
    for someone in (ecity.head, ecity.unqualified_user, ecity.officer_user_a):
        with pytest.raises(Forbidden):
            services.review_conclude(actor=someone, review=review, verdicts=ALL_PASS)


def test_review_extended_once(ecity):
    case = heard_case(ecity)
    review = assigned(ecity, case)
    due = review.due
    with pytest.raises(ValidationFailed):
        services.review_extend(actor=ecity.reviewer_user, review=review, reason="")
    extended = services.review_extend(
        actor=ecity.reviewer_user, review=review, reason="需补充现场勘验"
    )
    from ganchao.common import workdays

    assert extended.due == workdays.add_working_days(due, 3)
    with pytest.raises(Conflict):
        services.review_extend(actor=ecity.reviewer_user, review=review, reason="再次延长")


# ---- collective discussion -------------------------------------------------------------------


def test_collective_required_for_a_complex_case_that_is_not_major(ecity):
    case = heard_case(ecity, fine="500")
    services.case_update(actor=ecity.officer_user_a, case=case, complex=True)
    facts = facts_of(case)
    assert not facts.major and gates.next_step(facts.stage, facts) == Step.COLLECTIVE
    assert "须经负责人集体讨论决定" in gates.blockers_for(Step.DECIDE, facts)[0].message
    with transaction.atomic():
        services.collective_record(
            actor=ecity.officer_user_a,
            case=case,
            held_on=dt.date(2026, 3, 20),
            chair="局长",
            participants="局领导班子成员",
            conclusion="同意",
        )
    facts = facts_of(case)
    assert facts.stage == Stage.COLLECTIVE and gates.blockers_for(Step.DECIDE, facts) == []


def test_collective_required_for_a_major_case_and_only_after_the_review(ecity):
    case = heard_case(ecity)
    with pytest.raises(ProcedureBlocked) as refused:
        services.collective_record(
            actor=ecity.head,
            case=case,
            held_on=dt.date(2026, 3, 20),
            chair="局长",
            participants="班子成员",
            conclusion="同意",
        )
    assert refused.value.errors[0].field == "B9"
    concluded(ecity, case)
    facts = facts_of(case)
    assert gates.next_step(facts.stage, facts) == Step.COLLECTIVE
    assert "须经负责人集体讨论决定" in gates.blockers_for(Step.DECIDE, facts)[-1].message


def test_collective_date_cannot_be_in_the_future(ecity):
    case = heard_case(ecity, fine="500")
    with pytest.raises(ValidationFailed) as refused:
        services.collective_record(
            actor=ecity.head,
            case=case,
            held_on=dt.date.today() + dt.timedelta(days=3),
            chair="局长",
            participants="班子成员",
            conclusion="同意",
        )
    assert refused.value.errors[0].field == "held_on"


# ---- the property ----------------------------------------------------------------------------

major_facts = st.builds(
    gates.CaseFacts,
    stage=st.sampled_from([Stage.NOTIFIED, Stage.STATEMENT, Stage.LEGAL_REVIEW, Stage.COLLECTIVE]),
    category=st.sampled_from(["penalty", "permit", "other"]),
    party_kind=st.sampled_from(list(PartyKind.values)),
    proposed_penalties=st.lists(st.sampled_from(list(PenaltyKind.values)), max_size=3),
    proposed_fine=st.none() | st.decimals(0, 10**6, places=2),
    manual_major=st.booleans(),
    hearing_held=st.booleans(),
    complex=st.booleans(),
    notice_served_on=st.none() | st.just(dt.date(2026, 3, 10)),
    statement_kinds=st.lists(st.sampled_from(list(StatementKind.values)), max_size=2),
    review_state=st.sampled_from(["", *[s for s in ReviewState.values if s != "passed"]]),
    collective_after_review=st.booleans(),
    thresholds=st.just(gates.Thresholds(Decimal(10000), Decimal(100000))),
)


@given(major_facts)
def test_property_major_without_a_passed_review_is_always_blocked_by_b9(facts):
    if not facts.major:
        return
    rules = [b.rule for b in gates.blockers_for(Step.DECIDE, facts)]
    assert "B9" in rules
    messages = [b.message for b in gates.blockers_for(Step.DECIDE, facts)]
    assert any("法制审核" in m for m in messages)
