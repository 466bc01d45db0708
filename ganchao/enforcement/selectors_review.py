"""Reads of the legal review (法制审核, B8–B10) and the collective discussion: the reviewer's
desk with its clocks, one round, a case's rounds with their verdicts, and which reviewers may
take a case (B10) with the reason each other one may not. Scoped to the actor through
selectors.cases_visible."""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import Forbidden, NotFound
from ganchao.enforcement import clocks, gates
from ganchao.enforcement.choices import ClockState, MajorReason, ReviewState
from ganchao.enforcement.models import (
    Action,
    CaseOfficer,
    CollectiveDiscussion,
    LegalReview,
    Officer,
)
from ganchao.enforcement.selectors import cases_visible
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

OPEN_STATES = (ReviewState.SUBMITTED, ReviewState.ASSIGNED)
CONCLUDED_STATES = (ReviewState.PASSED, ReviewState.RETURNED)
RECENT_DAYS = 30
SECTION_LIMIT = 200


# ---- who may review (B10) --------------------------------------------------------------------


def investigating_officer_ids(case) -> set[int]:
    """The case's 承办人员: its CaseOfficer rows and every officer of its actions."""
    ids = set(CaseOfficer.objects.filter(case=case).values_list("officer_id", flat=True))
    ids |= set(
        Action.officers.through.objects.filter(action__case=case).values_list(
            "officer_id", flat=True
        )
    )
    return ids


def reviewer_blockers(reviewer: Officer, investigating: set[int]) -> list[gates.Blocker]:
    """B10: a reviewer is an active legal reviewer holding the 法律职业资格 (or reviewing since
    before 2021-07-15), and not one of the case's investigating officers (办审分离)."""
    found = []
    if not reviewer.is_reviewer or not reviewer.active:
        found.append(
            gates.Blocker("B10", _("%(name)s不是在岗的法制审核人员") % {"name": reviewer.name})
        )
    if not (reviewer.legal_qualification or reviewer.grandfathered):
        found.append(
            gates.Blocker(
                "B10",
                _("%(name)s未取得法律职业资格，不能从事法制审核") % {"name": reviewer.name},
            )
        )
    if reviewer.pk in investigating:
        found.append(
            gates.Blocker(
                "B10",
                _("办审分离：%(name)s是本案承办人员，不能审核本案") % {"name": reviewer.name},
            )
        )
    return found


@dataclass(frozen=True)
class ReviewerChoice:
    officer: Officer
    reasons: list[str]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def reviewer_choices(case) -> list[ReviewerChoice]:
    """Every legal reviewer on file, each with why they may not review this case (empty when
    they may); those without a system account cannot record an opinion."""
    investigating = investigating_officer_ids(case)
    rows = Officer.objects.filter(is_reviewer=True).select_related("agency").order_by("name")
    choices = []
    for officer in rows:
        reasons = [b.message for b in reviewer_blockers(officer, investigating)]
        if officer.user_id is None:
            reasons.append(
                _("%(name)s没有系统账号，不能在系统中出具审核意见") % {"name": officer.name}
            )
        choices.append(ReviewerChoice(officer, reasons))
    return choices


# ---- rounds ----------------------------------------------------------------------------------


def _base():
    return LegalReview.objects.select_related(
        "case",
        "case__agency",
        "case__matter",
        "reviewer",
        "reviewer__user",
        "submitted_by",
        "assigned_by",
    )


def _overdue_first(today: dt.date):
    """Open rounds past their due date first, then by due date, then oldest submitted."""
    overdue = models.Case(
        models.When(state=ReviewState.ASSIGNED, due__lt=today, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
    return [overdue, models.F("due").asc(nulls_last=True), "submitted_at", "pk"]


def may_read_desk(actor) -> bool:
    return scope_of(actor).has(Role.LEGALITY_REVIEWER, Role.OFFICE, Role.UNIT_HEAD)


def reviews_visible(actor):
    return _base().filter(case__in=cases_visible(actor).values("pk"))


def reviews_for_desk(actor, *, state: str = "", mine: bool = False, today: dt.date | None = None):
    """Rounds the actor may see, overdue first. `state`: a ReviewState, "open" or "" (all)."""
    if not may_read_desk(actor):
        raise Forbidden(_("只有法制审核人员、执法机关负责人和政府办公室可以查看法制审核工作台"))
    today = today or timezone.localdate()
    rows = reviews_visible(actor)
    if state == "open":
        rows = rows.filter(state__in=OPEN_STATES)
    elif state in ReviewState.values:
        rows = rows.filter(state=state)
    if mine:
        rows = rows.filter(reviewer__user=actor)
    return rows.order_by(*_overdue_first(today))


def desk_sections(actor, today: dt.date | None = None) -> dict[str, list]:
    """The desk's three lists: waiting for a reviewer, assigned to me (others' too for the
    office and heads), and concluded in the last 30 days."""
    today = today or timezone.localdate()
    rows = reviews_for_desk(actor, today=today)
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    assigned = rows.filter(state=ReviewState.ASSIGNED)
    if not scope_of(actor).has(Role.OFFICE, Role.UNIT_HEAD):
        assigned = assigned.filter(reviewer__user=actor)
    recent = rows.filter(state__in=CONCLUDED_STATES, concluded_at__gte=since)
    if not scope_of(actor).has(Role.OFFICE, Role.UNIT_HEAD):
        recent = recent.filter(Q(reviewer__user=actor))
    return {
        "waiting": list(rows.filter(state=ReviewState.SUBMITTED)[:SECTION_LIMIT]),
        "assigned": list(assigned[:SECTION_LIMIT]),
        "recent": list(recent.order_by("-concluded_at", "-pk")[:SECTION_LIMIT]),
    }


def review_get(actor, pk) -> LegalReview:
    try:
        return reviews_visible(actor).get(pk=pk)
    except (LegalReview.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("法制审核不存在或不在您的查看范围内")) from None


def reviews_of_case(case) -> list[LegalReview]:
    """Every round of the case, latest first, with its verdicts."""
    return list(_base().filter(case=case).prefetch_related("verdicts").order_by("-round", "-pk"))


def discussions_of_case(case) -> list[CollectiveDiscussion]:
    return list(CollectiveDiscussion.objects.filter(case=case).order_by("-held_on", "-id"))


@dataclass(frozen=True)
class ReviewClock:
    due: dt.date | None
    state: str
    label: str

    @property
    def overdue(self) -> bool:
        return self.state in (ClockState.OVERDUE, ClockState.LATE)


def clock(review: LegalReview, today: dt.date | None = None) -> ReviewClock | None:
    """The round's clock (B10) once a reviewer is assigned; None before."""
    if review.due is None:
        return None
    today = today or timezone.localdate()
    done = timezone.localtime(review.concluded_at).date() if review.concluded_at else None
    state = clocks.state_of(review.due, done, today)
    return ReviewClock(review.due, state, str(ClockState(state).label))


def major_reason_labels(facts: gates.CaseFacts) -> list[str]:
    return [str(MajorReason(reason).label) for reason in gates.major_reasons(facts)]
