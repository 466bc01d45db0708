"""Importing the unit sheet (单位及领导分工表, DESIGN.md 3.3 and 3.4).

All or nothing: the whole file is read and checked first — every error is collected with its
row and column — and only a file without errors is written, in one transaction, with one
audit event for the batch. Import inserts and updates, never deletes.

A row is the unit with its 单位编码; a row without a code is the existing unit of that name
under the same parent, otherwise a new unit (its code is generated). References in 上级单位
and 分管单位 resolve against the units as the file will leave them: the file's rows, which may
come in any order, together with the database's units that the file does not mention.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ganchao.common.errors import Forbidden
from ganchao.common.excel import ExcelBook, ExcelError, ExcelFileError, Row, Table
from ganchao.common.import_jobs import sheet_import
from ganchao.orgs import leader_imports, unit_writes
from ganchao.orgs.choices import ROOT_TYPES, UNIT_TYPE_BY_WORD, WORD_BY_UNIT_TYPE, Role
from ganchao.orgs.choices import parent_allowed as type_allowed_under
from ganchao.orgs.models import Unit
from ganchao.orgs.references import UNKNOWN, Pending, UnitNode, UnitResolver, Unresolved, describe
from ganchao.orgs.scoping import scope_of
from ganchao.orgs.unit_sheet import (
    ALIASES,
    CATEGORY,
    CODE,
    MAX_CATEGORY,
    MAX_CODE,
    MAX_NAME,
    NAME,
    ORDER,
    PARENT,
    TYPE,
    UNIT_KEYS,
)


@dataclass
class UnitRow:
    """What one sheet row says. None means the column is absent: that field is kept."""

    number: int
    code: str
    name: str
    type: str | None
    parent_ref: str | None
    category: str | None
    aliases: list[str] | None
    sort_order: int | None
    cells: Row  # to record errors on


@dataclass(eq=False)
class PlanNode(UnitNode):
    """A unit as the import will leave it; `before` holds the stored values of an existing one."""

    before: dict | None = None
    sheet: UnitRow | None = None
    category: str = ""
    sort_order: int = 0
    parent_failed: bool = False

    @property
    def existing(self) -> bool:
        return self.before is not None

    def take_row(self, row: UnitRow) -> None:
        self.sheet, self.row = row, row.number
        self.name, self.type = row.name, row.type
        if row.aliases is not None:
            self.aliases = row.aliases
        if row.category is not None:
            self.category = row.category
        if row.sort_order is not None:
            self.sort_order = row.sort_order
        if row.parent_ref is not None:
            self.parent = UNKNOWN


@dataclass
class UnitImportResult:
    """What an import found and did; `errors` non-empty means nothing was written."""

    filename: str = ""
    sha256: str = ""
    rows: int = 0
    errors: list[ExcelError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    unchanged: int = 0
    leaders: "leader_imports.LeaderPlan | None" = None
    written: bool = False
    plan: "UnitPlan | None" = field(default=None, repr=False)

    @property
    def has_changes(self) -> bool:
        """False when importing would write nothing (re-importing the same file)."""
        leaders = self.leaders
        return bool(
            self.created or self.updated or (leaders and (leaders.created or leaders.updated))
        )

    def summary_lines(self) -> list[str]:
        lines = [
            _("新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d")
            % {
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": self.unchanged,
            }
        ]
        if self.leaders is not None:
            lines.append(self.leaders.summary_line())
        return lines


EXISTING_FIELDS = (
    "id", "code", "name", "type", "aliases", "parent_id", "category__name", "sort_order",
    "path", "depth", "active",
)  # fmt: skip


def existing_node(row: dict) -> PlanNode:
    """A stored unit (a row of EXISTING_FIELDS) as a node, remembering its stored values."""
    aliases, category = list(row["aliases"] or []), row["category__name"] or ""
    node = PlanNode(
        code=row["code"],
        name=row["name"],
        type=row["type"],
        aliases=aliases,
        pk=row["id"],
        active=row["active"],
        category=category,
        sort_order=row["sort_order"],
    )
    node.before = {**row, "aliases": list(aliases), "category": category}
    return node


class UnitPlan:
    """Reads the rows, resolves every reference and checks every rule, writing nothing."""

    def __init__(self, table: Table):
        self.table = table
        self.rows = [parse_unit_row(row) for row in table.rows()]
        self.nodes: list[PlanNode] = []
        self.existing: dict[int, PlanNode] = {}
        self._load_existing()
        self.sheet_nodes = self._claim_rows()
        self.resolver = UnitResolver(self.nodes)
        self._place_all()
        self.sheet_nodes = [node.canonical for node in self.sheet_nodes]
        self.units = [n for n in self.nodes if n.merged_into is None]
        self._check_tree()

    # -- existing units and the rows that claim them --------------------------------------

    def _load_existing(self) -> None:
        rows = Unit.objects.order_by("path").values(*EXISTING_FIELDS)
        self.existing = {row["id"]: existing_node(row) for row in rows}
        for node in self.existing.values():
            node.parent = self.existing.get(node.before["parent_id"])
        self.nodes = list(self.existing.values())
        self.by_code = {node.code: node for node in self.nodes}
        self.children = {(n.before["parent_id"], n.name): n for n in self.nodes}

    def _claim_rows(self) -> list[PlanNode]:
        first_row_of_code: dict[str, int] = {}
        claimed = []
        for row in self.rows:
            if row.code and row.code in first_row_of_code:
                row.cells.fail(
                    CODE,
                    _("单位编码“%(code)s”与第%(row)d行重复")
                    % {"code": row.code, "row": first_row_of_code[row.code]},
                )
                continue
            if row.code:
                first_row_of_code[row.code] = row.number
            node = self.by_code.get(row.code) if row.code else None
            if node is None:
                node = PlanNode(code=row.code, name=row.name, type=row.type, parent=UNKNOWN)
                node.settled = bool(row.code)
                self.nodes.append(node)
            node.take_row(row)
            claimed.append(node)
        return claimed

    # -- resolving 上级单位 ----------------------------------------------------------------

    def _place_all(self) -> None:
        waiting, final = list(self.sheet_nodes), False
        while waiting:
            still = [node for node in waiting if not self._place(node, final)]
            if len(still) == len(waiting):
                final = True
            waiting = still

    def _place(self, node: PlanNode, final: bool) -> bool:
        """Resolve the node's parent (False: not yet decidable); then settle a codeless row."""
        reference = node.sheet.parent_ref
        if reference is not None:
            if not reference:
                node.parent = None
            else:
                try:
                    node.parent = self.resolver.resolve(reference, final=final)
                except Pending:
                    return False
                except Unresolved as exc:
                    node.sheet.cells.fail(PARENT, exc.message)
                    node.parent, node.parent_failed = None, True
        elif not node.existing:
            node.parent = None
        if not node.settled:
            self._settle(node)
        return True

    def _settle(self, node: PlanNode) -> None:
        """A row without a code is the existing unit of its name under its parent, if any."""
        parent = node.parent_node()
        if not node.parent_failed and (parent is None or parent.existing):
            match = self.children.get((parent.pk if parent else None, node.name))
            if match is not None and match.sheet is None:
                match.take_row(node.sheet)
                match.parent = parent
                node.merged_into = match
        node.settled = True

    def changes_of(self, node: PlanNode) -> list[tuple[str, str, str]]:
        """(header, before, after) for each field the file changes on an existing unit."""
        before = node.before
        old_parent, new_parent = self.existing.get(before["parent_id"]), node.parent_node()
        changes = []
        if node.name != before["name"]:
            changes.append((NAME, before["name"], node.name))
        if node.type != before["type"]:
            changes.append((TYPE, WORD_BY_UNIT_TYPE[before["type"]], WORD_BY_UNIT_TYPE[node.type]))
        if new_parent is not old_parent:
            changes.append(
                (
                    PARENT,
                    describe(old_parent) if old_parent else "",
                    describe(new_parent) if new_parent else "",
                )
            )
        if node.category != before["category"]:
            changes.append((CATEGORY, before["category"], node.category))
        if node.aliases != before["aliases"]:
            changes.append((ALIASES, "、".join(before["aliases"]), "、".join(node.aliases)))
        if node.sort_order != before["sort_order"]:
            changes.append((ORDER, str(before["sort_order"]), str(node.sort_order)))
        return changes

    # -- the tree's rules -------------------------------------------------------------------

    def _check_tree(self) -> None:
        in_cycle = self._check_cycles()
        self._check_roots(in_cycle)
        for node in self.sheet_nodes:
            if node not in in_cycle:
                self._check_parent_type(node)
        self._check_children_of_retyped()
        self._check_sibling_names(in_cycle)

    def _check_cycles(self) -> set:
        in_cycle = set()
        for node in self.sheet_nodes:
            seen, current = set(), node
            while isinstance(current, PlanNode) and current not in seen:
                seen.add(current)
                current = current.parent_node()
            if current is node:
                node.sheet.cells.fail(PARENT, _("上级单位不能是本单位或其下级"))
                in_cycle.add(node)
        return in_cycle

    def _check_roots(self, in_cycle: set) -> None:
        roots = [n for n in self.units if n.parent is None and not n.parent_failed]
        roots.sort(key=blame_order)
        for index, node in enumerate(roots):
            if node.sheet is None or node in in_cycle:
                continue
            if node.type is not None and node.type not in ROOT_TYPES:
                node.sheet.cells.fail(PARENT, _("请填写上级单位（只有省或市可以没有上级单位）"))
            elif index > 0:
                node.sheet.cells.fail(
                    PARENT,
                    _("已有根单位“%(root)s”，请填写上级单位") % {"root": describe(roots[0])},
                )

    def _check_parent_type(self, node: PlanNode) -> None:
        parent = node.parent_node()
        if parent is None or node.type is None or parent.type is None:
            return
        if not type_allowed_under(node.type, parent.type):
            node.sheet.cells.fail(
                TYPE,
                _("%(child)s不能设在%(parent_type)s“%(parent)s”之下")
                % {
                    "child": WORD_BY_UNIT_TYPE[node.type],
                    "parent_type": WORD_BY_UNIT_TYPE[parent.type],
                    "parent": parent.name,
                },
            )

    def _check_children_of_retyped(self) -> None:
        """A unit the file retypes must still fit the children the file leaves under it."""
        for child in self.units:
            parent = child.parent_node()
            if child.sheet is not None or not isinstance(parent, PlanNode):
                continue
            if parent.sheet is None or parent.type is None:
                continue
            if not type_allowed_under(child.type, parent.type):
                parent.sheet.cells.fail(
                    TYPE,
                    _("改为%(type)s后，下级单位“%(child)s”（%(child_type)s）不能设在其下")
                    % {
                        "type": WORD_BY_UNIT_TYPE[parent.type],
                        "child": child.name,
                        "child_type": WORD_BY_UNIT_TYPE[child.type],
                    },
                )

    def _check_sibling_names(self, in_cycle: set) -> None:
        groups: dict[tuple, list[PlanNode]] = {}
        for node in self.units:
            parent = node.parent_node()
            if parent is not None and node not in in_cycle:
                groups.setdefault((id(parent), node.name), []).append(node)
        for nodes in groups.values():
            if len(nodes) < 2:
                continue
            nodes.sort(key=blame_order)
            first = nodes[0]
            where = (
                _("第%(row)d行") % {"row": first.row}
                if first.sheet is not None
                else _("编码 %(code)s") % {"code": first.code}
            )
            for node in nodes[1:]:
                node.sheet.cells.fail(
                    NAME,
                    _("同一上级单位下已有名为“%(name)s”的单位（%(where)s）")
                    % {"name": node.name, "where": where},
                )


def blame_order(node: PlanNode) -> tuple:
    """Of clashing units, the stored ones come first and new rows take the blame."""
    return (not node.existing, node.sheet is not None, node.row or 0)


def parse_unit_row(row: Row) -> UnitRow:
    table = row.table
    code = row.text(CODE)
    name = row.text(NAME)
    if len(code) > MAX_CODE:
        row.fail(CODE, _("单位编码不能超过 %(n)d 个字符") % {"n": MAX_CODE})
    elif any(ch.isspace() for ch in code):
        row.fail(CODE, _("单位编码不能含空格"))
    if not name:
        row.fail(NAME, _("请填写单位名称"))
    elif len(name) > MAX_NAME:
        row.fail(NAME, _("单位名称不能超过 %(n)d 个字符") % {"n": MAX_NAME})
    category = row.text(CATEGORY) if table.has(CATEGORY) else None
    if category and len(category) > MAX_CATEGORY:
        row.fail(CATEGORY, _("单位类别不能超过 %(n)d 个字符") % {"n": MAX_CATEGORY})
    order = row.integer(ORDER) if table.has(ORDER) else None
    return UnitRow(
        number=row.number,
        code=code,
        name=name,
        type=_parse_type(row),
        parent_ref=row.text(PARENT) if table.has(PARENT) else None,
        category=category,
        aliases=list(dict.fromkeys(row.multi(ALIASES))) if table.has(ALIASES) else None,
        sort_order=(order or 0) if table.has(ORDER) else None,
        cells=row,
    )


def _parse_type(row: Row) -> str | None:
    word = row.text(TYPE)
    if not word:
        row.fail(TYPE, _("请填写单位类型"))
        return None
    if word not in UNIT_TYPE_BY_WORD:
        row.fail(
            TYPE,
            _("单位类型“%(word)s”无效，应为%(words)s之一")
            % {"word": word, "words": "、".join(UNIT_TYPE_BY_WORD)},
        )
        return None
    return str(UNIT_TYPE_BY_WORD[word])


# ---- the entry points -----------------------------------------------------------------------


@sheet_import  # large sheets run as a background job (common.import_jobs)
def unit_sheet_import(
    *, actor, data: bytes, filename: str = "", dry_run: bool = False
) -> UnitImportResult:
    """Check the unit sheet and, when it has no errors and this is not a dry run, write it."""
    if actor is not None and not scope_of(actor).has(Role.SYSTEM_ADMIN):
        raise Forbidden(_("您没有执行此操作的权限"))
    result = UnitImportResult(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    try:
        book = ExcelBook.open(data, filename)
        if dry_run:
            return _plan(book, result)
        with transaction.atomic():
            _plan(book, result)
            if not result.errors and result.has_changes:
                unit_writes.write_plan(actor=actor, plan=result.plan, result=result)
                result.written = True
    except ExcelFileError as exc:
        result.errors = [ExcelError(exc.message)]
    return result


def _plan(book: ExcelBook, result: UnitImportResult) -> UnitImportResult:
    table = book.find_table(UNIT_KEYS)
    if table is None:
        raise ExcelFileError(
            _("找不到单位表：表格前五行中应有“单位名称”和“单位类型”两列表头（可下载模板对照）")
        )
    plan = UnitPlan(table)
    if not plan.rows:
        raise ExcelFileError(_("表中没有单位，请在表头下方逐行填写"))
    result.plan, result.rows = plan, len(plan.rows)
    leaders = leader_imports.plan_leaders(book, plan.resolver)
    result.errors = sorted(table.errors, key=ExcelError.sort_key)
    if not table.errors:
        _describe_changes(plan, result)
    if leaders is not None:
        result.errors += sorted(leaders.errors, key=ExcelError.sort_key)
        result.leaders = leaders
        result.warnings += leaders.warnings
    return result


def _describe_changes(plan: UnitPlan, result: UnitImportResult) -> None:
    for node in plan.sheet_nodes:
        if not node.existing:
            result.created.append(
                {
                    "row": node.row,
                    "code": node.code,
                    "name": node.name,
                    "type": WORD_BY_UNIT_TYPE[node.type],
                    "parent": describe(node.parent_node()) if node.parent_node() else "",
                }
            )
            continue
        changes = plan.changes_of(node)
        if changes:
            result.updated.append(
                {"row": node.row, "code": node.code, "name": node.name, "changes": changes}
            )
        else:
            result.unchanged += 1
    absent = [n for n in plan.units if n.existing and n.sheet is None]
    for node in absent:
        result.warnings.append(
            _("单位“%(unit)s”不在表中，保持不变（导入不删除单位）") % {"unit": describe(node)}
        )
