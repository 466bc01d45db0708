"""Who may do what in the assessment (比着干).

- The supervision office (督查室/考核办) manages schemes, enters bonus / deduction / veto items
  and manual scores, computes drafts, publishes results, decides appeals, keeps the benchmark
  register, issues bulletins and chooses what is shown publicly.
- City leaders see drafts and published results of every unit (they read everything).
- Every other staff user sees published results only: the league tables (rank, total,
  grade of every unit — rankings are meant to be seen by those ranked) and the breakdown of
  the units in their read scope. Units appeal for the units they write for.
- The public sees a scheme's ranking only when the office has released it.
The command line acts as the system (actor None) and is not checked.
"""

from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def manages_assessment(actor) -> bool:
    """The office: schemes, items, manual scores, publication, appeals, benchmarks, bulletins."""
    return actor is None or scope_of(actor).has(Role.OFFICE)


def sees_drafts(actor) -> bool:
    return actor is None or scope_of(actor).has(Role.OFFICE, Role.LEADER)


def sees_rankings(actor) -> bool:
    """Published league tables: every signed-in staff user (not the auditor-only account)."""
    return actor is None or scope_of(actor).is_staff_user


def sees_breakdown(actor, unit) -> bool:
    """A unit's point-by-point breakdown: drafts' readers, or users whose read scope has it."""
    if sees_drafts(actor):
        return True
    return scope_of(actor).covers_path(unit.path)


def may_appeal(actor, unit) -> bool:
    """Users who write for the unit (its liaisons and heads), not the office judging it."""
    scope = scope_of(actor)
    if not scope.has(Role.LIAISON, Role.UNIT_HEAD):
        return False
    return any(unit.path.startswith(prefix) for prefix in scope.own_paths)
