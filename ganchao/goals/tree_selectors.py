"""Reads for the goal tree page (目标体系) and the leader view (领导视图), scoped to the actor.

A unit user sees the items assigned to units in their scope and the goals above them; a leader
also sees the items of their areas and those they are named on (Item.leaders); the office and
administrators see everything. Every function runs a fixed number of queries whatever the size
of the plan and returns plain rows (dicts), never model instances.
"""

import datetime as dt
from collections import Counter, OrderedDict
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import get_language

from ganchao.common.errors import NotFound
from ganchao.common.prepared import Prepared
from ganchao.goals import selectors as goal_selectors
from ganchao.goals.choices import ItemType, PlanState, Role, Status
from ganchao.goals.models import STATUS_RANK, Assignment, Item, Plan, status_rank
from ganchao.goals.precision import display_places, figure, figure_pair
from ganchao.goals.selectors import visible_assignments_q
from ganchao.goals.tree import plan_tree
from ganchao.orgs.choices import Role as OrgRole
from ganchao.orgs.models import Leader, LeaderArea, Unit
from ganchao.orgs.scoping import current_areas_q, scope_of

LIGHT = {
    Status.GREEN: "green",
    Status.DONE: "green",
    Status.YELLOW: "yellow",
    Status.RED: "red",
    Status.NOT_REPORTED: "grey",
    Status.NOT_STARTED: "grey",
}
ON_TRACK = {Status.GREEN, Status.DONE}
COLOURED_ROLES = (Role.LEAD, Role.RESPONSIBLE)
ITEM_FIELDS = (
    "id",
    "parent_id",
    "code",
    "sort_key",
    "name",
    "type",
    "category",
    "measure_unit",
    "decimal_places",
    "target",
    "direction",
    "status",
    "expected",
    "actual",
    "stale",
    "weight",
    "deadline",
)


_BADGES: dict[tuple[str, str | None], dict] = {}


def _badge(status: str, language: str | None = None) -> dict:
    """The shared badge of a status in the active language (or `language`, the active one the
    caller read once): read it, never change it.

    Each (status, language) is translated once per process: trees and work lists ask for a
    badge per row."""
    key = (status, language or get_language())
    badge = _BADGES.get(key)
    if badge is None:
        if not status:
            badge = {"status": "", "light": "grey", "label": "暂无状态"}
        else:
            badge = {"status": status, "light": LIGHT[status], "label": str(Status(status).label)}
        _BADGES[key] = badge
    return badge


def status_badge(status: str) -> dict:
    """A status as a light and a word (never colour alone); blank = not yet computed."""
    return dict(_badge(status))


def number_text(value, places: int | None = None) -> str:
    """To the item's display precision when given (goals.precision: 4153.8462 at 0 places →
    "4,154"), else 4200.0000 → "4,200", 4153.8462 → "4,153.85"; None → ""."""
    if value is None:
        return ""
    if places is not None:
        return figure(value, places)
    rounded = Decimal(value).quantize(Decimal("0.01")).normalize()
    return f"{rounded:,f}"


def progress_percent(expected, actual, direction: str = "positive") -> int | None:
    """How far the actual value is along to the expected one, for a bar (0–100)."""
    if expected is None or actual is None:
        return None
    if direction == "negative":
        ratio = Decimal(1) if actual <= expected else (expected / actual if actual else Decimal(0))
    elif expected <= 0:
        ratio = Decimal(1) if actual >= expected else Decimal(0)
    else:
        ratio = actual / expected
    return int(max(Decimal(0), min(Decimal(1), ratio)) * 100)


def ratio_of(rows) -> Decimal | None:
    """DESIGN.md 3.8 on-track ratio Σ w·[green or done] / Σ w over the items that have started."""
    started = [r for r in rows if r["status"] and r["status"] != Status.NOT_STARTED]
    total = sum((r["weight"] for r in started), Decimal(0))
    if not total:
        return None
    return sum((r["weight"] for r in started if r["status"] in ON_TRACK), Decimal(0)) / total


def percent_text(ratio) -> str:
    return "—" if ratio is None else f"{(ratio * 100).quantize(Decimal('0.1'))}%"


# ---------------------------------------------------------------------------- plans


def plans_visible(*, actor):
    return goal_selectors.plans_visible(actor)


def plan_for_page(*, actor, plan_id=None, today: dt.date | None = None) -> Plan | None:
    """The plan asked for, or this year's plan of the root unit (else the newest visible)."""
    return plan_page(actor=actor, plan_id=plan_id, today=today)[0]


def plan_page(
    *, actor, plan_id=None, today: dt.date | None = None
) -> tuple[Plan | None, list[Plan]]:
    """(the page's plan, every plan the actor sees) from one read of the visible plans: the
    plan asked for (NotFound if not visible), else the plan of the actor's own city this year,
    else this year's issued plan of the highest owner, else this year's plan of the highest
    owner, else the newest visible. A province holds a few dozen plans a year, so picking
    here costs less than the one to three look-ups it replaces."""
    plans = list(plans_visible(actor=actor))
    if plan_id:
        plan = next((p for p in plans if p.pk == plan_id), None)
        if plan is None:
            raise NotFound("计划不存在或不在您的查看范围内")
        return plan, plans
    year = (today or timezone.localdate()).year
    this_year = [p for p in plans if p.year == year]
    current = [p for p in this_year if p.state != PlanState.DRAFT]
    own = _own_plan(actor, current)
    if own is not None:
        return own, plans
    highest = _highest(current) or _highest(this_year) or (plans[0] if plans else None)
    return highest, plans


def _highest(plans: list[Plan]) -> Plan | None:
    """The plan of the highest owner (the smallest depth; the first in the list's order, by
    owner path, among equals)."""
    return min(plans, key=lambda p: p.owner.depth, default=None)


def _own_plan(actor, plans: list[Plan]) -> Plan | None:
    """The plan of the actor's own city (the deepest plan owner above their unit), if any:
    in a province, a city's office sees its city's plan first."""
    unit = getattr(actor, "unit", None)
    if unit is None:
        return None
    ancestor_ids = {int(part) for part in unit.path.strip("/").split("/") if part}
    mine = [p for p in plans if p.owner_id in ancestor_ids]
    # one plan per owner and year, and the ancestors' depths differ: no ties
    return max(mine, key=lambda p: p.owner.depth, default=None)


def plan_choices(*, actor, plans: list[Plan] | None = None) -> list[dict]:
    """The plan picker's entries. `plans`: plan_page's list when the caller has it."""
    return [
        {
            "id": p.pk,
            "label": f"{p.year}年 {p.owner.name}"
            + ("" if p.state == PlanState.ISSUED else f"（{p.get_state_display()}）"),
        }
        for p in (plans_visible(actor=actor) if plans is None else plans)
    ]


# ---------------------------------------------------------------------------- scope on items


def _in_scope_q(actor) -> Q | None:
    """A filter on Item for what the actor reads directly (an assignment they may see);
    None when they read everything. Visibility is the workflow selectors' rule."""
    condition = visible_assignments_q(actor)
    if condition is None:
        return None
    # `id IN (the visible assignments' items)`: one hashed set, not a subquery per item whose
    # summed cost estimate sets off PostgreSQL's JIT compiler (0.6 s of a 0.9 s tree query)
    return Q(pk__in=Assignment.objects.filter(condition).values("item_id"))


def _ancestor_codes(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def _with_ancestors(rows: list[dict], wanted: set[int]) -> list[dict]:
    """Rows whose id is wanted, plus every ancestor of those (by dotted code), in tree order."""
    codes = {r["code"] for r in rows if r["id"] in wanted}
    keep = set(codes)
    for code in codes:
        keep.update(_ancestor_codes(code))
    return [r for r in rows if r["code"] in keep]


def scoped_item_rows(*, actor, plan: Plan) -> list[dict]:
    """The plan's items the actor may read, as rows in tree order (one query)."""
    items = Item.objects.filter(plan=plan).order_by("sort_key")
    condition = _in_scope_q(actor)
    if condition is None:
        return _PLAN_ITEMS.fetch(plan_id=plan.pk)
    rows = list(
        items.annotate(in_scope=ExpressionWrapper(condition, output_field=BooleanField())).values(
            *ITEM_FIELDS, "in_scope"
        )
    )
    return _with_ancestors(rows, {r["id"] for r in rows if r["in_scope"]})


# ---------------------------------------------------------------------------- the tree page


def plan_leads(plan: Plan):
    """The lead assignments of the plan's items, read by item key from the plan's items (an
    index scan whatever the statistics, not a join the planner may misjudge)."""
    return _plan_leads(plan.pk)


def _plan_leads(plan_id: int):
    items = Item.objects.filter(plan_id=plan_id).order_by().values("pk")
    return Assignment.objects.filter(goal_selectors.key_in_q("item_id", items), role=Role.LEAD)


def _leader_links(plan_id: int):
    return Item.leaders.through.objects.filter(item__plan_id=plan_id)


def _plan_leaders(plan_id: int, owner_id: int, today: dt.date):
    """The leaders of a plan: named on its items or in charge of a unit under its owner (a
    province holds every city's leaders; another city's are no filter for this tree)."""
    owner_path = Unit.objects.filter(pk=owner_id).values("path")
    return (
        Leader.objects.filter(active=True)
        .filter(
            Q(pk__in=_leader_links(plan_id).values("leader_id"))
            | Q(
                pk__in=LeaderArea.objects.filter(
                    current_areas_q(today), unit__path__startswith=Subquery(owner_path[:1])
                ).values("leader_id")
            )
        )
        .values_list("id", "name")
    )


# The tree page's statements, built and compiled once per process (common.prepared): their
# SQL depends only on the values passed (the plan, its owner, the day), so the key is empty.
_PLAN_ITEMS = Prepared(
    Item,
    lambda plan_id: Item.objects.filter(plan_id=plan_id).order_by("sort_key").values(*ITEM_FIELDS),
    plan_id=int,
)
_LEAD_UNITS = Prepared(
    Assignment,
    lambda plan_id: _plan_leads(plan_id).values("item_id", "unit__code", "unit__name", "red_since"),
    plan_id=int,
)
_LEADER_NAMES = Prepared(
    Item.leaders.through,
    lambda plan_id: (
        _leader_links(plan_id).order_by("leader__sort_order").values("item_id", "leader__name")
    ),
    plan_id=int,
)
_CATEGORIES = Prepared(
    Item,
    lambda plan_id: (
        Item.objects.filter(plan_id=plan_id).exclude(category="").values_list("category", flat=True)
    ),
    plan_id=int,
)
_LEAD_UNIT_CHOICES = Prepared(
    Assignment,
    lambda plan_id: (
        _plan_leads(plan_id)
        .values_list("unit__code", "unit__name")
        .order_by("unit__path")
        .distinct()
    ),
    plan_id=int,
)
_LEADER_CHOICES = Prepared(Leader, _plan_leaders, plan_id=int, owner_id=int, today=dt.date)


def _lead_units(plan: Plan) -> dict[int, dict]:
    return {r["item_id"]: r for r in _LEAD_UNITS.fetch(plan_id=plan.pk)}


def _leader_names(plan: Plan) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for row in _LEADER_NAMES.fetch(plan_id=plan.pk):
        names.setdefault(row["item_id"], []).append(row["leader__name"])
    return names


def leader_area_paths(leader_id, today=None) -> list[str]:
    today = today or timezone.localdate()
    areas = LeaderArea.objects.filter(leader_id=leader_id, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return list(areas.values_list("unit__path", flat=True))


def _paths_q(paths, prefix="unit__") -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def _unit_item_ids(plan: Plan, unit_code: str) -> set[int]:
    unit = Unit.objects.filter(code=unit_code).values("path").first()
    if unit is None:
        return set()
    return set(
        Assignment.objects.filter(item__plan=plan, unit__path__startswith=unit["path"])
        .values_list("item_id", flat=True)
        .distinct()
    )


def leader_items_q(leader_id: int) -> Q:
    """A filter on Item: items with an assignment in the leader's current areas, or naming the
    leader (分管市领导). The "我分管的" of the 驾驶舱 and the tree's leader filter."""
    in_areas = Assignment.objects.filter(item=OuterRef("pk")).filter(
        _paths_q(leader_area_paths(leader_id))
    )
    named = Item.leaders.through.objects.filter(item_id=OuterRef("pk"), leader_id=leader_id)
    return Q(Exists(in_areas)) | Q(Exists(named))


def _leader_item_ids(plan: Plan, leader_id: int) -> set[int]:
    return set(
        Item.objects.filter(plan=plan)
        .filter(leader_items_q(leader_id))
        .values_list("id", flat=True)
    )


# The texts of an item's figures by their inputs (a pure function of them, so never stale),
# kept for the items a process shows most: a city's tree is 300–400 rows whose figures change
# only when the statuses are computed again. Bounded; the least recently used are dropped.
FIGURES_CACHE_SIZE = 2048
_FIGURES: OrderedDict = OrderedDict()


def _figures(expected, actual, target, decimal_places, measure_unit, direction) -> dict:
    # Equal decimals write the same texts, except a zero and a negative zero ("-0.00"): zeros
    # are written each time, never looked up.
    key = (expected, actual, target, decimal_places, measure_unit, direction)
    zero = expected == 0 or actual == 0 or target == 0
    texts = None if zero else _FIGURES.get(key)
    if texts is not None:
        _FIGURES.move_to_end(key)
        return texts
    places = display_places(decimal_places, measure_unit)
    expected_text, actual_text = figure_pair(expected, actual, places)
    texts = {
        "expected_text": expected_text,
        "actual_text": actual_text,
        "target_text": number_text(target, places),
        "percent": progress_percent(expected, actual, direction),
    }
    if not zero:
        _FIGURES[key] = texts
    if len(_FIGURES) > FIGURES_CACHE_SIZE:
        _FIGURES.popitem(last=False)
    return texts


def _decorate(row: dict, leads: dict, leaders: dict, type_labels: dict, language: str) -> dict:
    lead = leads.get(row["id"]) or {}
    is_goal = row["type"] == ItemType.GOAL
    if not is_goal:
        row.update(_badge(row["status"], language))
    row.update(
        _figures(
            row["expected"],
            row["actual"],
            row["target"],
            row.get("decimal_places"),
            row.get("measure_unit", ""),
            row["direction"],
        )
    )
    row.update(
        type_label=type_labels[row["type"]],
        depth=row["code"].count("."),
        is_goal=is_goal,
        lead_unit=lead.get("unit__name", ""),
        lead_unit_code=lead.get("unit__code", ""),
        red_since=lead.get("red_since"),
        leaders="、".join(leaders.get(row["id"], ())),
    )
    return row


def _goal_summaries(rows: list[dict]) -> None:
    """Counts by status and the on-track ratio of each goal node over its descendant items.

    The items below a goal are those whose dotted code has the goal's code as an ancestor:
    one pass over the items (a city's tree: ~40 goals over ~330 items), not one per goal."""
    below: dict[str, list[dict]] = {r["code"]: [] for r in rows if r["is_goal"]}
    for row in rows:
        if not row["is_goal"]:
            for code in _ancestor_codes(row["code"]):
                if code in below:
                    below[code].append(row)
    language = get_language()
    for goal in (r for r in rows if r["is_goal"]):
        items = below[goal["code"]]
        counted = Counter(r["status"] for r in items)
        goal["counts"] = [
            {**_badge(s, language), "n": counted[s]} for s in STATUS_RANK if counted[s]
        ]
        goal["ratio"] = ratio_of(items)
        goal["ratio_text"] = percent_text(goal["ratio"])
        goal["item_count"] = len(items)


def tree_page_rows(
    *,
    actor,
    plan: Plan,
    category: str = "",
    unit_code: str = "",
    leader_id: int | None = None,
    status: str = "",
    q: str = "",
) -> list[dict]:
    """The plan's tree as flat rows in 编号 order (depth, counts, progress), filtered.

    Goal counts and ratios cover the items left by the category, unit and leader filters, so
    that filtering by status or searching hides rows without changing the figures.
    """
    rows = scoped_item_rows(actor=actor, plan=plan)
    leads, leaders = _lead_units(plan), _leader_names(plan)
    type_labels = {value: str(label) for value, label in ItemType.choices}
    language = get_language()
    rows = [_decorate(row, leads, leaders, type_labels, language) for row in rows]
    keep = {r["id"] for r in rows if not r["is_goal"]}
    if category:
        keep &= {r["id"] for r in rows if r["category"] == category}
    if unit_code:
        keep &= _unit_item_ids(plan, unit_code)
    if leader_id:
        keep &= _leader_item_ids(plan, leader_id)
    if category or unit_code or leader_id:
        rows = _with_ancestors(rows, keep)
    _goal_summaries(rows)
    shown = {r["id"] for r in rows}
    if status:
        shown &= {r["id"] for r in rows if not r["is_goal"] and r["status"] == status}
    if q:
        shown &= _search(rows, q)
    if status or q:
        rows = _with_ancestors(rows, shown)
    return rows


def _search(rows: list[dict], q: str) -> set[int]:
    """Rows whose name or code contains q, and everything below a matching node."""
    needle = q.strip().lower()
    hits = [r for r in rows if needle in r["name"].lower() or r["code"].startswith(needle)]
    prefixes = tuple(r["code"] + "." for r in hits)
    return {r["id"] for r in hits} | {r["id"] for r in rows if r["code"].startswith(prefixes)}


def tree_filter_options(*, plan: Plan, rows_all_codes=None) -> dict:
    """Choices for the filters: categories and lead units of the plan, leaders, statuses."""
    today = timezone.localdate()
    values = {"plan_id": plan.pk}
    categories = sorted(set(_CATEGORIES.fetch(**values)))
    units = _LEAD_UNIT_CHOICES.fetch(**values)
    leaders = _LEADER_CHOICES.fetch(**values, owner_id=plan.owner_id, today=today)
    return {
        "categories": categories,
        "units": [{"code": c, "name": n} for c, n in units],
        "leaders": [{"id": i, "name": n} for i, n in leaders],
        "statuses": [status_badge(s) for s in STATUS_RANK],
    }


# ---------------------------------------------------------------------------- leader view


ASSIGNMENT_ROW_FIELDS = (
    "id",
    "item_id",
    "item__code",
    "item__name",
    "item__type",
    "item__measure_unit",
    "item__decimal_places",
    "item__direction",
    "unit__name",
    "unit__code",
    "role",
    "status",
    "expected",
    "actual",
    "red_since",
    "stale",
)


def leader_assignments(*, actor, leader_id: int, plan: Plan):
    """Assignments (lead and responsible) in the leader's areas or on items they are named on,
    worst first, then the longest red spell, then 编号. A queryset of plain rows to page."""
    paths = leader_area_paths(leader_id)
    named = Item.leaders.through.objects.filter(item_id=OuterRef("item_id"), leader_id=leader_id)
    rows = Assignment.objects.filter(item__plan=plan, role__in=COLOURED_ROLES).filter(
        _paths_q(paths) | Q(Exists(named))
    )
    condition = visible_assignments_q(actor)
    if condition is not None:
        rows = rows.filter(condition)
    return (
        rows.annotate(rank=status_rank())
        .order_by("rank", "red_since", "item__sort_key", "unit__path")
        .values(*ASSIGNMENT_ROW_FIELDS)
    )


def leader_row(row: dict) -> dict:
    places = display_places(row.get("item__decimal_places"), row.get("item__measure_unit", ""))
    expected_text, actual_text = figure_pair(row["expected"], row["actual"], places)
    return {
        **row,
        **status_badge(row["status"]),
        "role_label": str(Role(row["role"]).label),
        "expected_text": expected_text,
        "actual_text": actual_text,
        "percent": progress_percent(row["expected"], row["actual"], row["item__direction"]),
    }


def leader_counts(queryset) -> list[dict]:
    """Counts by status of a leader_assignments queryset (one aggregate query)."""
    counts = dict(
        queryset.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [{**status_badge(s), "n": counts.get(s, 0)} for s in STATUS_RANK]


def leaders_for_actor(*, actor) -> list[dict]:
    """Leaders the actor may pick in the leader view: every active leader for the office and
    admins, only themselves for a leader."""
    scope = scope_of(actor)
    if scope.reads_all:
        return [
            {"id": i, "name": n, "title": t}
            for i, n, t in Leader.objects.filter(active=True).values_list("id", "name", "title")
        ]
    if actor.leader_id and scope.has(OrgRole.LEADER):
        return [{"id": actor.leader_id, "name": actor.leader.name, "title": actor.leader.title}]
    return []


# ---------------------------------------------------------------------------- API tree


def tree_nodes(*, actor, plan: Plan) -> list[dict]:
    """The /plans/{id}/tree shape (DESIGN.md 3.7, ganchao.goals.tree) over what the actor may
    read: everything for the office, else the items they read and the goals above them."""
    if _in_scope_q(actor) is None:
        return plan_tree(plan)
    ids = [row["id"] for row in scoped_item_rows(actor=actor, plan=plan)]
    return plan_tree(plan, Item.objects.filter(plan=plan, pk__in=ids))


def subtree_of(nodes: list[dict], item_id: int) -> dict | None:
    for node in nodes:
        if node["id"] == item_id:
            return node
        found = subtree_of(node["children"], item_id)
        if found is not None:
            return found
    return None
