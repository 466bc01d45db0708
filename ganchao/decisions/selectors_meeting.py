"""Reads of the collective discussion (A12, A13): the packet's inputs, meetings and agenda
items scoped to the actor."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from ganchao.common.errors import NotFound
from ganchao.decisions import gates
from ganchao.decisions.choices import (
    AdviserConclusion,
    FairConclusion,
    MaterialKind,
    MeetingState,
    RiskConclusion,
)
from ganchao.decisions.models import (
    AdoptionReport,
    AdviserConsultation,
    AgendaItem,
    DecisionFile,
    DraftVersion,
    ExpertOpinion,
    FairCompetitionReview,
    LegalityReview,
    Meeting,
    MemberPosition,
    RiskAssessment,
)
from ganchao.decisions.packet import PacketInputs, Ref, packet_entries
from ganchao.decisions.selectors import (
    CITY_WIDE_ROLES,
    _since,
    decision_facts,
    decisions_visible,
)
from ganchao.orgs.scoping import ancestor_paths, scope_of

OTHER_KINDS = (MaterialKind.SUPPLEMENT, MaterialKind.OTHER, MaterialKind.LEGAL_BASIS)


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date() if value.tzinfo else value.date()
    return value.isoformat()


def latest_review(decision) -> LegalityReview | None:
    """The decision's latest legality review (since the procedures were last re-opened)."""
    return (
        _since(LegalityReview.objects.filter(decision=decision), decision, "requested_at")
        .select_related("draft")
        .order_by("-requested_at", "-pk")
        .first()
    )


def packet_inputs(decision, facts: gates.Facts | None = None) -> PacketInputs:
    """The plain snapshot the packet is computed from (a fixed number of queries)."""
    d = decision
    facts = facts or decision_facts(d)
    draft = DraftVersion.objects.filter(decision=d).order_by("-number").first()
    fair = (
        _since(FairCompetitionReview.objects.filter(decision=d), d, "created_at")
        .filter(conclusion__in=[FairConclusion.PASSES, FairConclusion.AFTER_CHANGES])
        .order_by("-created_at", "-pk")
        .first()
    )
    report = (
        _since(AdoptionReport.objects.filter(decision=d), d, "generated_at")
        .filter(opinion_count=facts.opinion_count)
        .order_by("-generated_at", "-pk")
        .first()
    )
    expert = (
        _since(ExpertOpinion.objects.filter(assignment__decision=d), d, "created_at")
        .order_by("-signed_on", "-pk")
        .first()
    )
    risk = (
        _since(RiskAssessment.objects.filter(decision=d), d, "created_at")
        .filter(conclusion=RiskConclusion.CONTROLLABLE)
        .order_by("-created_at", "-pk")
        .first()
    )
    review = latest_review(d)
    review_ok, _reason = gates.review_passed(facts)
    adviser = (
        _since(
            AdviserConsultation.objects.filter(Q(decision=d) | Q(legality_review__decision=d)),
            d,
            "recorded_at",
        )
        .select_related("adviser")
        .order_by("-consulted_on", "-pk")
        .first()
    )
    others = _since(
        DecisionFile.objects.filter(decision=d, kind__in=OTHER_KINDS), d, "uploaded_at"
    ).order_by("uploaded_at", "pk")
    risk_ok, _r = gates.risk_ok(facts) if d.stability_risk else (True, "")
    return PacketInputs(
        market_activity=d.market_activity,
        technical=d.technical,
        stability_risk=d.stability_risk,
        exploratory=d.exploratory,
        draft=Ref("draft", draft.pk, _day(draft.created_at), f"第{draft.number}稿")
        if draft
        else None,
        fair_review=Ref(
            "fair_review", fair.pk, _day(fair.reviewed_on), fair.get_conclusion_display()
        )
        if fair
        else None,
        participation_held=facts.consultations_closed > 0,
        opinion_count=facts.opinion_count,
        adoption_report=Ref(
            "adoption_report", report.pk, _day(report.generated_at), f"{report.opinion_count}条意见"
        )
        if report
        else None,
        exempt_basis=d.participation_exempt_basis,
        exempt_on=_day(d.participation_exempted_at),
        expert_opinions=facts.expert_opinions,
        expert_opinions_unhandled=facts.expert_opinions_unhandled,
        expert_latest=Ref("expert_opinion", expert.pk, _day(expert.signed_on), expert.signed_by)
        if expert
        else None,
        risk_report=Ref("risk_assessment", risk.pk, _day(risk.created_at), risk.assessor)
        if risk and risk_ok
        else None,
        review=Ref(
            "legality_review", review.pk, _day(review.concluded_at), review.get_conclusion_display()
        )
        if review and review_ok
        else None,
        review_conclusion=review.conclusion if review else "",
        legal_risk_statement=review.legal_risk_statement if review else "",
        adviser=Ref(
            "adviser_consultation",
            adviser.pk,
            _day(adviser.consulted_on),
            f"{adviser.adviser.name}：{adviser.get_conclusion_display()}",
        )
        if adviser
        else None,
        adviser_non_compliant=bool(
            adviser and adviser.conclusion == AdviserConclusion.NON_COMPLIANT
        ),
        others=[Ref("file", f.pk, _day(f.uploaded_at), f.original_name) for f in others],
    )


def decision_packet(decision, facts: gates.Facts | None = None):
    """The packet entries computed now (see packet.packet_entries)."""
    return packet_entries(packet_inputs(decision, facts))


# ---- meetings ------------------------------------------------------------------------------


def _meeting_q(actor) -> Q:
    scope = scope_of(actor)
    if scope.anonymous or scope.is_auditor_only:
        return Q(pk__in=[])
    if scope.reads_all:
        return Q()
    query = scope.units_q("owner__")
    if scope.has(*CITY_WIDE_ROLES) and getattr(actor, "unit_id", None):
        query |= Q(owner__path__in=ancestor_paths(actor.unit.path))
    on_agenda = AgendaItem.objects.filter(
        meeting=OuterRef("pk"), decision__in=decisions_visible(actor).values("pk")
    )
    return query | Q(Exists(on_agenda))


def meetings_visible(actor):
    return (
        Meeting.objects.filter(_meeting_q(actor))
        .select_related("owner")
        .annotate(item_count=Count("agenda", distinct=True))
        .order_by("-held_on", "-pk")
    )


def meeting_get(actor, pk) -> Meeting:
    """The meeting with its agenda, positions and decisions, or NotFound."""
    try:
        return (
            Meeting.objects.filter(_meeting_q(actor))
            .select_related("owner", "signed_off_by", "created_by")
            .prefetch_related(
                Prefetch(
                    "agenda",
                    queryset=AgendaItem.objects.select_related("decision").prefetch_related(
                        Prefetch(
                            "positions",
                            queryset=MemberPosition.objects.order_by("recorded_at", "pk"),
                        )
                    ),
                )
            )
            .get(pk=pk)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise NotFound("决策会议不存在或不在您的查看范围内") from None


def agenda_item_get(actor, pk) -> AgendaItem:
    try:
        return (
            AgendaItem.objects.filter(meeting__in=Meeting.objects.filter(_meeting_q(actor)))
            .select_related("meeting", "decision")
            .get(pk=pk)
        )
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise NotFound("会议议题不存在或不在您的查看范围内") from None


def meetings_open_for(decision):
    """Meetings of the decision's organ that may still take agenda items."""
    return Meeting.objects.filter(
        owner_id=decision.owner_id,
        state__in=[MeetingState.SCHEDULED, MeetingState.HELD],
    ).order_by("held_on", "pk")


def decision_agenda_items(decision):
    return (
        AgendaItem.objects.filter(decision=decision)
        .select_related("meeting")
        .prefetch_related("positions")
        .order_by("-added_at", "-pk")
    )


def tally(positions) -> dict:
    """Counts of the members' positions and the majority: "agree", "disagree" or "" (a tie or
    nobody). Abstentions are not counted."""
    counts = {"agree": 0, "agree_with_changes": 0, "disagree": 0, "abstain": 0}
    for p in positions:
        counts[p.position] = counts.get(p.position, 0) + 1
    yes = counts["agree"] + counts["agree_with_changes"]
    no = counts["disagree"]
    majority = "agree" if yes > no else "disagree" if no > yes else ""
    return {**counts, "yes": yes, "no": no, "majority": majority}
