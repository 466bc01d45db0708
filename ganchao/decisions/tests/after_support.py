"""Bring a decision of the dcity fixture to `decided` (and further) for the tests of the
after-decision slice: the records of the earlier procedures are made with the ORM, as the
other slices' services would have left them."""

import datetime as dt

from django.utils import timezone

from ganchao.decisions.choices import (
    Adoption,
    AdviserConclusion,
    ConsultationState,
    HeadDecision,
    MeetingState,
    MeetingType,
    OpinionSource,
    ReviewConclusion,
    ReviewState,
    RiskConclusion,
    State,
)
from ganchao.decisions.models import (
    AdoptionReport,
    AdviserConsultation,
    AgendaItem,
    Consultation,
    Decision,
    LegalityReview,
    Meeting,
    Opinion,
    RiskAssessment,
)
from ganchao.decisions.services import after


def decided(dcity, *, exempt=False, signed_off=True, risk_by="", **flags) -> Decision:
    """A launched decision with a closed consultation (one handled opinion and the adoption
    report) or the A3 exemption, a lawful review, a compliant adviser opinion, a meeting whose
    head adopted it (signed off unless told), in state `decided`."""
    decision = dcity.launched(**flags)
    draft = decision.drafts.get()
    today = timezone.localdate()
    if exempt:
        decision.participation_exempt_basis = "《保守国家秘密法》第九条"
        decision.participation_exempted_by = dcity.drc_liaison
        decision.participation_exempted_at = timezone.now()
        decision.save()
    else:
        consultation = Consultation.objects.create(
            decision=decision,
            draft=draft,
            title="关于城区停车收费标准调整的公开征求意见",
            explanation="说明",
            channel="电子邮件",
            start_date=today - dt.timedelta(days=40),
            end_date=today - dt.timedelta(days=5),
            state=ConsultationState.CLOSED,
            created_by=dcity.drc_liaison,
        )
        Opinion.objects.create(
            decision=decision,
            consultation=consultation,
            source=OpinionSource.PUBLIC,
            summary="建议夜间免费",
            adoption=Adoption.PARTLY,
            reason="部分路段采纳",
            seq=1,
        )
        AdoptionReport.objects.create(
            decision=decision,
            text="共1条意见，部分采纳1条。",
            opinion_count=1,
            generated_by=dcity.drc_liaison,
        )
    if risk_by:
        RiskAssessment.objects.create(
            decision=decision,
            draft=draft,
            assessor=risk_by,
            third_party=True,
            risk_points="点",
            measures="措施",
            contingency_plan="预案",
            conclusion=RiskConclusion.CONTROLLABLE,
            created_by=dcity.drc_liaison,
        )
    review = LegalityReview.objects.create(
        decision=decision,
        draft=draft,
        reviewing_unit=dcity.justice,
        requested_by=dcity.drc_liaison,
        requested_at=timezone.now(),
        legal_basis="《价格法》",
        procedure_statement="已履行公众参与",
        earliest_meeting_on=today,
        due_on=today,
        state=ReviewState.CONCLUDED,
        reviewer=dcity.reviewer,
        authority_opinion="在权限内",
        procedure_opinion="程序合法",
        content_opinion="内容合法",
        conclusion=ReviewConclusion.LAWFUL,
        concluded_at=timezone.now(),
    )
    AdviserConsultation.objects.create(
        unit=dcity.justice,
        adviser=dcity.adviser,
        legality_review=review,
        subject="停车收费合法性",
        opinion="合法合规",
        conclusion=AdviserConclusion.COMPLIANT,
        consulted_on=today,
        recorded_by=dcity.reviewer,
    )
    meeting = Meeting.objects.create(
        owner=dcity.root,
        kind=MeetingType.STANDING,
        title="市政府第12次常务会议",
        held_on=today,
        chaired_by="王市长",
        state=MeetingState.SIGNED_OFF if signed_off else MeetingState.HELD,
        created_by=dcity.office,
    )
    AgendaItem.objects.create(
        meeting=meeting,
        decision=decision,
        seq=1,
        added_by=dcity.office,
        head_name="王市长",
        head_decision=HeadDecision.ADOPT,
        head_decided_at=timezone.now(),
    )
    Decision.objects.filter(pk=decision.pk).update(state=State.DECIDED, decided_at=timezone.now())
    decision.refresh_from_db()
    return decision


def published(dcity, **kwargs) -> Decision:
    decision = decided(dcity, **kwargs)
    after.party_report_add(
        actor=dcity.office,
        decision=decision,
        reported_on=timezone.localdate(),
        doc_number="赶超府〔2026〕12号",
    )
    after.publication_add(
        actor=dcity.office,
        decision=decision,
        channel="gazette",
        reference="赶超市人民政府公报2026年第3期",
        published_on=timezone.localdate(),
    )
    decision.refresh_from_db()
    return decision


def executing(dcity, **kwargs) -> Decision:
    decision = published(dcity, **kwargs)
    after.archive_create(actor=dcity.office, decision=decision, archive_number="JC2026-001")
    after.execution_unit_set(actor=dcity.office, decision=decision, unit=dcity.drc)
    after.execution_start(actor=dcity.office, decision=decision)
    decision.refresh_from_db()
    return decision
