"""Who may do what in enforcement. An agency's own staff (enforcement officers, its liaison
and head) handle its cases; the agency's head (单位负责人) decides; legal reviewers assign and
conclude reviews; the office (督查室) reads everything and keeps the directory with the
agencies."""

from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

HANDLER_ROLES = (Role.ENFORCEMENT_OFFICER, Role.LIAISON, Role.UNIT_HEAD)


def is_office(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE)


def is_reviewer(actor) -> bool:
    return scope_of(actor).has(Role.LEGALITY_REVIEWER)


def manages_agency(actor, agency) -> bool:
    """Keeps the agency's officers and matters: the office, or the agency's head or liaison."""
    scope = scope_of(actor)
    if scope.has(Role.OFFICE):
        return True
    return scope.has(Role.UNIT_HEAD, Role.LIAISON) and scope.covers_path(
        agency.unit.path, write=True
    )


def handles(actor, case) -> bool:
    """Runs the case: staff of the agency with write scope over it."""
    scope = scope_of(actor)
    return scope.has(*HANDLER_ROLES) and scope.covers_path(case.agency.unit.path, write=True)


def opens_cases(actor, agency) -> bool:
    scope = scope_of(actor)
    return scope.has(*HANDLER_ROLES) and scope.covers_path(agency.unit.path, write=True)


def is_head(actor, case) -> bool:
    """The organ's responsible person (负责人): the agency's unit head."""
    scope = scope_of(actor)
    return scope.has(Role.UNIT_HEAD) and scope.covers_path(case.agency.unit.path, write=True)


def assigns_reviews(actor, case) -> bool:
    """A legal reviewer (the review body) or the agency's head assigns the reviewer."""
    return is_reviewer(actor) or is_head(actor, case)
