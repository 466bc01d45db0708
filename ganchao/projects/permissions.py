"""Who may change what on a key project."""

from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of


def is_office(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE)


def may_record(actor, project) -> bool:
    """Steps and actual investment: the office, or the lead unit's own staff."""
    scope = scope_of(actor)
    if scope.has(Role.OFFICE):
        return True
    if not scope.has(Role.LIAISON, Role.UNIT_HEAD):
        return False
    path = project.lead_unit.path
    return any(path.startswith(prefix) for prefix in scope.own_paths)
