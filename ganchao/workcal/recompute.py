"""Recomputing deadlines after the calendar changes (DESIGN.md 3.11).

A deadline computed on a provisional year (see `Answer.provisional` in
ganchao.common.workdays) must be recomputed once that year's official schedule is entered, and
any deadline may move when an administrator sets or removes an override. Modules that store
deadlines register a hook here, usually in their AppConfig.ready():

    from ganchao.workcal.recompute import register_recompute

    def recompute_assignment_deadlines(years: frozenset[int]) -> None:
        ...  # recompute the deadlines that fall in (or were computed across) `years`

    register_recompute(recompute_assignment_deadlines)

The calendar services (`calendar_override_set`, `calendar_override_remove`,
`calendar_year_confirm`) call `schedule_recompute(years)` inside their transaction; each hook
then runs once after that transaction commits (never if it rolls back), with the years whose
calendar changed, after the cached calendar has been dropped, so a hook reading
ganchao.common.workdays sees the new schedule. Hooks run in registration order; a hook that
raises is logged and does not stop the others (Django's robust on_commit). A hook should do its
own writes in its own transaction through its own services.
"""

from collections.abc import Callable

from django.db import transaction

from ganchao.common import workdays

RecomputeHook = Callable[[frozenset[int]], None]

_hooks: list[RecomputeHook] = []


def register_recompute(hook: RecomputeHook) -> RecomputeHook:
    """Add a hook (once; registering the same callable again does nothing). Usable as a decorator."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def unregister_recompute(hook: RecomputeHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def registered_hooks() -> tuple[RecomputeHook, ...]:
    return tuple(_hooks)


def schedule_recompute(years) -> None:
    """Drop the cached calendar now and after commit, then run every hook after commit."""
    changed = frozenset(years)
    workdays.invalidate()
    transaction.on_commit(workdays.invalidate)
    for hook in tuple(_hooks):
        transaction.on_commit(lambda hook=hook: hook(changed), robust=True)
