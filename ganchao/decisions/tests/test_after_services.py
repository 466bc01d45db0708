"""After the decision (LEGAL_RULES A14, A15): party report, publication, archive, execution,
suspension, adjustment, termination, post-decision evaluation, no deletion."""

import pytest
from django.utils import timezone

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions import services as core
from ganchao.decisions.choices import State
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import (
    AdoptionReport,
    Archive,
    Decision,
    Expert,
    ExpertAssignment,
    ExpertPool,
    Suspension,
)
from ganchao.decisions.selectors import decision_facts
from ganchao.decisions.services import after
from ganchao.decisions.tests.after_support import decided, executing, published

TODAY = timezone.localdate


def test_party_report_moves_decided_to_party_reported_with_default_recipient(dcity):
    """Given a decided decision, When the office records the 请示报告, Then it is
    party_reported and the recipient defaults to the city's party committee."""
    decision = decided(dcity)
    report = after.party_report_add(
        actor=dcity.office, decision=decision, reported_on=TODAY(), doc_number="赶超府〔2026〕1号"
    )
    decision.refresh_from_db()
    assert decision.state == State.PARTY_REPORTED
    assert report.recipient == "中共赶超市委员会"


def test_party_report_is_office_work(dcity):
    """Given a decided decision, When a liaison records the party report, Then 403."""
    decision = decided(dcity)
    with pytest.raises(Forbidden):
        after.party_report_add(
            actor=dcity.drc_liaison, decision=decision, reported_on=TODAY(), doc_number="x"
        )


def test_publication_needs_a_reference(dcity):
    """Given a party-reported decision, When it is published without a reference, Then 422."""
    decision = decided(dcity)
    after.party_report_add(
        actor=dcity.office, decision=decision, reported_on=TODAY(), doc_number="1号"
    )
    with pytest.raises(ValidationFailed) as caught:
        after.publication_add(
            actor=dcity.office,
            decision=decision,
            channel="website",
            reference=" ",
            published_on=TODAY(),
        )
    assert caught.value.errors[0].field == "reference"


def test_publication_of_wide_concern_needs_the_adoption_report_A14b(dcity):
    """Given a decision of wide concern that held a consultation but has no 采纳情况说明,
    When it is published, Then it is refused naming A14."""
    decision = decided(dcity)
    AdoptionReport.objects.filter(decision=decision).delete()
    after.party_report_add(
        actor=dcity.office, decision=decision, reported_on=TODAY(), doc_number="1号"
    )
    with pytest.raises(ProcedureBlocked) as caught:
        after.publication_add(
            actor=dcity.office,
            decision=decision,
            channel="gazette",
            reference="公报2026年第3期",
            published_on=TODAY(),
        )
    assert caught.value.errors[0].field == "A14"
    decision.refresh_from_db()
    assert decision.state == State.PARTY_REPORTED


def test_publication_without_participation_exempt_needs_no_report(dcity):
    """Given an exempted decision (依法不予公开), When it is published, Then it succeeds."""
    decision = decided(dcity, exempt=True)
    after.party_report_add(
        actor=dcity.office, decision=decision, reported_on=TODAY(), doc_number="1号"
    )
    after.publication_add(
        actor=dcity.office,
        decision=decision,
        channel="website",
        reference="https://www.example.gov.cn/1",
        published_on=TODAY(),
    )
    decision.refresh_from_db()
    assert decision.state == State.PUBLISHED


def test_archive_refused_while_the_meeting_record_is_not_signed_off_A14c(dcity):
    """Given a published decision whose meeting record is not signed off, When it is
    archived, Then it is refused naming the missing item, and nothing is archived."""
    decision = published(dcity, signed_off=False)
    with pytest.raises(ProcedureBlocked) as caught:
        after.archive_create(actor=dcity.office, decision=decision, archive_number="A-1")
    assert {e.field for e in caught.value.errors} == {"A14"}
    assert "集体讨论会议记录（已签发）" in caught.value.message
    assert not Archive.objects.filter(decision=decision).exists()


def test_archive_with_complete_checklist_stores_it(dcity):
    """Given a complete published decision, When it is archived, Then archived with the
    checklist of every procedure."""
    decision = published(dcity)
    archive = after.archive_create(actor=dcity.office, decision=decision, archive_number="A-1")
    names = [item["name"] for item in archive.checklist]
    assert "公开征求意见公告" in names and "合法性审查意见书" in names
    assert all(item["done"] for item in archive.checklist)
    decision.refresh_from_db()
    assert decision.state == State.ARCHIVED


def test_execute_needs_the_execution_unit(dcity):
    """Given an archived decision without an execution unit, When execution starts, Then it is
    refused naming A14."""
    decision = published(dcity)
    after.archive_create(actor=dcity.office, decision=decision, archive_number="A-1")
    with pytest.raises(ProcedureBlocked) as caught:
        after.execution_start(actor=dcity.office, decision=decision)
    assert caught.value.errors[0].field == "A14"


def test_execution_reports_by_the_execution_unit_only(dcity):
    """Given an executing decision run by 市发改委, When its liaison reports, Then the report is
    kept; When the market liaison reports, Then 403."""
    decision = executing(dcity)
    report = after.execution_report_add(
        actor=dcity.drc_liaison,
        decision=decision,
        period="2026年第二季度",
        progress="已实施",
        serious_change=True,
    )
    assert report.unit == dcity.drc
    with pytest.raises(Forbidden):
        after.execution_report_add(
            actor=dcity.market_liaison, decision=decision, period="2026年第二季度", progress="x"
        )


def test_executing_decision_cannot_be_edited_A14e(dcity):
    """Given a decision in `executing`, When a user edits its substantive content, Then the
    system refuses and offers only suspension (head) or the major-adjustment procedure."""
    decision = executing(dcity)
    with pytest.raises(Conflict) as caught:
        core.decision_update(actor=dcity.drc_liaison, decision=decision, title="新的标题")
    assert "暂停执行" in caught.value.message and "重大调整" in caught.value.message
    decision.refresh_from_db()
    assert decision.title == "城区停车收费标准调整"


@pytest.mark.parametrize("who", ["office", "admin", "drc_liaison", "leader_user"])
def test_only_the_head_suspends(dcity, who):
    """Given an executing decision, When anyone but the head suspends it, Then 403."""
    decision = executing(dcity)
    with pytest.raises(Forbidden):
        after.decision_suspend(
            actor=getattr(dcity, who),
            decision=decision,
            reason_code="problem_found",
            reason="发现问题",
        )


def test_suspend_needs_an_art35_reason_code(dcity):
    """Given an executing decision, When the head suspends without a valid code, Then 422."""
    decision = executing(dcity)
    with pytest.raises(ValidationFailed):
        after.decision_suspend(actor=dcity.mayor, decision=decision, reason_code="whim", reason="x")


def test_suspend_resume_terminate_each_leave_a_row_and_an_event(dcity):
    """Given an executing decision, When the head suspends, resumes, suspends and terminates,
    Then each makes a Suspension row and an audit event."""
    decision = executing(dcity)
    after.decision_suspend(
        actor=dcity.mayor, decision=decision, reason_code="circumstances", reason="客观情况变化"
    )
    after.decision_resume(actor=dcity.mayor, decision=decision, reason="情况消除")
    after.decision_suspend(
        actor=dcity.mayor, decision=decision, reason_code="problem_found", reason="问题"
    )
    after.decision_terminate(actor=dcity.mayor, decision=decision, reason="不再实施")
    decision.refresh_from_db()
    assert decision.state == State.TERMINATED
    actions = list(Suspension.objects.filter(decision=decision).values_list("action", flat=True))
    assert actions == ["suspend", "resume", "suspend", "terminate"]
    codes = set(
        AuditEvent.objects.filter(object_id=str(decision.pk)).values_list("action", flat=True)
    )
    assert {"decision.suspend", "decision.resume", "decision.terminate"} <= codes


def test_major_adjustment_reopens_the_procedures(dcity):
    """Given an executing decision, When the office starts a major adjustment, Then the
    decision is `adjusting`, the earlier records are kept but no longer count: the gates ask
    for participation and legality review again."""
    decision = executing(dcity)
    after.decision_adjust(actor=dcity.office, decision=decision, reason="标准需大幅调整")
    decision.refresh_from_db()
    assert decision.state == State.ADJUSTING
    assert decision.procedures_since is not None
    facts = decision_facts(decision)
    assert facts.consultations_closed == 0 and facts.review_state == ""
    assert not facts.published and not facts.archived
    assert decision.consultations.count() == 1  # kept


def test_adjustment_by_a_liaison_is_forbidden(dcity):
    decision = executing(dcity)
    with pytest.raises(Forbidden):
        after.decision_adjust(actor=dcity.drc_liaison, decision=decision, reason="x")


def test_evaluation_rejects_the_firm_that_wrote_the_risk_assessment_A14f(dcity):
    """Given a post-evaluation assigned to consulting firm X, which wrote the decision's risk
    assessment, When it is saved, Then it is rejected; another firm is accepted."""
    decision = executing(dcity, stability_risk=True, risk_by="某某咨询公司")
    with pytest.raises(ProcedureBlocked) as caught:
        after.evaluation_add(
            actor=dcity.office, decision=decision, trigger="many_opinions", evaluator="某某咨询公司"
        )
    assert caught.value.errors[0].field == "A14"
    assert caught.value.message == after.EVALUATOR_CONFLICT
    evaluation = after.evaluation_add(
        actor=dcity.office, decision=decision, trigger="many_opinions", evaluator="另一家评估机构"
    )
    assert evaluation.pk


def test_evaluation_rejects_the_unit_or_an_experts_organisation(dcity):
    """Given a risk assessment by 市发改委 (unit) and an expert of 某大学, When either is
    named the evaluator, Then rejected (A14)."""
    decision = executing(dcity)
    from ganchao.decisions.models import RiskAssessment

    RiskAssessment.objects.create(
        decision=decision,
        draft=decision.drafts.get(),
        assessor="市发改委",
        assessor_unit=dcity.drc,
        conclusion="controllable",
        created_by=dcity.office,
    )
    pool = ExpertPool.objects.create(owner=dcity.root, name="市专家库")
    expert = Expert.objects.create(
        pool=pool, name="张教授", organisation="某大学", specialty="交通"
    )
    ExpertAssignment.objects.create(
        decision=decision,
        expert=expert,
        declaration="无",
        declared_at=timezone.now(),
        assigned_by=dcity.office,
    )
    with pytest.raises(ProcedureBlocked):
        after.evaluation_add(
            actor=dcity.office,
            decision=decision,
            trigger="necessary",
            evaluator="市发改委评估组",
            evaluator_unit=dcity.drc,
        )
    with pytest.raises(ProcedureBlocked):
        after.evaluation_add(
            actor=dcity.office, decision=decision, trigger="necessary", evaluator="某大学"
        )


def test_evaluation_needs_a_trigger(dcity):
    decision = executing(dcity)
    with pytest.raises(ValidationFailed):
        after.evaluation_add(actor=dcity.office, decision=decision, trigger="", evaluator="X")


@pytest.mark.django_db(transaction=True)
def test_delete_is_refused_and_the_attempt_recorded_A15(dcity):
    """Given any decision, When someone (even the system administrator) tries to delete it
    or its archive, Then it is refused (A15) and the attempt itself is a committed audit
    event with success=False."""
    decision = published(dcity)
    for call in (after.decision_delete, after.archive_delete):
        with pytest.raises(ProcedureBlocked) as caught:
            call(actor=dcity.admin, decision=decision)
        assert caught.value.errors[0].field == "A15"
        assert caught.value.message == after.DELETE_REFUSED
    events = AuditEvent.objects.filter(action="decision.delete_refused", object_id=str(decision.pk))
    assert events.count() == 2 and not events.filter(success=True).exists()
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_orm_delete_of_decision_and_archive_raises(dcity):
    """Given an archived decision, When the ORM deletes it or its archive, Then it raises."""
    decision = published(dcity)
    archive = after.archive_create(actor=dcity.office, decision=decision, archive_number="A-9")
    for thing in (decision, archive):
        with pytest.raises(PermissionError):
            thing.delete()
    with pytest.raises(PermissionError):
        Archive.objects.filter(pk=archive.pk).delete()
    with pytest.raises(PermissionError):
        Decision.objects.filter(pk=decision.pk).delete()
