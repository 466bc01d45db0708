"""Writing the demo matters, escalations, field visits and burden requests (领着干), city by city,
through bulk inserts with explicit ids.

Called by `services.demo_seed` inside its transaction, after the plans and their computed
statuses: the instructions go to red and yellow goal items and the 督办单 to red assignments,
so the statuses must be known. The context of each city is read back from the rows just written
(a pure function of scale, seed and as-of), and the rows come from `matters_generator`.
"""

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Max

from ganchao.demodata.goals_writer import REPORT_BATCH
from ganchao.demodata.matters_generator import (
    CityContext,
    CityRows,
    ItemInfo,
    LeaderInfo,
    MatterBuilder,
    RedAssignment,
    UnitInfo,
)
from ganchao.goals.choices import Role as AssignmentRole
from ganchao.goals.models import Assignment, Item, Plan
from ganchao.ladder.choices import DocumentType
from ganchao.ladder.models import (
    BulletinListing,
    DocumentCounter,
    NoticeResponse,
    SupervisionNotice,
    TalkProposal,
)
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Leader, LeaderArea, RoleGrant, Unit, User
from ganchao.supervision.models import (
    Alert,
    Matter,
    MatterEvent,
    MatterExtension,
    MatterFeedback,
    MatterHop,
)
from ganchao.visits.models import BurdenRequest, Demand, FieldVisit, Finding, Guidance

MATTER_MODELS = (
    Matter, MatterHop, MatterFeedback, MatterExtension, MatterEvent, Alert, SupervisionNotice,
    NoticeResponse, BulletinListing, TalkProposal, FieldVisit, FieldVisit.participants.through,
    Finding, Guidance, Demand, BurdenRequest, BurdenRequest.to_units.through, DocumentCounter,
)  # fmt: skip
# (count key, CityRows attribute), in insert order (foreign keys first)
ROW_KINDS = (
    ("matters", "matters"), ("matter_hops", "hops"), ("matter_feedbacks", "feedbacks"),
    ("matter_extensions", "extensions"), ("matter_events", "events"), ("alerts", "alerts"),
    ("supervision_notices", "notices"), ("notice_responses", "responses"),
    ("bulletins", "bulletins"), ("talks", "talks"), ("field_visits", "visits"),
    ("findings", "findings"), ("guidance", "guidance"), ("demands", "demands"),
    ("burden_requests", "burden"),
)  # fmt: skip
MATTER_COUNT_KEYS = tuple(key for key, _attr in ROW_KINDS)
TOWN_TYPES = (UnitType.TOWN, UnitType.STREET, UnitType.PARK, UnitType.DISTRICT)
VILLAGE_TYPES = (UnitType.VILLAGE, UnitType.COMMUNITY)


@dataclass
class MattersWritten:
    counts: Counter = field(default_factory=Counter)
    digest: str = ""


class MatterIds:
    """Next free ids, the 文号 counter per year and the 通报 ordinal per unit and year."""

    def __init__(self):
        self.next = {
            model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
            for model in MATTER_MODELS
            if model is not DocumentCounter
        }
        self.numbers = dict(
            DocumentCounter.objects.filter(type=DocumentType.NOTICE).values_list(
                "year", "last_number"
            )
        )
        self.bulletins = Counter()

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value

    def take_number(self, year: int) -> int:
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return self.numbers[year]

    def take_bulletin(self, unit_id: int, year: int) -> int:
        if (unit_id, year) not in self.bulletins:
            self.bulletins[(unit_id, year)] = BulletinListing.objects.filter(
                unit_id=unit_id, year=year
            ).count()
        self.bulletins[(unit_id, year)] += 1
        return self.bulletins[(unit_id, year)]


def write_matters(scale: str, seed: int, as_of: dt.date, plan_ids: list[int], cal):
    """Every city's matters and escalations; returns the counts and a digest of the rows."""
    ids = MatterIds()
    written = MattersWritten()
    digest = hashlib.sha256()
    plans = Plan.objects.filter(id__in=plan_ids).select_related("owner").order_by("id")
    for plan in plans:
        context = city_context(plan)
        if context is None:
            continue
        rows = MatterBuilder(context, scale, seed, as_of, cal, ids).build()
        _insert(rows, written.counts, digest)
    _save_counters(ids)
    written.digest = digest.hexdigest()
    return written


def _insert(rows: CityRows, counts: Counter, digest) -> None:
    for key, attr in ROW_KINDS:
        batch = getattr(rows, attr)
        for row in batch:
            digest.update(repr(sorted((k, str(v)) for k, v in vars(row).items()
                                      if not k.startswith("_"))).encode())  # fmt: skip
        type(batch[0]).objects.bulk_create(batch, batch_size=REPORT_BATCH) if batch else None
        counts[key] += len(batch)
        if attr == "visits":
            through = FieldVisit.participants.through
            through.objects.bulk_create(
                [through(fieldvisit_id=v, user_id=u) for v, u in rows.participants],
                batch_size=REPORT_BATCH,
            )
        if attr == "notices":
            # the summary tells issued 督办单 apart from proposals the office did not pursue
            counts["notices_issued"] += sum(1 for n in batch if n.issued_at is not None)
            counts["proposals_dismissed"] += sum(1 for n in batch if n.dismissed_at is not None)
        if attr == "burden":
            through = BurdenRequest.to_units.through
            through.objects.bulk_create(
                [through(burdenrequest_id=r, unit_id=u) for r, u in rows.burden_units],
                batch_size=REPORT_BATCH,
            )


def _save_counters(ids: MatterIds) -> None:
    for year, last in sorted(ids.numbers.items()):
        DocumentCounter.objects.update_or_create(
            type=DocumentType.NOTICE, year=year, defaults={"last_number": last}
        )


# ---- the context of one city, read back from the seeded rows ----------------------------------


def city_context(plan: Plan) -> CityContext | None:
    city = plan.owner
    units = list(
        Unit.objects.filter(path__startswith=city.path)
        .order_by("path")
        .values_list("id", "code", "name", "type", "parent_id", "path", "aliases", "depth")
    )
    actors = _unit_actors(city.path)
    office = _office(city.path)
    if office is None:
        return None
    infos = {
        pk: UnitInfo(pk, code, name, kind, parent, path, actors.get(pk), tuple(aliases or ()))
        for pk, code, name, kind, parent, path, aliases, _depth in units
    }
    departments = [u for u in infos.values() if u.type == UnitType.DEPARTMENT
                   and u.id != office[1]]  # fmt: skip
    towns = [u for u in infos.values() if u.type in TOWN_TYPES and u.parent_id == city.id]
    villages: dict[int, list[UnitInfo]] = defaultdict(list)
    for unit in infos.values():
        if unit.type in VILLAGE_TYPES and unit.parent_id:
            villages[unit.parent_id].append(unit)
    leaders = _leaders(city.path)
    return CityContext(
        code=city.code,
        office_unit_id=office[1],
        office_user_id=office[0],
        office_user_name=office[2],
        departments=departments,
        towns=towns,
        villages=dict(villages),
        leaders=leaders,
        leader_of_unit=_leader_of_unit(infos),
        items=_items(plan),
        red_assignments=_red_assignments(plan),
        user_names=dict(
            User.objects.filter(unit__path__startswith=city.path).values_list("id", "full_name")
        ),
    )


def _unit_actors(path: str) -> dict[int, int]:
    """unit id → the user acting for it: its liaison, else its head."""
    rows = (
        RoleGrant.objects.filter(
            user__unit__path__startswith=path, role__in=(Role.LIAISON, Role.UNIT_HEAD)
        )
        .order_by("user_id")
        .values_list("user__unit_id", "user_id", "role")
    )
    heads: dict[int, int] = {}
    liaisons: dict[int, int] = {}
    for unit_id, user_id, role in rows:
        chosen = liaisons if role == Role.LIAISON else heads
        chosen.setdefault(unit_id, user_id)
    return heads | liaisons


def _office(path: str) -> tuple[int, int, str] | None:
    return (
        RoleGrant.objects.filter(user__unit__path__startswith=path, role=Role.OFFICE)
        .order_by("user_id")
        .values_list("user_id", "user__unit_id", "user__full_name")
        .first()
    )


def _leaders(path: str) -> list[LeaderInfo]:
    leader_ids = sorted(
        set(LeaderArea.objects.filter(unit__path__startswith=path).values_list("leader_id",
                                                                               flat=True))
    )  # fmt: skip
    users = {
        leader_id: (pk, full_name)
        for pk, leader_id, full_name in User.objects.filter(leader_id__in=leader_ids)
        .order_by("-id")
        .values_list("id", "leader_id", "full_name")
    }
    return [
        LeaderInfo(pk, name, users.get(pk, (None, ""))[0], users.get(pk, (None, ""))[1])
        for pk, name in Leader.objects.filter(id__in=leader_ids).order_by("sort_order", "id")
        .values_list("id", "name")
    ]  # fmt: skip


def _leader_of_unit(infos: dict[int, UnitInfo]) -> dict[int, int]:
    """unit id → the leader whose area is the deepest one covering it."""
    areas = list(
        LeaderArea.objects.filter(unit_id__in=list(infos), end_date__isnull=True)
        .order_by("leader_id")
        .values_list("leader_id", "unit__path")
    )
    result = {}
    for unit in infos.values():
        covering = [(len(p), leader) for leader, p in areas if unit.path.startswith(p)]
        if covering:
            result[unit.id] = max(covering)[1]
    return result


def _items(plan: Plan) -> list[ItemInfo]:
    leads = dict(
        Assignment.objects.filter(item__plan=plan, role=AssignmentRole.LEAD)
        .order_by("id")
        .values_list("item_id", "unit_id")
    )
    leaders: dict[int, list[int]] = defaultdict(list)
    for item_id, leader_id in (
        Item.leaders.through.objects.filter(item__plan=plan)
        .order_by("item_id", "leader_id")
        .values_list("item_id", "leader_id")
    ):
        leaders[item_id].append(leader_id)
    rows = (
        Item.objects.filter(plan=plan, type__in=("indicator", "task"))
        .order_by("sort_key")
        .values_list("id", "code", "name", "status")
    )
    items = [
        ItemInfo(pk, code, name, status or "", tuple(leaders.get(pk, ())), leads.get(pk))
        for pk, code, name, status in rows
    ]
    rank = {"red": 0, "yellow": 1}
    return sorted(items, key=lambda i: rank.get(i.status, 2))


def _red_assignments(plan: Plan) -> list[RedAssignment]:
    return [
        RedAssignment(pk, unit_id, since, f"{code} {name}")
        for pk, unit_id, since, code, name in Assignment.objects.filter(
            item__plan=plan, status="red", red_since__isnull=False
        )
        .order_by("id")
        .values_list("id", "unit_id", "red_since", "item__code", "item__name")
    ]
