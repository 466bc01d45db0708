"""Reads of public participation (A3–A6), scoped to the actor through the decision: a record
of a decision the actor cannot read is NotFound, the same as a missing one."""

from django.db.models import Count, Prefetch, Q

from ganchao.common.errors import NotFound
from ganchao.decisions.choices import CommentState
from ganchao.decisions.models import (
    AdoptionReport,
    Consultation,
    Hearing,
    HearingParticipant,
    Opinion,
    PublicComment,
)
from ganchao.decisions.selectors import decisions_visible

HIDDEN = "记录不存在或不在您的查看范围内"


def _visible(actor, queryset, pk, path: str):
    try:
        return queryset.filter(**{f"{path}__in": decisions_visible(actor)}).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(HIDDEN) from None


def _since(queryset, decision, field: str):
    """Only the records made since the procedures were (re)opened count (as in decision_facts)."""
    if decision.procedures_since:
        return queryset.filter(**{f"{field}__gte": decision.procedures_since})
    return queryset


def consultations_of(decision):
    """The decision's consultations, newest first, with their comment counts by state."""
    return (
        Consultation.objects.filter(decision=decision)
        .select_related("draft")
        .annotate(
            pending_count=Count("comments", filter=Q(comments__state=CommentState.PENDING)),
            published_count=Count("comments", filter=Q(comments__state=CommentState.PUBLISHED)),
            rejected_count=Count("comments", filter=Q(comments__state=CommentState.REJECTED)),
        )
    )


def consultation_get(actor, pk) -> Consultation:
    return _visible(actor, Consultation.objects.select_related("decision", "draft"), pk, "decision")


def comments_of(consultation, state: str = ""):
    rows = PublicComment.objects.filter(consultation=consultation).select_related(
        "moderated_by", "opinion"
    )
    if state in CommentState.values:
        rows = rows.filter(state=state)
    return rows


def comments_ungrouped(decision):
    """Published public comments of the decision not yet grouped into an opinion."""
    return (
        PublicComment.objects.filter(
            consultation__decision=decision, opinion__isnull=True, state=CommentState.PUBLISHED
        )
        .select_related("consultation")
        .order_by("submitted_at", "pk")
    )


def comment_get(actor, pk) -> PublicComment:
    return _visible(
        actor,
        PublicComment.objects.select_related("consultation__decision"),
        pk,
        "consultation__decision",
    )


def opinions_of(decision):
    """The opinions that count now (since the procedures were last opened), by 序号."""
    rows = Opinion.objects.filter(decision=decision).select_related(
        "source_unit", "handled_by", "consultation"
    )
    return _since(rows, decision, "created_at").order_by("seq")


def opinion_get(actor, pk) -> Opinion:
    return _visible(actor, Opinion.objects.select_related("decision"), pk, "decision")


def adoption_report_latest(decision) -> AdoptionReport | None:
    rows = AdoptionReport.objects.filter(decision=decision).select_related("generated_by")
    return _since(rows, decision, "generated_at").order_by("-generated_at", "-pk").first()


def hearings_of(decision):
    participants = HearingParticipant.objects.select_related("signed_record").order_by("pk")
    return (
        Hearing.objects.filter(decision=decision)
        .prefetch_related(Prefetch("participants", queryset=participants))
        .order_by("-held_on", "-pk")
    )


def hearing_get(actor, pk) -> Hearing:
    return _visible(actor, Hearing.objects.select_related("decision"), pk, "decision")


def participant_get(actor, pk) -> HearingParticipant:
    return _visible(
        actor,
        HearingParticipant.objects.select_related("hearing__decision", "signed_record"),
        pk,
        "hearing__decision",
    )
