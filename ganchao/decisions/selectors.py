"""Reads of decisions, scoped to the actor, and the gates' Facts snapshot."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ganchao.common.errors import NotFound
from ganchao.decisions import gates
from ganchao.decisions.choices import (
    AdviserConclusion,
    CatalogueState,
    ConsultationState,
    HeadDecision,
    HearingState,
)
from ganchao.decisions.models import (
    AdviserConsultation,
    AgendaItem,
    Archive,
    Consultation,
    Decision,
    DecisionSettings,
    DraftVersion,
    ExpertAssignment,
    ExpertOpinion,
    FairCompetitionReview,
    Hearing,
    LegalityReview,
    Opinion,
    PartyReport,
    Publication,
    RiskAssessment,
    UndertakingUnit,
)
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import ancestor_paths, scope_of

CITY_WIDE_ROLES = (Role.LEADER, Role.LEGALITY_REVIEWER, Role.LEGAL_ADVISER)


def settings_get() -> DecisionSettings:
    obj, _ = DecisionSettings.objects.get_or_create(pk=1)
    return obj


def _visible_q(actor) -> Q:
    scope = scope_of(actor)
    if scope.anonymous or scope.is_auditor_only:
        return Q(pk__in=[])
    if scope.reads_all:
        return Q()
    undertaker = UndertakingUnit.objects.filter(decision=OuterRef("pk")).filter(
        scope.units_q("unit__")
    )
    query = Q(Exists(undertaker)) | Q(scope.units_q("owner__"))
    if scope.has(*CITY_WIDE_ROLES) and getattr(actor, "unit_id", None):
        # reviewers, advisers and leaders read the decisions of the governments above them
        query |= Q(owner__path__in=ancestor_paths(actor.unit.path))
    return query


def decisions_visible(actor):
    return (
        Decision.objects.filter(_visible_q(actor))
        .select_related("owner", "catalogue_item")
        .prefetch_related("undertakers__unit")
    )


def decision_get(actor, pk) -> Decision:
    """The decision if the actor may read it, else NotFound (missing and hidden alike)."""
    try:
        return decisions_visible(actor).get(pk=pk)
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise NotFound("重大行政决策不存在或不在您的查看范围内") from None


def decision_get_by_code(actor, code: str) -> Decision:
    try:
        return decisions_visible(actor).get(code=code)
    except Decision.DoesNotExist:
        raise NotFound("重大行政决策不存在或不在您的查看范围内") from None


def latest_draft(decision) -> DraftVersion | None:
    return decision.drafts.order_by("-number").first()


def _since(qs, decision, field: str):
    if decision.procedures_since:
        return qs.filter(**{f"{field}__gte": decision.procedures_since})
    return qs


def decision_facts(decision) -> gates.Facts:
    """The gates' snapshot of one decision: a fixed number of queries."""
    d = decision
    settings = settings_get()
    undertakers = list(UndertakingUnit.objects.filter(decision=d).values_list("is_lead", flat=True))
    drafts = DraftVersion.objects.filter(decision=d).order_by("-number").first()
    consultations = list(
        _since(Consultation.objects.filter(decision=d), d, "created_at").values_list(
            "state", flat=True
        )
    )
    hearings = list(
        _since(Hearing.objects.filter(decision=d), d, "created_at").values_list("state", flat=True)
    )
    opinions = list(
        _since(Opinion.objects.filter(decision=d), d, "created_at").values_list("seq", "adoption")
    )
    report = _since(d.adoption_reports.all(), d, "generated_at").order_by("-generated_at", "-pk")
    report = report.values_list("opinion_count", flat=True).first()
    experts = _since(ExpertAssignment.objects.filter(decision=d), d, "assigned_at")
    expert_opinions = list(
        _since(ExpertOpinion.objects.filter(assignment__decision=d), d, "created_at").values_list(
            "adoption", flat=True
        )
    )
    risks = [
        (number, conclusion, bool(existing or (points and measures and plan)))
        for number, conclusion, existing, points, measures, plan in _since(
            RiskAssessment.objects.filter(decision=d), d, "created_at"
        )
        .order_by("created_at", "pk")
        .values_list(
            "draft__number",
            "conclusion",
            "existing_reference",
            "risk_points",
            "measures",
            "contingency_plan",
        )
    ]
    fair = list(
        _since(FairCompetitionReview.objects.filter(decision=d), d, "created_at")
        .order_by("created_at", "pk")
        .values_list("conclusion", flat=True)
    )
    review = (
        _since(LegalityReview.objects.filter(decision=d), d, "requested_at")
        .select_related("draft")
        .order_by("-requested_at", "-pk")
        .first()
    )
    advisers = list(
        _since(
            AdviserConsultation.objects.filter(Q(decision=d) | Q(legality_review__decision=d)),
            d,
            "recorded_at",
        )
        .order_by("consulted_on", "pk")
        .values_list("conclusion", flat=True)
    )
    agenda = list(
        _since(AgendaItem.objects.filter(decision=d), d, "added_at").values_list(
            "head_decision", flat=True
        )
    )
    item = d.catalogue_item
    return gates.Facts(
        state=d.state,
        category=d.category,
        technical=d.technical,
        stability_risk=d.stability_risk,
        market_activity=d.market_activity,
        exploratory=d.exploratory,
        wide_concern=d.wide_concern,
        catalogue_mode=settings.catalogue_mode,
        catalogue_item_published=bool(item and item.catalogue.state == CatalogueState.PUBLISHED),
        lead_count=sum(1 for lead in undertakers if lead),
        undertaker_count=len(undertakers),
        latest_draft=drafts.number if drafts else 0,
        exempt=bool(d.participation_exempt_basis),
        consultations_open=consultations.count(ConsultationState.OPEN),
        consultations_closed=consultations.count(ConsultationState.CLOSED),
        hearings_open=sum(1 for s in hearings if s != HearingState.CLOSED),
        hearings_closed=hearings.count(HearingState.CLOSED),
        opinion_count=len(opinions),
        unhandled_opinions=sorted(seq for seq, adoption in opinions if not adoption),
        adoption_report_opinions=report,
        expert_count=experts.count(),
        expert_opinions=len(expert_opinions),
        expert_opinions_unhandled=sum(1 for a in expert_opinions if not a),
        risk_assessments=risks,
        fair_reviews=fair,
        review_state=review.state if review else "",
        review_conclusion=review.conclusion if review else "",
        review_draft=review.draft.number if review else 0,
        review_changes_confirmed=bool(review and review.changes_confirmed_at),
        review_risk_statement=bool(review and review.legal_risk_statement.strip()),
        review_earliest_meeting=review.earliest_meeting_on if review else None,
        review_urgency_reason=bool(review and review.urgency_reason.strip()),
        adviser_opinions=len(advisers),
        adviser_latest_non_compliant=bool(
            advisers and advisers[-1] == AdviserConclusion.NON_COMPLIANT
        ),
        agenda_items=len(agenda),
        head_decided=any(h and h != HeadDecision.DEFER for h in agenda),  # 暂缓 is no decision
        party_reported=_since(PartyReport.objects.filter(decision=d), d, "recorded_at").exists(),
        published=_since(Publication.objects.filter(decision=d), d, "recorded_at").exists(),
        archived=_since(Archive.objects.filter(decision=d), d, "archived_at").exists(),
        execution_unit=bool(d.execution_unit_id),
    )


def decision_blockers(decision) -> list[gates.Blocker]:
    return gates.blockers(decision_facts(decision))


def now():
    return timezone.now()
