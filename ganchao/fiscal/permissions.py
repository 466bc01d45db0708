"""Who may do what with capacities and commitments.

- read: whoever's business scope covers the unit (the office everything, a leader the units of
  their areas, a unit's staff their own subtree);
- set the capacity and add or withdraw commitments: the office, or the unit's own liaison or
  head (their write scope);
- approve or reject a commitment beyond capacity: the office or a city leader who reads the unit.
"""

from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def may_read(actor, unit) -> bool:
    return scope_of(actor).covers_path(unit.path)


def may_manage(actor, unit) -> bool:
    scope = scope_of(actor)
    if scope.has(Role.OFFICE) and scope.reads_all:
        return True
    return scope.has(Role.LIAISON, Role.UNIT_HEAD) and scope.covers_path(unit.path, write=True)


def may_approve(actor, unit) -> bool:
    scope = scope_of(actor)
    return scope.has(Role.OFFICE, Role.LEADER) and scope.covers_path(unit.path)


def approves_anything(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE, Role.LEADER)
