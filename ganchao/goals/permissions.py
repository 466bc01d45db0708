"""Who may do what on the goal tree.

- The supervision office (督查室) plans, issues, edits items and assignments, reviews reports
  (accept or return) and decides target adjustments. The item's lead unit's head does not
  review: a report is reviewed once, by the office, so that every unit is held to one standard.
- A unit's own users (their unit's subtree and their posts, the write scope) report for its
  assignments and request adjustments of its targets; so do users of the item's data-source
  unit (e.g. 统计局), who submit values for every assignment of the item.
- Cooperating units report narrative only.
"""

from ganchao.goals.choices import ItemType
from ganchao.goals.choices import Role as AssignmentRole
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def is_office(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE)


def may_report(actor, assignment) -> bool:
    """The actor writes for the assignment's unit, or for the item's data-source unit."""
    scope = scope_of(actor)
    if scope.anonymous or scope.is_auditor_only:
        return False
    if _own(scope, assignment.unit.path):
        return True
    source = assignment.item.data_source_unit
    return source is not None and _own(scope, source.path)


def _own(scope, path: str) -> bool:
    """Inside the actor's own units (not the system administrator's write-everywhere)."""
    return any(path.startswith(prefix) for prefix in scope.own_paths)


def may_request_adjustment(actor, assignment) -> bool:
    return is_office(actor) or (assignment is not None and may_report(actor, assignment))


def value_required(assignment) -> bool:
    """Lead and responsible units of an indicator report a value; cooperating units only words."""
    return (
        assignment.item.type == ItemType.INDICATOR and assignment.role != AssignmentRole.COOPERATING
    )
