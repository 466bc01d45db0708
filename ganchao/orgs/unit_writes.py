"""Writing a checked unit sheet in bulk: a bounded number of queries whatever the file's size,
Unit.path and depth kept right, one audit event for the batch. Called by imports.py inside
its transaction, only for a plan without errors."""

import json

from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, LPad
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import Target, audit_record
from ganchao.orgs import leader_imports
from ganchao.orgs.models import PATH_STEP, Unit, UnitCategory
from ganchao.orgs.services import generate_unit_code
from ganchao.orgs.unit_sheet import ALIASES, CATEGORY, NAME, ORDER, PARENT, TYPE

PARKING_PREFIX = "（导入中）"  # a sibling-unique name held while units swap names or move


def write_plan(*, actor, plan, result) -> None:
    depths = _depths(plan.units)
    ordered = sorted(plan.units, key=lambda node: depths[id(node)])
    categories, new_categories = _ensure_categories(plan.units)
    _assign_codes(ordered)
    changed = [n for n in plan.sheet_nodes if n.existing and plan.changes_of(n)]
    _park(changed, plan)
    _create(ordered, depths, categories)
    _update(changed, plan, categories)
    _write_paths(ordered)
    leader_imports.write_leaders(actor=actor, plan=result.leaders)
    audit_record(
        actor=actor,
        action="unit.import",
        target=Target("unitsheet", result.sha256, result.filename or _("单位及领导分工表")),
        changes=_audit_changes(plan, result, changed, new_categories),
    )


def _depths(units) -> dict[int, int]:
    depths: dict[int, int] = {}
    for node in units:
        chain, current = [], node
        while current is not None and id(current) not in depths:
            chain.append(current)
            current = current.parent_node()
        depth = depths[id(current)] if current is not None else -1
        for item in reversed(chain):
            depth += 1
            depths[id(item)] = depth
    return depths


def _ensure_categories(units) -> tuple[dict[str, int], list[str]]:
    """Category name → id for every category the units name, creating the new ones."""
    categories = dict(UnitCategory.objects.values_list("name", "id"))
    codes = set(UnitCategory.objects.values_list("code", flat=True))
    new = []
    for name in dict.fromkeys(n.category for n in units if n.category):
        if name in categories:
            continue
        number = len(codes) + 1
        while f"C{number:03d}" in codes:
            number += 1
        codes.add(f"C{number:03d}")
        new.append(UnitCategory(code=f"C{number:03d}", name=name))
    for category in UnitCategory.objects.bulk_create(new):
        categories[category.name] = category.pk
    return categories, [category.name for category in new]


def _assign_codes(ordered) -> None:
    taken = {node.code for node in ordered if node.code}
    for node in ordered:
        if not node.code:
            node.code = generate_unit_code(node.parent_node(), taken)
            taken.add(node.code)


def _park(changed, plan) -> None:
    """Move renamed or re-parented units out of the way of the (parent, name) constraint."""
    moving = [
        Unit(pk=n.pk, name=f"{PARKING_PREFIX}{n.pk}")
        for n in changed
        if n.name != n.before["name"]
        or n.parent_node() is not plan.existing.get(n.before["parent_id"])
    ]
    Unit.objects.bulk_update(moving, ["name"])


def _create(ordered, depths, categories) -> None:
    """Insert the new units a level at a time (a parent before its children), then give each
    level its paths in one UPDATE: the parent's path plus the zero-padded id."""
    new = [node for node in ordered if not node.existing]
    for depth in sorted({depths[id(node)] for node in new}):
        level = [node for node in new if depths[id(node)] == depth]
        units = Unit.objects.bulk_create([_new_unit(node, depth, categories) for node in level])
        for node, unit in zip(level, units, strict=True):
            node.pk = unit.pk
        parent_path = Unit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
        pks = [node.pk for node in level]
        Unit.objects.filter(pk__gte=min(pks), pk__lte=max(pks), path="").update(
            path=Concat(
                Coalesce(Subquery(parent_path), Value("/")),
                LPad(Cast("id", CharField()), PATH_STEP, Value("0")),
                Value("/"),
            )
        )


def _new_unit(node, depth: int, categories) -> Unit:
    parent = node.parent_node()
    return Unit(
        code=node.code,
        name=node.name,
        type=node.type,
        parent_id=parent.pk if parent else None,
        category_id=categories.get(node.category),
        aliases=node.aliases,
        sort_order=node.sort_order,
        depth=depth,
        path="",
    )


UPDATE_FIELDS = {
    NAME: "name",
    TYPE: "type",
    PARENT: "parent",
    CATEGORY: "category",
    ALIASES: "aliases",
    ORDER: "sort_order",
}
GROUPED_LIMIT = 20  # up to this many distinct values, one UPDATE per value beats CASE WHEN
CHUNK = 500


def _update(changed, plan, categories) -> None:
    """Store each changed field of each changed unit, field by field, then bump versions."""
    by_field: dict[str, list[tuple[int, object]]] = {}
    for node in changed:
        parent = node.parent_node()
        values = {
            "name": node.name,
            "type": node.type,
            "parent": parent.pk if parent else None,
            "category": categories.get(node.category),
            "aliases": node.aliases,
            "sort_order": node.sort_order,
        }
        for header, _old, _new in plan.changes_of(node):
            field = UPDATE_FIELDS[header]
            by_field.setdefault(field, []).append((node.pk, values[field]))
    for field, pairs in by_field.items():
        _store(field, pairs)
    now = timezone.now()
    for chunk in _chunks([node.pk for node in changed]):
        Unit.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now)


def _store(field: str, pairs: list[tuple[int, object]]) -> None:
    attname = Unit._meta.get_field(field).attname
    groups: dict[str, tuple[object, list[int]]] = {}
    for pk, value in pairs:
        key = json.dumps(value, ensure_ascii=False, sort_keys=True)
        groups.setdefault(key, (value, []))[1].append(pk)
    if len(groups) > GROUPED_LIMIT:
        Unit.objects.bulk_update([Unit(pk=pk, **{attname: value}) for pk, value in pairs], [field])
        return
    for value, pks in groups.values():
        for chunk in _chunks(pks):
            Unit.objects.filter(pk__in=chunk).update(**{attname: value})


def _chunks(items: list) -> list[list]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def _write_paths(ordered) -> None:
    """Recompute the paths of the existing units in memory (new ones already have theirs)
    and store the ones that moved."""
    paths: dict[int, str] = {}
    stale = []
    for node in ordered:
        parent = node.parent_node()
        path = Unit.path_for(paths[id(parent)] if parent else "", node.pk)
        paths[id(node)] = path
        depth = path.count("/") - 2
        if node.existing and (node.before["path"], node.before["depth"]) != (path, depth):
            stale.append(Unit(pk=node.pk, path=path, depth=depth))
    Unit.objects.bulk_update(stale, ["path", "depth"])


def _audit_changes(plan, result, changed, new_categories) -> dict:
    updated_before, updated_after = {}, {}
    for node in changed:
        fields = plan.changes_of(node)
        updated_before[node.code] = {header: old for header, old, _new in fields}
        updated_after[node.code] = {header: new for header, _old, new in fields}
    changes = {
        "file": {
            "before": None,
            "after": {"name": result.filename, "sha256": result.sha256, "rows": result.rows},
        },
        "summary": {
            "before": None,
            "after": {
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": result.unchanged,
            },
        },
        "created": {"before": None, "after": [n.code for n in plan.units if not n.existing]},
        "updated": {"before": updated_before, "after": updated_after},
    }
    if new_categories:
        changes["categories_created"] = {"before": None, "after": new_categories}
    return changes
