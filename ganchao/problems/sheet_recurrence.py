"""Recurrence in the sheet 问题台账, by the rule `problem_create` applies to one problem
(services.register): taking the sheet's new rows in order, a row at the place type, place and
category of a problem closed within the recurrence window reopens that problem (the latest
closed) and counts — it is an update, not a new problem; otherwise the row is a new problem,
linked to the earliest unclosed problem of the same key (one already in the ledger, one this
sheet reopened, or an earlier new row), whose count goes up.

The plan is worked out while checking (the preview shows it, nothing written) with one query;
the writes reopen through the service's own step and link in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.problems.choices import UNCLOSED_STATES, EventKind, State
from ganchao.problems.models import Problem, ProblemEvent
from ganchao.problems.services.base import place_key, settings_get


def recurrence_key(values: dict) -> tuple:
    return (values["place_type"], place_key(values["place"]), values["category"])


@dataclass
class RecurrencePlan:
    """`reopen`: (closed problem, row) in sheet order; `link_to`: id(row) → the problem or the
    earlier new row it recurs."""

    reopen: list[tuple] = field(default_factory=list)
    link_to: dict[int, object] = field(default_factory=dict)

    def target_of(self, row):
        return self.link_to.get(id(row))


def _candidates(rows) -> tuple[dict, dict]:
    """Per key: the problems closed within the window (latest first) and the unclosed ones."""
    keys = {recurrence_key(r.values) for r in rows}
    since = timezone.now() - dt.timedelta(days=settings_get().recurrence_window_days)
    found = Problem.objects.filter(
        place_key__in={k[1] for k in keys},
        place_type__in={k[0] for k in keys},
        category__in={k[2] for k in keys},
    ).filter(Q(state=State.CLOSED, closed_at__gte=since) | Q(state__in=UNCLOSED_STATES))
    closed, unclosed = {}, {}
    for problem in found.order_by("-closed_at", "-id"):
        key = (problem.place_type, problem.place_key, problem.category)
        if key not in keys:
            continue
        (closed if problem.state == State.CLOSED else unclosed).setdefault(key, []).append(problem)
    return closed, unclosed


def plan_recurrences(rows) -> RecurrencePlan:
    """Which new rows reopen a closed problem and which new problems link to an earlier one."""
    plan = RecurrencePlan()
    if not rows:
        return plan
    closed, unclosed = _candidates(rows)
    earliest = {k: min(ps, key=_age) for k, ps in unclosed.items()}
    for row in rows:
        key = recurrence_key(row.values)
        if closed.get(key):
            problem = closed[key].pop(0)  # reopened: unclosed from now on
            plan.reopen.append((problem, row))
            if key not in earliest or _age(problem) < _age(earliest[key]):
                earliest[key] = problem
        elif key in earliest:
            plan.link_to[id(row)] = earliest[key]
        else:
            earliest[key] = row
    return plan


def _age(target) -> tuple:
    """The order `problem_create` links by (found on, id); a new row comes after every stored
    problem, and the first new row of a key is the only one ever held."""
    if _is_new(target):
        return (dt.date.max, 0)
    return (target.found_on, target.pk)


def _is_new(target) -> bool:
    return not isinstance(target, Problem)


def reopened_preview(problem: Problem) -> dict:
    """How the preview lists a row that reopens a closed problem."""
    return {
        "number": problem.number,
        "changes": [
            (_("状态"), State(State.CLOSED).label, State(State.REOPENED).label),
            (_("复发次数"), str(problem.recurrence_count), str(problem.recurrence_count + 1)),
        ],
    }


def target_number(target) -> str:
    """The number the preview names for a link: the problem's, or 第N行 for a new row."""
    if _is_new(target):
        return target.code or _("第%(row)d行") % {"row": target.number}
    return target.number


def write_reopens(actor, plan: RecurrencePlan) -> list[str]:
    """Reopen through the service's own step (its event, photos none, its audit event)."""
    from ganchao.problems.services.register import _recurrence_reopen

    settings, today, numbers = settings_get(), timezone.localdate(), []
    for _problem, row in plan.reopen:
        key = place_key(row.values["place"])
        reopened = _recurrence_reopen(actor, key, row.values, settings, [], today)
        numbers.append(reopened.number)
    return numbers


def write_links(actor, plan: RecurrencePlan, new_rows, number_of_row: dict, now) -> dict:
    """Link the new problems to what they recur and count it there: {new number: earlier}."""
    links = {}
    for row in new_rows:
        target = plan.target_of(row)
        if target is not None:
            links[number_of_row[id(row)]] = (
                number_of_row[id(target)] if _is_new(target) else target.number
            )
    if not links:
        return {}
    by_number = Problem.objects.in_bulk(set(links) | set(links.values()), field_name="number")
    linked = []
    for new, earlier in links.items():
        by_number[new].recurrence_of_id = by_number[earlier].pk
        linked.append(by_number[new])
    Problem.objects.bulk_update(linked, ["recurrence_of"], batch_size=500)
    counted = []
    for earlier, count in Counter(links.values()).items():
        problem = by_number[earlier]
        problem.recurrence_count += count
        problem.version += 1
        problem.updated_at = now
        counted.append(problem)
    Problem.objects.bulk_update(
        counted, ["recurrence_count", "version", "updated_at"], batch_size=500
    )
    ProblemEvent.objects.bulk_create(
        ProblemEvent(
            problem_id=by_number[earlier].pk,
            kind=EventKind.RECURRED,
            actor=actor,
            at=now,
            note=_("同一地点同类问题再次发现：%(number)s") % {"number": new},
            from_state=by_number[earlier].state,
            to_state=by_number[earlier].state,
        )
        for new, earlier in links.items()
    )
    return links
