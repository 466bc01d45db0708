"""Reads of the escalation ladder, scoped to what the actor may see."""

from ganchao.common.errors import NotFound
from ganchao.orgs.scoping import scope_of
from ganchao.supervision.models import Alert


def alert_list(*, actor, level: str = "", unit: str = "", status: str = ""):
    """Alerts in the actor's read scope; `unit` matches a unit code or name; `status` is
    `open` (a 催办 awaiting its written answer) or `answered`."""
    query = Alert.objects.filter(scope_of(actor).units_q("unit__")).select_related(
        "unit", "assignment__item"
    )
    if level.isdigit():
        query = query.filter(level=int(level))
    if unit:
        query = query.filter(unit__code=unit) | query.filter(unit__name=unit)
    if status == "open":
        query = query.filter(level=2, responded_at__isnull=True)
    elif status == "answered":
        query = query.filter(responded_at__isnull=False)
    return query.order_by("-at", "-id")


def alert_get(*, actor, pk: int) -> Alert:
    alert = Alert.objects.filter(scope_of(actor).units_q("unit__"), pk=pk).select_related(
        "unit", "assignment__item", "responded_by"
    )
    found = alert.first()
    if found is None:
        raise NotFound("催办事项不存在")
    return found


def alerts_for_assignment(actor, assignment) -> list[Alert]:
    """The alerts of one assignment, newest first (for the assignment and item pages)."""
    if not scope_of(actor).covers_path(assignment.unit.path):
        raise NotFound("事项不存在")
    return list(
        Alert.objects.filter(assignment=assignment)
        .select_related("unit", "responded_by")
        .order_by("-at", "-id")
    )
