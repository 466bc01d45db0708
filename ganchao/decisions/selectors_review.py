"""Reads of legality reviews (A9–A11): the reviewer's desk with its clocks, one review with its
materials and adviser opinions, scoped to the actor."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common import workdays
from ganchao.common.errors import Forbidden, NotFound
from ganchao.decisions.choices import ProcedureKind, ReviewState
from ganchao.decisions.models import (
    AdviserConsultation,
    DecisionFile,
    LegalityReview,
    ReviewPause,
)
from ganchao.decisions.selectors import decisions_visible
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

OPEN_STATES = (ReviewState.REQUESTED, ReviewState.SUPPLEMENTING)


@dataclass(frozen=True)
class Clock:
    """The reviewer's clock of one review, as of `today`."""

    requested_on: dt.date
    earliest_meeting_on: dt.date
    due_on: dt.date
    days_left: int | None  # working days to the due date (negative: overdue); None when closed
    paused: bool
    paused_since: dt.date | None
    urgent: bool  # a meeting planned before the earliest date, with an urgency reason

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def _base():
    open_pause = ReviewPause.objects.filter(review=OuterRef("pk"), ended_at__isnull=True)
    return (
        LegalityReview.objects.select_related(
            "decision", "decision__owner", "reviewing_unit", "reviewer", "requested_by", "draft"
        )
        .annotate(
            paused_since=Subquery(open_pause.order_by("-started_at").values("started_at")[:1])
        )
        .order_by("-requested_at", "-pk")
    )


def may_read_desk(actor) -> bool:
    return scope_of(actor).has(Role.LEGALITY_REVIEWER, Role.OFFICE)


def reviews_for_desk(actor, *, state: str = ""):
    """Legality reviewers: the reviews of their units; the office: all it may read. Others 403."""
    scope = scope_of(actor)
    if scope.has(Role.OFFICE):
        rows = _base().filter(decision__in=decisions_visible(actor).values("pk"))
    elif scope.has(Role.LEGALITY_REVIEWER):
        rows = _base().filter(scope.units_q("reviewing_unit__", write=True))
    else:
        raise Forbidden(_("只有法制审核人员和政府办公室可以查看合法性审查工作台"))
    if state == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    elif state in ReviewState.values:
        rows = rows.filter(state=state)
    return rows


def review_get(actor, pk) -> LegalityReview:
    """One review, if the actor reviews for its unit or may read its decision; else NotFound."""
    scope = scope_of(actor)
    visible = Q(decision__in=decisions_visible(actor).values("pk"))
    if scope.has(Role.LEGALITY_REVIEWER):
        visible |= scope.units_q("reviewing_unit__", write=True)
    try:
        return _base().filter(visible).get(pk=pk)
    except (LegalityReview.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("合法性审查不存在或不在您的查看范围内")) from None


def reviews_of_decision(decision):
    return _base().filter(decision=decision)


def latest_review(decision) -> LegalityReview | None:
    return reviews_of_decision(decision).first()


def clock(review, today: dt.date | None = None) -> Clock:
    """Working days left to the due date. While material is being supplemented the clock stands
    still at the day the pause began (the due date moves on when the undertaker resumes)."""
    today = today or timezone.localdate()
    paused_since = getattr(review, "paused_since", None)
    if paused_since is None and review.state == ReviewState.SUPPLEMENTING:
        pause = review.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
        paused_since = pause.started_at if pause else None
    paused_on = timezone.localdate(paused_since) if paused_since else None
    days_left = None
    if review.state in OPEN_STATES:
        days_left = workdays.working_days_between(paused_on or today, review.due_on)
    urgent = bool(
        review.planned_meeting_on
        and review.planned_meeting_on < review.earliest_meeting_on
        and review.urgency_reason.strip()
    )
    return Clock(
        requested_on=timezone.localdate(review.requested_at),
        earliest_meeting_on=review.earliest_meeting_on,
        due_on=review.due_on,
        days_left=days_left,
        paused=review.state == ReviewState.SUPPLEMENTING,
        paused_since=paused_on,
        urgent=urgent,
    )


def review_materials(review):
    return (
        DecisionFile.objects.filter(
            decision=review.decision_id, procedure=ProcedureKind.LEGALITY, object_id=review.pk
        )
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def review_material_get(actor, review_pk, file_pk) -> DecisionFile:
    review = review_get(actor, review_pk)
    item = (
        DecisionFile.objects.filter(
            decision=review.decision_id,
            procedure=ProcedureKind.LEGALITY,
            object_id=review.pk,
            pk=file_pk,
        )
        .select_related("decision")
        .first()
    )
    if item is None:
        raise NotFound(_("材料不存在"))
    return item


def review_adviser_opinions(review):
    return AdviserConsultation.objects.filter(legality_review=review).select_related("adviser")


def review_pauses(review):
    return ReviewPause.objects.filter(review=review).order_by("started_at")
