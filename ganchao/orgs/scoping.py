"""Scope primitives: which units an actor may read and change (DESIGN.md part 1 "Users").

A user reads and changes their own unit's subtree and those of their posts; the supervision
office reads everything; a leader also reads the subtrees of their current areas, and a
principal leader (市长, 市委书记: Leader.principal) the whole of their city — the 市 above their
own unit, not the province; the auditor reads only the audit log. Computed once per request and
cached on the user object.

Two scopes, kept apart (三员分立, LEGAL_RULES C5):

- the business scope (`units_q`, `covers_path`, `reads_all`, `is_staff_user`) says which goals,
  reports, evidence, matters, scores, decisions and cases an actor reads. An administrator
  account (system, security or audit administrator: no business role) has none at all, so every
  business selector built on it gives them nothing;
- the directory scope (`directory_units_q`, `covers_directory_path`, `reads_directory`) says
  which units, leaders and user accounts an actor sees: the system and security administrators
  manage them everywhere, the auditor sees none, everyone else their business read scope.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, F, Func, Q, Subquery
from django.utils import timezone

from ganchao.common.prepared import Prepared
from ganchao.orgs.choices import EXCLUSIVE_ROLES, Role, UnitType

# Business data of every unit: the supervision office only. The administrators manage accounts
# and units everywhere (DIRECTORY_ALL_ROLES) but read no business data.
READ_ALL_ROLES = {Role.OFFICE}
DIRECTORY_ALL_ROLES = {Role.OFFICE, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}
# Always true, and unlike an empty Q() it survives being OR-ed with another condition.
EVERYTHING = ~Q(pk__in=[])


class KeyIn(Func):
    """`key = ANY(ARRAY(subquery))` on PostgreSQL, `key IN (subquery)` elsewhere: a filter on a
    foreign key (`key`, e.g. "unit" or "assignment__unit") by the ids a subquery returns.

    PostgreSQL runs the subquery once and uses the array as an index condition on the key, which
    it can OR with another (a BitmapOr of two index scans) and estimates by the key's statistics
    whether or not the tables have been ANALYZEd; `key IN (subquery)` inside an OR becomes a
    filter tested on every row of the table, estimated at half of it."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, key: str, queryset):
        super().__init__(F(key), Subquery(queryset.order_by()))  # ordering joins tables

    def _parts(self, compiler):
        key, subquery = self.get_source_expressions()
        key_sql, key_params = compiler.compile(key)
        sub_sql, sub_params = compiler.compile(subquery)
        return key_sql, sub_sql, (*key_params, *sub_params)

    def as_sql(self, compiler, connection, **extra_context):
        key_sql, sub_sql, params = self._parts(compiler)
        return f"{key_sql} IN {sub_sql}", params

    def as_postgresql(self, compiler, connection, **extra_context):
        key_sql, sub_sql, params = self._parts(compiler)
        return f"{key_sql} = ANY(ARRAY{sub_sql})", params


@dataclass(frozen=True)
class Scope:
    """What one actor may see: role set and unit path prefixes."""

    roles: frozenset
    own_paths: tuple[str, ...]
    leader_paths: tuple[str, ...]  # the leader's current areas (分管)
    anonymous: bool = False
    city_paths: tuple[str, ...] = ()  # a principal leader's whole city

    @property
    def is_principal(self) -> bool:
        return bool(self.city_paths)

    def has(self, *roles) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_auditor_only(self) -> bool:
        return Role.AUDITOR in self.roles

    @property
    def is_admin_only(self) -> bool:
        """An administrator account (三员分立) holds no business role, so it neither reads nor
        answers for any unit's business data: its business scope is empty. Accounts and units
        are managed through the directory scope and role checks in the orgs services."""
        return bool(self.roles) and self.roles <= EXCLUSIVE_ROLES

    @property
    def reads_all(self) -> bool:
        """Reads every unit's business data (the supervision office)."""
        return not self.is_admin_only and bool(self.roles & READ_ALL_ROLES)

    @property
    def is_staff_user(self) -> bool:
        """May read business data at all: every signed-in user but an administrator account
        (system, security or audit administrator)."""
        return not self.anonymous and not self.is_auditor_only and not self.is_admin_only

    @property
    def reads_directory(self) -> bool:
        """May read the unit directory, the leaders and (within `directory_units_q`) user
        accounts: every signed-in staff user but the auditor."""
        return not self.anonymous and not self.is_auditor_only

    @property
    def _directory_all(self) -> bool:
        return self.reads_directory and bool(self.roles & DIRECTORY_ALL_ROLES)

    @property
    def _no_business(self) -> bool:
        return self.anonymous or self.is_auditor_only or self.is_admin_only

    @property
    def read_paths(self) -> tuple[str, ...]:
        return tuple(_minimal([*self.own_paths, *self.leader_paths, *self.city_paths]))

    def units_q(self, prefix: str = "", *, write: bool = False) -> Q:
        """A filter on Unit (or on a relation through `prefix`, e.g. "unit__") for the business
        scope; nothing for an administrator account."""
        if self._no_business:
            return Q(pk__in=[])
        if self.reads_all and not write:
            return EVERYTHING
        paths = self.own_paths if write else self.read_paths
        query = Q(pk__in=[])
        for path in paths:
            query |= Q(**{f"{prefix}path__startswith": path})
        return query

    def unit_in_q(self, field: str, *, write: bool = False) -> Q:
        """A filter on a foreign key to Unit (`field`: "unit", "assignment__unit" …) for the
        business scope, written as `field_id = ANY(ARRAY(SELECT id FROM orgs_unit WHERE path
        LIKE …))` (KeyIn): the key is compared with the units in scope instead of joining every
        row to the units table and testing its path, so PostgreSQL reads the rows of those units
        through the key's index; nothing for an administrator account, everything for the
        office."""
        from ganchao.orgs.models import Unit

        if self._no_business:
            return Q(pk__in=[])
        if self.reads_all and not write:
            return EVERYTHING
        return Q(KeyIn(field, Unit.objects.filter(self.units_q(write=write)).values("pk")))

    def covers_path(self, path: str, *, write: bool = False) -> bool:
        if self._no_business:
            return False
        if self.reads_all and not write:
            return True
        paths = self.own_paths if write else self.read_paths
        return any(path.startswith(prefix) for prefix in paths)

    def directory_units_q(self, prefix: str = "") -> Q:
        """A filter on Unit (through `prefix`) for the accounts and units the actor manages or
        sees in the directory: everything for the office and the system and security
        administrators, the business read scope for everyone else, nothing for the auditor."""
        if not self.reads_directory:
            return Q(pk__in=[])
        if self._directory_all:
            return EVERYTHING
        return self.units_q(prefix)

    def covers_directory_path(self, path: str) -> bool:
        if not self.reads_directory:
            return False
        return self._directory_all or self.covers_path(path)


ANONYMOUS = Scope(frozenset(), (), (), anonymous=True)


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_ganchao_scope", None)
    if cached is not None:
        return cached
    roles, post_paths, area_paths = _grants(user)
    own = [user.unit.path] if user.unit_id else []
    own += post_paths
    leader_paths: list[str] = []
    city_paths: list[str] = []
    if user.leader_id and Role.LEADER in roles:
        leader_paths = area_paths
        city_paths = _principal_city(user)
    scope = Scope(
        roles, tuple(_minimal(own)), tuple(_minimal(leader_paths)), city_paths=tuple(city_paths)
    )
    user._ganchao_scope = scope
    return scope


def current_areas_q(today=None, prefix: str = "") -> Q:
    """Leader areas (分管) in force on `today`; `prefix` for a filter through a relation
    (e.g. "areas__" on Leader)."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": today}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def nearest_city(path: str):
    """The path of the nearest 市 at or above `path`, as a one-row queryset (usable as a
    subquery); empty when there is none."""
    from ganchao.orgs.models import Unit

    return (
        Unit.objects.filter(path__in=ancestor_paths(path), type=UnitType.CITY)
        .order_by("-depth")
        .values("path")[:1]
    )


def _grants_union(user_id: int, leader_id: int | None = None, today=None):
    """The union _grants reads: roles, active posts' paths and (for a leader) current areas'."""
    from django.db.models import CharField, F, Value

    from ganchao.orgs.models import LeaderArea, Post, RoleGrant

    def tagged(queryset, tag: str, column: str):
        return (
            queryset.order_by()
            .annotate(gc_kind=Value(tag, output_field=CharField()), gc_value=F(column))
            .values_list("gc_kind", "gc_value")
        )

    parts = [
        tagged(RoleGrant.objects.filter(user_id=user_id), "role", "role"),
        tagged(
            Post.objects.filter(user_id=user_id, active=True, unit__active=True),
            "post",
            "unit__path",
        ),
    ]
    if leader_id is not None:
        areas = LeaderArea.objects.filter(current_areas_q(today), leader_id=leader_id)
        parts.append(tagged(areas, "area", "unit__path"))
    return parts[0].union(*parts[1:], all=True)


# Compiled once per process (common.prepared): every page and API call reads the grants.
_GRANTS = Prepared("orgs.RoleGrant", _grants_union, user_id=int)
_GRANTS_OF_LEADER = Prepared(
    "orgs.RoleGrant", _grants_union, user_id=int, leader_id=int, today=dt.date
)


def _grants(user) -> tuple[frozenset, list[str], list[str]]:
    """The user's roles, the paths of their active posts and of their leader's current areas,
    in one query (a union): every page and API call starts by building the actor's scope."""
    if user.leader_id:
        rows = _GRANTS_OF_LEADER.fetch(
            user_id=user.pk, leader_id=user.leader_id, today=timezone.localdate()
        )
    else:
        rows = _GRANTS.fetch(user_id=user.pk)
    found: dict[str, list[str]] = {"role": [], "post": [], "area": []}
    for kind, value in rows:
        found[kind].append(value)
    return frozenset(found["role"]), found["post"], found["area"]


def ancestor_paths(path: str) -> list[str]:
    """The paths of a unit and of its ancestors: /1/7/9/ → /1/, /1/7/, /1/7/9/."""
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


def _principal_city(user) -> list[str]:
    """A serving principal leader's city: the nearest 市 above their own unit (else the root of
    its tree); [] for other leaders."""
    from ganchao.orgs.models import Leader

    if "leader" in user._state.fields_cache:  # loaded with the user (session and token)
        leader = user.leader
        principal = leader is not None and leader.principal and leader.active
    else:
        principal = Leader.objects.filter(pk=user.leader_id, principal=True, active=True).exists()
    if not user.unit_id or not principal:
        return []
    city = nearest_city(user.unit.path).values_list("path", flat=True).first()
    return [city or ancestor_paths(user.unit.path)[0]]


def _minimal(paths: list[str]) -> list[str]:
    """Drop paths inside another listed path, so that filters stay short."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result
