"""Who may do what to a decision. The undertaking units' staff run the procedures; the office
(政府办公室 / 督查室) manages the catalogue, launches, and keeps the meetings; legality reviewers
conclude reviews; only the head (a principal leader of the decision organ) suspends."""

from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

UNIT_ROLES = (Role.LIAISON, Role.UNIT_HEAD)


def is_office(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE)


def is_reviewer(actor) -> bool:
    return scope_of(actor).has(Role.LEGALITY_REVIEWER)


def undertaker_paths(decision) -> list[str]:
    return [u.unit.path for u in decision.undertakers.all()]


def runs_procedures(actor, decision) -> bool:
    """Office, or staff of an undertaking unit (write scope covers it)."""
    scope = scope_of(actor)
    if scope.has(Role.OFFICE):
        return True
    if not scope.has(*UNIT_ROLES):
        return False
    return any(scope.covers_path(path, write=True) for path in undertaker_paths(decision))


def is_head(actor, decision) -> bool:
    """The administrative head of the decision organ: a serving principal leader whose city is
    the organ (or contains it)."""
    scope = scope_of(actor)
    if not scope.is_principal:
        return False
    return any(decision.owner.path.startswith(path) for path in scope.city_paths)
