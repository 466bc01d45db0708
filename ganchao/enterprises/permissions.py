"""Who may do what in 服务企业. The office (督查室) does everything; a town's head or liaison
keeps the town's enterprises and assigns their commissioners; a commissioner (服务专员) serving
an enterprise records visits, registers its appeals, closes them and asks for the rating; the
owner unit's head or liaison and the appeal's handler acknowledge, plan and resolve."""

from django.utils import timezone

from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

UNIT_STAFF = (Role.UNIT_HEAD, Role.LIAISON)


def is_office(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE)


def keeps_town(actor, town) -> bool:
    scope = scope_of(actor)
    if scope.has(Role.OFFICE):
        return True
    return scope.has(*UNIT_STAFF) and scope.covers_path(town.path, write=True)


def serves(actor, enterprise, on=None) -> bool:
    """A commissioner currently assigned to the enterprise (an assignment ended on a day no
    longer serves that day)."""
    if actor is None or not getattr(actor, "pk", None):
        return False
    if not scope_of(actor).has(Role.COMMISSIONER):  # no query for everyone else
        return False
    on = on or timezone.localdate()
    assigned = enterprise.commissioners.filter(user=actor, start_on__lte=on)
    return assigned.exclude(end_on__lte=on).exists()


def registers_appeals(actor, enterprise) -> bool:
    return keeps_town(actor, enterprise.town) or serves(actor, enterprise)


def handles(actor, appeal) -> bool:
    """Acknowledges, plans and resolves: the office, the handler, the owner unit's staff."""
    scope = scope_of(actor)
    if scope.has(Role.OFFICE):
        return True
    if appeal.handler_id and appeal.handler_id == getattr(actor, "pk", None):
        return True
    return scope.has(*UNIT_STAFF) and scope.covers_path(appeal.owner_unit.path, write=True)


def closes(actor, appeal) -> bool:
    """Closes an appeal and sends its rating link: whoever handles it or the commissioner."""
    return handles(actor, appeal) or serves(actor, appeal.enterprise)
