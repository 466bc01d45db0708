"""The optional worksheet 领导分工 of the unit sheet (DESIGN.md 3.4): 姓名, 职务, 主要领导, 分管单位.

A row is the serving leader of that name, or a new leader. 分管单位 becomes the leader's set of
current areas (areas no longer listed end, new ones start). 主要领导 (是 / 否) marks the
principal leaders; without the column a new leader is marked when their 职务 is 市长 or 市委书记
and a serving one keeps their mark. Leaders are few, so they are written through the ordinary
services, each with its own audit event.
"""

from dataclasses import dataclass, field

from django.db.models import Max
from django.utils.translation import gettext as _

from ganchao.common.excel import ExcelBook, ExcelError, normalise_header
from ganchao.orgs import services
from ganchao.orgs.models import Leader, LeaderArea, Unit
from ganchao.orgs.references import UnitNode, UnitResolver, Unresolved
from ganchao.orgs.unit_sheet import (
    LEADER_AREAS,
    LEADER_KEYS,
    LEADER_NAME,
    LEADER_PRINCIPAL,
    LEADER_SHEET_TITLE,
    LEADER_TITLE,
    MAX_LEADER_NAME,
    MAX_LEADER_TITLE,
    NO,
    YES,
)


@dataclass
class LeaderRow:
    number: int
    name: str
    title: str | None  # None: the column is absent, the title is kept
    areas: list[UnitNode]
    principal: bool | None = None  # None: the column is absent or the cell is empty
    leader: Leader | None = None
    changes: list[str] = field(default_factory=list)


@dataclass
class LeaderPlan:
    rows: list[LeaderRow] = field(default_factory=list)
    errors: list[ExcelError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def created(self) -> list[LeaderRow]:
        return [row for row in self.rows if row.leader is None]

    @property
    def updated(self) -> list[LeaderRow]:
        return [row for row in self.rows if row.leader is not None and row.changes]

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if row.leader is not None and not row.changes)

    def summary_line(self) -> str:
        return _("市级领导：新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
        }


def plan_leaders(book: ExcelBook, resolver: UnitResolver) -> LeaderPlan | None:
    """Read and check the 领导分工 sheet (None when the file has none)."""
    table = book.find_table(LEADER_KEYS, label=LEADER_SHEET_TITLE)
    if table is None:
        titles = {normalise_header(name) for name in book.sheet_names}
        if LEADER_SHEET_TITLE not in titles:
            return None
        message = _("前五行中找不到“姓名”和“分管单位”两列表头")
        return LeaderPlan(errors=[ExcelError(message, sheet=LEADER_SHEET_TITLE)])
    plan = LeaderPlan()
    first_row_of: dict[str, int] = {}
    for row in table.rows():
        parsed = _parse_row(row, resolver)
        if parsed.name in first_row_of:
            row.fail(
                LEADER_NAME,
                _("姓名“%(name)s”与第%(row)d行重复")
                % {"name": parsed.name, "row": first_row_of[parsed.name]},
            )
        elif parsed.name:
            first_row_of[parsed.name] = row.number
            plan.rows.append(parsed)
    plan.errors = table.errors
    _compare(plan)
    return plan


def _parse_row(row, resolver: UnitResolver) -> LeaderRow:
    name = row.text(LEADER_NAME)
    if not name:
        row.fail(LEADER_NAME, _("请填写姓名"))
    elif len(name) > MAX_LEADER_NAME:
        row.fail(LEADER_NAME, _("姓名不能超过 %(n)d 个字符") % {"n": MAX_LEADER_NAME})
    title = row.text(LEADER_TITLE) if row.table.has(LEADER_TITLE) else None
    if title and len(title) > MAX_LEADER_TITLE:
        row.fail(LEADER_TITLE, _("职务不能超过 %(n)d 个字符") % {"n": MAX_LEADER_TITLE})
    principal = _principal(row)
    areas, problems = {}, []
    for reference in row.multi(LEADER_AREAS):
        try:
            node = resolver.resolve(reference)
        except Unresolved as exc:
            problems.append(exc.message)
        else:
            areas.setdefault(id(node), node)
    if problems:
        row.fail(LEADER_AREAS, "；".join(problems))
    return LeaderRow(row.number, name, title, list(areas.values()), principal)


def _principal(row) -> bool | None:
    if not row.table.has(LEADER_PRINCIPAL):
        return None
    word = row.text(LEADER_PRINCIPAL)
    if word not in ("", YES, NO):
        row.fail(LEADER_PRINCIPAL, _("请填写“是”或“否”，或留空"))
    return {YES: True, NO: False}.get(word)


def _compare(plan: LeaderPlan) -> None:
    serving = {leader.name: leader for leader in Leader.objects.filter(active=True)}
    current: dict[int, set[int]] = {}
    for leader_id, unit_id in LeaderArea.objects.filter(
        end_date__isnull=True, leader__active=True
    ).values_list("leader_id", "unit_id"):
        current.setdefault(leader_id, set()).add(unit_id)
    for row in plan.rows:
        row.leader = serving.pop(row.name, None)
        if row.leader is None:
            continue
        if row.title is not None and row.title != row.leader.title:
            row.changes.append(LEADER_TITLE)
        if row.principal is not None and row.principal != row.leader.principal:
            row.changes.append(LEADER_PRINCIPAL)
        wanted = {node.pk for node in row.areas}
        if None in wanted or wanted != current.get(row.leader.pk, set()):
            row.changes.append(LEADER_AREAS)
    for name in serving:
        plan.warnings.append(_("市级领导“%(name)s”不在“领导分工”表中，保持不变") % {"name": name})


def write_leaders(*, actor, plan: LeaderPlan | None) -> None:
    """Create and update the leaders (after the units, so that new units have ids)."""
    if plan is None:
        return
    area_ids = {node.canonical.pk for row in plan.rows for node in row.areas}
    units = Unit.objects.in_bulk(area_ids)
    next_order = (Leader.objects.aggregate(top=Max("sort_order"))["top"] or 0) + 1
    for offset, row in enumerate(plan.created):
        leader = services.leader_create(
            actor=actor,
            name=row.name,
            title=row.title or "",
            sort_order=next_order + offset,
            principal=row.principal,
        )
        if row.areas:
            services.leader_area_set(actor=actor, leader=leader, units=_units(row, units))
    for row in plan.updated:
        values = {"title": row.title} if LEADER_TITLE in row.changes else {}
        if LEADER_PRINCIPAL in row.changes:
            values["principal"] = row.principal
        if values:
            services.leader_update(actor=actor, leader=row.leader, **values)
        if LEADER_AREAS in row.changes:
            services.leader_area_set(actor=actor, leader=row.leader, units=_units(row, units))


def _units(row: LeaderRow, units: dict[int, Unit]) -> list[Unit]:
    return [units[node.canonical.pk] for node in row.areas]
