"""Reads on units, leaders and users, scoped to the actor.

The unit directory (name, code, type, parent, category, aliases) and the leaders are readable by
every staff user and the system and security administrators; user accounts are visible within
the actor's directory scope (scoping.Scope.directory_units_q: the administrators see every
account, though no business data).
"""

import datetime as dt
import json
from collections import Counter

from django.db.models import Count, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ganchao.common.errors import NotFound
from ganchao.common.prepared import Prepared, count_of
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Leader, LeaderArea, Post, RoleGrant, Unit, User
from ganchao.orgs.scoping import current_areas_q, nearest_city, scope_of

DIRECTORY_FIELDS = (
    "id",
    "code",
    "name",
    "type",
    "parent_id",
    "parent__code",
    "category__name",
    "aliases",
    "active",
    "depth",
    "path",
    "sort_order",
)


def _require_staff(actor):
    if not scope_of(actor).reads_directory:
        raise NotFound("页面不存在")


def unit_directory(*, actor, active_only: bool = False):
    """Every unit as a plain row (one query), ordered by tree position."""
    _require_staff(actor)
    units = Unit.objects.all()
    if active_only:
        units = units.filter(active=True)
    return units.order_by("path").values(*DIRECTORY_FIELDS)


def _text_q(q: str) -> Q:
    """Name, code or alias containing q. SQLite keeps a JSON list of aliases with non-ASCII
    characters escaped (住建 as \\u4f4f\\u5efa) while PostgreSQL keeps the characters, so an
    alias is matched in both spellings."""
    escaped = json.dumps(q)[1:-1]
    aliases = Q(aliases__icontains=q)
    if escaped != q:
        aliases |= Q(aliases__icontains=escaped)
    return Q(name__icontains=q) | Q(code__icontains=q) | aliases


def unit_list(
    *, actor, q: str = "", type: str = "", parent_code: str = "", category: str = "", active=None
):
    """The unit directory with filters, for lists and the API (a queryset of Unit)."""
    _require_staff(actor)
    units = Unit.objects.select_related("parent", "category").order_by("path")
    if q:
        units = units.filter(_text_q(q))
    if type:
        units = units.filter(type=type)
    if parent_code:
        units = units.filter(parent__code=parent_code)
    if category:
        units = units.filter(Q(category__code=category) | Q(category__name=category))
    if active is not None:
        units = units.filter(active=active)
    return units


def unit_get(*, actor, pk=None, code: str | None = None) -> Unit:
    _require_staff(actor)
    lookup = {"pk": pk} if pk is not None else {"code": code}
    unit = Unit.objects.select_related("parent", "category").filter(**lookup).first()
    if unit is None:
        raise NotFound("单位不存在")
    return unit


def unit_ancestors(unit: Unit) -> list[Unit]:
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def build_tree(rows) -> list[dict]:
    """Nest directory rows under their parents (rows must come in path order)."""
    by_id, roots = {}, []
    for row in rows:
        node = {**row, "children": []}
        by_id[row["id"]] = node
        parent = by_id.get(row["parent_id"])
        (parent["children"] if parent else roots).append(node)
    return roots


# The home page's cards, compiled once per process and key (common.prepared): every user lands
# there.
_UNIT_TYPES = Prepared(
    "orgs.Unit", lambda: Unit.objects.filter(active=True).values_list("type", flat=True)
)
_ACTIVE_USERS = Prepared("orgs.User", None)
_CITY_LEADERS_COUNT = Prepared("orgs.Leader", None, today=dt.date)
_CITY_LEADERS = Prepared("orgs.Leader", None, today=dt.date)


def unit_overview(*, actor) -> dict:
    counts = Counter(_UNIT_TYPES.fetch())
    scope = scope_of(actor)
    users = 0
    if scope.reads_directory:
        (users,) = _ACTIVE_USERS.fetch(
            ("active_users", scope),
            build=lambda: count_of(users_visible(actor=actor).filter(is_active=True)),
        )
    return {
        "total": sum(counts.values()),
        "by_type": [
            {"type": t.label, "count": counts.get(t.value, 0)}
            for t in UnitType
            if counts.get(t.value)
        ],
        "users": users,
    }


def leader_rows(*, actor, today=None) -> list[dict]:
    """Leaders with their current areas (two queries)."""
    _require_staff(actor)
    areas = (
        LeaderArea.objects.filter(current_areas_q(today))
        .select_related("unit")
        .order_by("unit__path")
    )
    leaders = Leader.objects.filter(active=True).prefetch_related(
        Prefetch("areas", queryset=areas, to_attr="current_areas")
    )
    return [
        {
            "id": leader.pk,
            "name": leader.name,
            "title": leader.title,
            "principal": leader.principal,
            "areas": [
                {"id": a.unit_id, "code": a.unit.code, "name": a.unit.name, "since": a.start_date}
                for a in leader.current_areas
            ],
        }
        for leader in leaders
    ]


def leader_overview(*, actor, limit: int = 12, today=None) -> dict:
    """The home page's 市级领导 card: the leaders of the actor's city (in charge of a unit in it or
    with an account there; every leader when the actor's unit has no 市 above it), how many, and the
    first `limit` with the number of units each is in charge of. Two queries: a province holds
    every city's leaders and their thousands of areas."""
    _require_staff(actor)
    today = today or timezone.localdate()
    own_path = actor.unit.path if actor.unit_id else None

    def leaders(today):
        if own_path is not None:
            city = nearest_city(own_path)
        else:
            city = Unit.objects.none().values("path")
        city_path = Coalesce(Subquery(city), Value("/"))
        in_city = LeaderArea.objects.filter(
            current_areas_q(today), unit__path__startswith=city_path
        )
        # A leader in charge of no unit (a 市长) belongs to the city of their own account's unit.
        accounts = User.objects.filter(leader__isnull=False, unit__path__startswith=city_path)
        return Leader.objects.filter(active=True).filter(
            Q(pk__in=in_city.values("leader_id")) | Q(pk__in=accounts.values("leader_id"))
        )

    def rows(today):
        current = current_areas_q(today, prefix="areas__")
        return (
            leaders(today)
            .annotate(area_count=Count("areas", filter=current))
            .values("id", "name", "title", "principal", "area_count")[:limit]
        )

    # The SQL depends on the actor's own unit (its city) and the limit; the day is a value.
    (total,) = _CITY_LEADERS_COUNT.fetch(
        ("leaders", own_path), build=lambda today: count_of(leaders(today)), today=today
    )
    found = _CITY_LEADERS.fetch(("leaders", own_path, limit), build=rows, today=today)
    return {"total": total, "rows": found}


def users_visible(*, actor):
    """Users whose unit lies in the actor's directory scope (administrators: every user)."""
    return User.objects.filter(scope_of(actor).directory_units_q("unit__")).select_related("unit")


def user_list(*, actor, q: str = "", unit_code: str = "", role: str = "", active=None):
    users = (
        users_visible(actor=actor)
        .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
        .order_by("unit__path", "username")
    )
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if unit_code:
        users = users.filter(unit__code=unit_code)
    if role:
        users = users.filter(role_grants__role=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users


def user_get(*, actor, pk) -> User:
    user = (
        users_visible(actor=actor)
        .select_related("leader")
        .prefetch_related(
            "role_grants",
            Prefetch("posts", queryset=Post.objects.filter(active=True).select_related("unit")),
        )
        .filter(pk=pk)
        .first()
    )
    if user is None:
        raise NotFound("用户不存在")
    return user


def unit_users(*, actor, unit: Unit):
    """Users of a unit, only when the unit lies in the actor's directory scope (else none)."""
    if not scope_of(actor).covers_directory_path(unit.path):
        return User.objects.none()
    return User.objects.filter(unit=unit).prefetch_related("role_grants").order_by("username")


def role_labels(user) -> list[str]:
    return [str(Role(g.role).label) for g in user.role_grants.all()]


def _child_counts(parent_ids) -> dict[int, int]:
    from django.db.models import Count

    rows = (
        Unit.objects.filter(parent_id__in=list(parent_ids))
        .values("parent_id")
        .annotate(n=Count("id"))
    )
    return {row["parent_id"]: row["n"] for row in rows}


def unit_tree_level(*, actor, parent: Unit | None = None, depth: int = 2) -> list[dict]:
    """The first `depth` levels below `parent` (the roots when None) as nested rows; nodes
    deeper down report only how many children they have, to be fetched on demand."""
    _require_staff(actor)
    if parent is None:
        base_depth, units = 0, Unit.objects.filter(depth__lt=depth)
    else:
        base_depth = parent.depth + 1
        units = Unit.objects.filter(
            path__startswith=parent.path, depth__gte=base_depth, depth__lt=base_depth + depth
        )
    rows = list(units.order_by("path").values(*DIRECTORY_FIELDS))
    counts = _child_counts(row["id"] for row in rows)
    for row in rows:
        row["child_count"] = counts.get(row["id"], 0)
        row["type_label"] = UnitType(row["type"]).label
        row["loaded"] = row["depth"] < base_depth + depth - 1
    if parent is not None:
        for row in rows:
            if row["parent_id"] == parent.pk:
                row["parent_id"] = None
    return build_tree(rows)


def unit_search(*, actor, q: str, limit: int = 200) -> list[dict]:
    """Units whose name, code or alias contains q, each with its ancestors' names (two queries)."""
    _require_staff(actor)
    rows = list(Unit.objects.filter(_text_q(q)).order_by("path").values(*DIRECTORY_FIELDS)[:limit])
    ancestor_ids = {int(p) for row in rows for p in row["path"].strip("/").split("/")[:-1] if p}
    names = dict(Unit.objects.filter(pk__in=ancestor_ids).values_list("id", "name"))
    for row in rows:
        ids = [int(p) for p in row["path"].strip("/").split("/")[:-1] if p]
        row["trail"] = " / ".join(names.get(i, "?") for i in ids)
        row["type_label"] = UnitType(row["type"]).label
    return rows


def leader_get(*, actor, pk) -> Leader:
    _require_staff(actor)
    leader = Leader.objects.filter(pk=pk).first()
    if leader is None:
        raise NotFound("领导不存在")
    return leader


def leader_area_history(*, actor, leader: Leader) -> list[LeaderArea]:
    """Every area the leader has held, current ones first, with start and end dates."""
    _require_staff(actor)
    return list(leader.areas.select_related("unit").order_by("end_date", "unit__path"))


UNIT_CONTACT_ROLES = (Role.LIAISON, Role.UNIT_HEAD)


def unit_contacts(unit_ids, roles=UNIT_CONTACT_ROLES) -> dict[int, list[User]]:
    """The active users holding `roles` in each unit, by their own unit or an active post
    (the people a reminder, an instruction or a notice for that unit goes to). Two queries."""
    unit_ids = set(unit_ids)
    users = (
        User.objects.filter(is_active=True, role_grants__role__in=roles)
        .filter(Q(unit_id__in=unit_ids) | Q(posts__unit_id__in=unit_ids, posts__active=True))
        .distinct()
        .prefetch_related("posts")
    )
    by_unit: dict[int, list[User]] = {}
    for user in users:
        units = {user.unit_id} | {p.unit_id for p in user.posts.all() if p.active}
        for unit_id in units & unit_ids:
            by_unit.setdefault(unit_id, []).append(user)
    return by_unit
