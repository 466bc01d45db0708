"""Reads of enforcement scoped to the actor, and the plain snapshots the gates and clocks use
(built in a fixed number of queries per case)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from ganchao.common.errors import NotFound
from ganchao.enforcement import clocks as clock_rules
from ganchao.enforcement import gates
from ganchao.enforcement.choices import (
    DEFAULT_AV_POLICY,
    MEDIA_KINDS,
    ActionKind,
    DeliveryMethod,
    ReviewState,
    StatementKind,
    TaskState,
)
from ganchao.enforcement.models import (
    Action,
    AVRecordingPolicy,
    Case,
    CaseDecision,
    CaseFile,
    CaseRecord,
    CollectiveDiscussion,
    Delivery,
    Execution,
    Hearing,
    LegalReview,
    PartyStatement,
    PenaltyNotice,
    PublicationTask,
    RecordingGap,
    settings_get,
)
from ganchao.orgs.scoping import scope_of

# B12: the fields of a decision document, each required before issuance.
DOCUMENT_FIELDS = [
    ("party_name", "当事人的姓名或者名称"),
    ("party_address", "当事人的地址"),
    ("facts_evidence", "违反法律、法规、规章的事实和证据"),
    ("penalty_basis", "行政处罚的种类和依据"),
    ("performance", "行政处罚的履行方式和期限"),
    ("remedy", "申请行政复议、提起行政诉讼的途径和期限"),
    ("organ_name", "作出行政处罚决定的行政机关名称"),
    ("decided_on", "作出决定的日期"),
]


def cases_visible(actor):
    """Cases of the agencies in the actor's scope, and cases the actor reviews."""
    scope = scope_of(actor)
    if scope.anonymous or scope.is_auditor_only:
        return Case.objects.none()
    query = scope.units_q("agency__unit__")
    if getattr(actor, "pk", None):
        query |= Q(reviews__reviewer__user=actor)
        if scope.has("legality_reviewer"):
            query |= Q(reviews__isnull=False)
    return Case.objects.filter(query).distinct()


def case_get(actor, case_id: int) -> Case:
    case = (
        cases_visible(actor)
        .select_related("agency", "agency__unit", "matter", "filed_by")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("案件不存在或无权查看")
    return case


def av_policies() -> dict[str, str]:
    policy = dict(DEFAULT_AV_POLICY)
    policy.update(dict(AVRecordingPolicy.objects.values_list("action_kind", "policy")))
    return policy


def thresholds(settings=None) -> gates.Thresholds:
    s = settings or settings_get()
    return gates.Thresholds(
        fine_person=Decimal(s.major_fine_person),
        fine_organisation=Decimal(s.major_fine_organisation),
        revoke_licence=s.major_revoke_licence,
        stop_production=s.major_stop_production,
    )


def action_facts(action: Action, policies: dict[str, str], matter_id: int) -> gates.ActionFacts:
    """A prefetched action (officers__matters, files, gaps) as the gates see it."""
    officers = [
        gates.OfficerFacts(
            name=o.name,
            certificate_no=o.certificate_no,
            expires=o.certificate_expires,
            covers_matter=o.covers_all_matters or any(m.pk == matter_id for m in o.matters.all()),
            active=o.active,
        )
        for o in action.officers.all()
    ]
    recordings = [
        (f.recorded_from, f.recorded_to)
        for f in action.files.all()
        if f.kind in MEDIA_KINDS and f.recorded_from and f.recorded_to
    ]
    return gates.ActionFacts(
        kind=action.kind,
        started_at=action.started_at,
        ended_at=action.ended_at,
        officers=officers,
        certificate_shown=action.certificate_shown_at is not None,
        informed=action.informed_at is not None,
        policy=policies.get(action.kind, "not_required"),
        recordings=recordings,
        explained=[(g.gap_from, g.gap_to) for g in action.gaps.all()],
        completed=action.completed_at is not None,
        label=str(ActionKind(action.kind).label),
    )


def case_facts(case: Case, today: dt.date | None = None) -> gates.CaseFacts:
    """Everything the gates look at, in a fixed number of queries."""
    settings = settings_get()
    today = today or timezone.localdate()
    records = dict(
        CaseRecord.objects.filter(case=case)
        .values("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    policies = av_policies()
    actions = [
        action_facts(a, policies, case.matter_id)
        for a in Action.objects.filter(case=case).prefetch_related(
            "officers__matters", "files", "gaps"
        )
    ]
    notice = PenaltyNotice.objects.filter(case=case).order_by("-served_on", "-id").first()
    statements = list(PartyStatement.objects.filter(case=case).values_list("kind", flat=True))
    hearings = list(Hearing.objects.filter(case=case))
    reviews = list(LegalReview.objects.filter(case=case).order_by("round"))
    latest = reviews[-1] if reviews else None
    passed_at = latest.concluded_at if latest and latest.state == ReviewState.PASSED else None
    discussions = list(CollectiveDiscussion.objects.filter(case=case))
    decision = CaseDecision.objects.filter(case=case).first()
    deliveries = list(Delivery.objects.filter(case=case))
    executed = Execution.objects.filter(case=case).exists()
    hearing_request_due = None
    if notice is not None:
        from ganchao.common import workdays

        hearing_request_due = workdays.add_working_days(
            notice.served_on, settings.hearing_request_working_days
        )
    collective_after = any(
        passed_at is None or d.held_on >= timezone.localtime(passed_at).date() for d in discussions
    )
    return gates.CaseFacts(
        stage=case.stage,
        category=case.matter.category,
        party_kind=case.party_kind,
        visited=list(case.visited or []),
        today=today,
        records_by_stage=records,
        actions=actions,
        proposed_penalties=list(case.proposed_penalties or []),
        proposed_fine=case.proposed_fine,
        proposed_summary=case.proposed_summary,
        manual_major=case.manual_major,
        major_public_interest=case.major_public_interest,
        multiple_legal_relations=case.multiple_legal_relations,
        complex=case.complex,
        thresholds=thresholds(settings),
        notice_served_on=notice.served_on if notice else None,
        hearing_right=bool(notice and notice.hearing_right),
        hearing_request_due=hearing_request_due,
        statement_kinds=statements,
        hearing_requested=bool(hearings) or StatementKind.HEARING_REQUEST in statements,
        hearing_held=any(h.held_on for h in hearings),
        review_state=latest.state if latest else "",
        review_pending=bool(
            latest and latest.state in (ReviewState.SUBMITTED, ReviewState.ASSIGNED)
        ),
        review_passed_at=passed_at,
        collective_after_review=bool(discussions) and collective_after,
        collective_held=bool(discussions),
        decision_kind=decision.kind if decision else "",
        decision_missing=document_missing(decision) if decision else [],
        social_impact_set=bool(decision and decision.social_impact is not None),
        issued=bool(decision and decision.issued_at),
        delivered=bool(deliveries),
        electronic_without_consent=any(
            d.method == DeliveryMethod.ELECTRONIC and not d.consent_file_id for d in deliveries
        ),
        executed=executed,
    )


def document_missing(decision: CaseDecision) -> list[str]:
    """The labels of the B12 fields still empty (a no-penalty decision needs no performance)."""
    missing = []
    for name, label in DOCUMENT_FIELDS:
        if name == "performance" and decision.kind != "penalty":
            continue
        if not getattr(decision, name):
            missing.append(label)
    return missing


def clock_dates(case: Case, facts_settings=None) -> clock_rules.ClockDates:
    s = facts_settings or settings_get()
    notice = PenaltyNotice.objects.filter(case=case).order_by("-served_on", "-id").first()
    statement = PartyStatement.objects.filter(case=case).order_by("received_on").first()
    hearing = Hearing.objects.filter(case=case).order_by("-requested_on", "-id").first()
    decision = CaseDecision.objects.filter(case=case).first()
    delivery = Delivery.objects.filter(case=case).order_by("delivered_on").first()
    review = LegalReview.objects.filter(case=case, due__isnull=False).order_by("-round").first()
    preservations = [
        (timezone.localtime(a.started_at).date(), a.resolved_on)
        for a in Action.objects.filter(case=case, kind=ActionKind.PRESERVATION)
    ]
    tasks = [
        (
            t.kind,
            t.due,
            timezone.localtime(t.done_at).date() if t.done_at else None,
            t.state == TaskState.EXEMPT,
        )
        for t in PublicationTask.objects.filter(case=case).order_by("due", "id")
    ]
    return clock_rules.ClockDates(
        filed_on=case.filed_on,
        decide_days=s.decide_calendar_days,
        deliver_days=s.deliver_working_days,
        hearing_request_days=s.hearing_request_working_days,
        hearing_notice_days=s.hearing_notice_working_days,
        preservation_days=s.preservation_working_days,
        decided_on=decision.decided_on if decision else None,
        delivered_on=delivery.delivered_on if delivery else None,
        notice_served_on=notice.served_on if notice else None,
        hearing_right=bool(notice and notice.hearing_right),
        hearing_requested_on=hearing.requested_on if hearing else None,
        statement_on=statement.received_on if statement else None,
        hearing_scheduled_on=hearing.scheduled_on if hearing else None,
        hearing_notified_on=hearing.notified_on if hearing else None,
        preservations=preservations,
        review=(
            review.due,
            timezone.localtime(review.concluded_at).date() if review.concluded_at else None,
        )
        if review
        else None,
        tasks=tasks,
        closed=case.stage in ("closed", "withdrawn"),
    )


def case_clocks(case: Case, today: dt.date | None = None) -> list[clock_rules.Clock]:
    from ganchao.common import workdays

    with workdays.calendar_session():
        return clock_rules.clocks_for(clock_dates(case), today or timezone.localdate())


def case_files(case: Case):
    return (
        CaseFile.objects.filter(case=case)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )


def action_gaps(action: Action):
    return RecordingGap.objects.filter(action=action)
