"""Reads for the decisions list: the filtered, scoped list and the gates' Facts of a whole page
of decisions in a fixed number of queries (the list shows each row's next step and what
blocks it, the same words as the decision page)."""

from collections import defaultdict

from django.db.models import Q

from ganchao.decisions import gates
from ganchao.decisions.choices import (
    NEXT_STEP,
    AdviserConclusion,
    CatalogueState,
    ConsultationState,
    HearingState,
    State,
    Step,
)
from ganchao.decisions.models import (
    AdoptionReport,
    AdviserConsultation,
    AgendaItem,
    Archive,
    Consultation,
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
from ganchao.decisions.selectors import decisions_visible, settings_get


def decision_list(actor, *, year=None, state="", unit="", q=""):
    """The actor's decisions, filtered: year, state, undertaking unit (code or name, its
    subtree included) and text (code or title)."""
    rows = decisions_visible(actor)
    if year:
        rows = rows.filter(year=year)
    if state and state in State.values:
        rows = rows.filter(state=state)
    if unit:
        matching = UndertakingUnit.objects.filter(
            Q(unit__code=unit) | Q(unit__name__icontains=unit)
        ).values("decision_id")
        rows = rows.filter(pk__in=matching)
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(title__icontains=q))
    return rows.order_by("-year", "-code")


def _grouped(qs, decisions, time_field, *fields, key="decision_id"):
    """{decision id: [row tuple]} of the records made since each decision's procedures were
    (re)opened, in the queryset's order."""
    since = {d.pk: d.procedures_since for d in decisions}
    out = defaultdict(list)
    for row in qs.values_list(key, time_field, *fields):
        start = since.get(row[0])
        if start is not None and (row[1] is None or row[1] < start):
            continue
        out[row[0]].append(row[2:])
    return out


def facts_many(decisions) -> dict[int, gates.Facts]:
    """selectors.decision_facts for each decision of a page, in a fixed number of queries
    (decisions with owner and catalogue_item (with its catalogue) selected)."""
    decisions = list(decisions)
    ids = [d.pk for d in decisions]
    if not ids:
        return {}
    settings = settings_get()
    leads = defaultdict(list)
    for decision_id, is_lead in UndertakingUnit.objects.filter(decision_id__in=ids).values_list(
        "decision_id", "is_lead"
    ):
        leads[decision_id].append(is_lead)
    drafts = defaultdict(int)
    for decision_id, number in DraftVersion.objects.filter(decision_id__in=ids).values_list(
        "decision_id", "number"
    ):
        drafts[decision_id] = max(drafts[decision_id], number)
    of = {"decision_id__in": ids}
    consultations = _grouped(Consultation.objects.filter(**of), decisions, "created_at", "state")
    hearings = _grouped(Hearing.objects.filter(**of), decisions, "created_at", "state")
    opinions = _grouped(Opinion.objects.filter(**of), decisions, "created_at", "seq", "adoption")
    reports = _grouped(
        AdoptionReport.objects.filter(**of).order_by("-generated_at", "-pk"),
        decisions,
        "generated_at",
        "opinion_count",
    )
    experts = _grouped(ExpertAssignment.objects.filter(**of), decisions, "assigned_at", "pk")
    expert_opinions = _grouped(
        ExpertOpinion.objects.filter(assignment__decision_id__in=ids),
        decisions,
        "created_at",
        "adoption",
        key="assignment__decision_id",
    )
    risks = _grouped(
        RiskAssessment.objects.filter(**of).order_by("created_at", "pk"),
        decisions,
        "created_at",
        "draft__number",
        "conclusion",
        "existing_reference",
        "risk_points",
        "measures",
        "contingency_plan",
    )
    fair = _grouped(
        FairCompetitionReview.objects.filter(**of).order_by("created_at", "pk"),
        decisions,
        "created_at",
        "conclusion",
    )
    reviews = _grouped(
        LegalityReview.objects.filter(**of).order_by("-requested_at", "-pk"),
        decisions,
        "requested_at",
        "state",
        "conclusion",
        "draft__number",
        "changes_confirmed_at",
        "legal_risk_statement",
        "earliest_meeting_on",
        "urgency_reason",
    )
    advisers = defaultdict(list)
    since = {d.pk: d.procedures_since for d in decisions}
    for own, via_review, recorded_at, conclusion in (
        AdviserConsultation.objects.filter(
            Q(decision_id__in=ids) | Q(legality_review__decision_id__in=ids)
        )
        .order_by("consulted_on", "pk")
        .values_list("decision_id", "legality_review__decision_id", "recorded_at", "conclusion")
    ):
        for decision_id in {own, via_review} - {None}:
            start = since.get(decision_id)
            if decision_id in since and not (
                start and (recorded_at is None or recorded_at < start)
            ):
                advisers[decision_id].append(conclusion)
    agenda = _grouped(AgendaItem.objects.filter(**of), decisions, "added_at", "head_decision")
    party = _grouped(PartyReport.objects.filter(**of), decisions, "recorded_at", "pk")
    published = _grouped(Publication.objects.filter(**of), decisions, "recorded_at", "pk")
    archived = _grouped(Archive.objects.filter(**of), decisions, "archived_at", "pk")

    out = {}
    for d in decisions:
        k = d.pk
        cons = [s for (s,) in consultations[k]]
        hear = [s for (s,) in hearings[k]]
        ops = opinions[k]
        eops = [a for (a,) in expert_opinions[k]]
        review = reviews[k][0] if reviews[k] else None
        adv = advisers[k]
        item = d.catalogue_item
        out[k] = gates.Facts(
            state=d.state,
            category=d.category,
            technical=d.technical,
            stability_risk=d.stability_risk,
            market_activity=d.market_activity,
            exploratory=d.exploratory,
            wide_concern=d.wide_concern,
            catalogue_mode=settings.catalogue_mode,
            catalogue_item_published=bool(
                item and item.catalogue.state == CatalogueState.PUBLISHED
            ),
            lead_count=sum(1 for lead in leads[k] if lead),
            undertaker_count=len(leads[k]),
            latest_draft=drafts[k],
            exempt=bool(d.participation_exempt_basis),
            consultations_open=cons.count(ConsultationState.OPEN),
            consultations_closed=cons.count(ConsultationState.CLOSED),
            hearings_open=sum(1 for s in hear if s != HearingState.CLOSED),
            hearings_closed=hear.count(HearingState.CLOSED),
            opinion_count=len(ops),
            unhandled_opinions=sorted(seq for seq, adoption in ops if not adoption),
            adoption_report_opinions=reports[k][0][0] if reports[k] else None,
            expert_count=len(experts[k]),
            expert_opinions=len(eops),
            expert_opinions_unhandled=sum(1 for a in eops if not a),
            risk_assessments=[
                (number, conclusion, bool(existing or (points and measures and plan)))
                for number, conclusion, existing, points, measures, plan in risks[k]
            ],
            fair_reviews=[c for (c,) in fair[k]],
            review_state=review[0] if review else "",
            review_conclusion=review[1] if review else "",
            review_draft=review[2] if review else 0,
            review_changes_confirmed=bool(review and review[3]),
            review_risk_statement=bool(review and (review[4] or "").strip()),
            review_earliest_meeting=review[5] if review else None,
            review_urgency_reason=bool(review and (review[6] or "").strip()),
            adviser_opinions=len(adv),
            adviser_latest_non_compliant=bool(adv and adv[-1] == AdviserConclusion.NON_COMPLIANT),
            agenda_items=len(agenda[k]),
            head_decided=any(h for (h,) in agenda[k]),
            party_reported=bool(party[k]),
            published=bool(published[k]),
            archived=bool(archived[k]),
            execution_unit=bool(d.execution_unit_id),
        )
    return out


def next_step_label(state: str) -> str:
    step = NEXT_STEP.get(state)
    return str(Step(step).label) if step else ""
