"""Who is told: the supervision office responsible for a unit, and the leaders in charge of it.

- The office: active users with the office role whose office unit sits directly under the
  nearest ancestor of the unit that has one (a city's 督查室 for that city's towns; at province
  scale each city's own office, not all sixteen). When none is found, every office user.
- Leaders in charge (分管): active users linked to a leader whose LeaderArea covers the unit
  (the area's unit or any ancestor of it) on the given day; the principal leaders only through
  an area of their own.
Each function runs a fixed number of queries whatever the number of units.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q

from ganchao.orgs.choices import Role
from ganchao.orgs.models import LeaderArea, Unit
from ganchao.orgs.scoping import ancestor_paths


def _parent_path(path: str) -> str:
    return path[: path.rstrip("/").rfind("/") + 1]


def offices_for(unit_ids) -> dict[int, list]:
    """unit id → the office users who should hear of that unit's reports and answers."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return {}
    paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    officers = list(
        get_user_model()
        .objects.filter(is_active=True, role_grants__role=Role.OFFICE)
        .select_related("unit")
        .distinct()
        .order_by("pk")
    )
    result = {}
    for unit_id, path in paths.items():
        best, chosen = -1, []
        for user in officers:
            home = _parent_path(user.unit.path) if user.unit_id else ""
            if home and path.startswith(home) and len(home) >= best:
                chosen = chosen + [user] if len(home) == best else [user]
                best = len(home)
        result[unit_id] = chosen or officers
    return result


def leaders_in_charge(unit_ids, day: dt.date) -> dict[int, list]:
    """unit id → the users of the leaders whose areas cover the unit on `day`."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return {}
    paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    # Only areas that can cover one of the units: the units themselves and their ancestors
    # (not every area of the city, nor the users of every leader).
    above = {ancestor for path in paths.values() for ancestor in ancestor_paths(path)}
    areas = list(
        LeaderArea.objects.filter(start_date__lte=day, leader__active=True, unit__path__in=above)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("leader_id", "unit__path")
    )
    leader_ids = {leader_id for leader_id, _path in areas}
    users: dict[int, list] = {}
    for user in get_user_model().objects.filter(is_active=True, leader_id__in=leader_ids):
        users.setdefault(user.leader_id, []).append(user)
    result = {}
    for unit_id, path in paths.items():
        covering = {leader_id for leader_id, area in areas if path.startswith(area)}
        people = [user for leader_id in sorted(covering) for user in users.get(leader_id, [])]
        if people:
            result[unit_id] = people
    return result
