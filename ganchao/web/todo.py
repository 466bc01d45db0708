"""我的待办 on the home page of the specialists whose work is not the unit's goals: a legality
reviewer's review rounds (enforcement cases assigned to them, decisions waiting at their unit)
and an enforcement officer's open cases, each with how many are past due and a link to the
desk that works them. Read-only selectors scoped to the actor; a few counts, no loops."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

CASE_ROWS = 5


def _reviewer_entries(actor, today: dt.date) -> list[dict]:
    from ganchao.decisions import selectors_review as decision_reviews
    from ganchao.enforcement import selectors_review as case_reviews
    from ganchao.enforcement.choices import ReviewState

    assigned = case_reviews.reviews_for_desk(actor, mine=True, today=today).filter(
        state=ReviewState.ASSIGNED
    )
    waiting = decision_reviews.reviews_for_desk(actor, state="open")
    return [
        {
            "label": _("分配给我的执法案件法制审核"),
            "count": assigned.count(),
            "overdue": assigned.filter(due__lt=today).count(),
            "url": reverse("enforcement:review_desk"),
        },
        {
            "label": _("本单位待审查的重大决策"),
            "count": waiting.count(),
            "overdue": None,
            "url": reverse("decisions:review_desk"),
        },
    ]


def _officer_entry(actor, today: dt.date) -> dict:
    from ganchao.enforcement import selectors_core

    cases = selectors_core.case_list(actor, today=today).filter(case_officers__officer__user=actor)
    return {
        "label": _("我承办的在办案件"),
        "count": cases.count(),
        "overdue": cases.filter(selectors_core.overdue_q(today)).count(),
        "url": reverse("enforcement:case_list"),
        "cases": list(cases[:CASE_ROWS]),
    }


def my_todo(actor, today: dt.date | None = None) -> list[dict]:
    """The actor's 待办 entries (empty for roles whose home shows their goals or a cockpit)."""
    scope = scope_of(actor)
    today = today or timezone.localdate()
    entries = []
    if scope.has(Role.LEGALITY_REVIEWER):
        entries += _reviewer_entries(actor, today)
    if scope.has(Role.ENFORCEMENT_OFFICER):
        entries.append(_officer_entry(actor, today))
    return entries
