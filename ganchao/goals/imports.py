"""Importing the goal sheet (目标任务分解表, DESIGN.md 3.3 and 3.5) into a year's plan.

All or nothing: the whole file is read and checked first, every error collected with its row
and column, and only a file without errors is written (import_writes.py), in one transaction,
with one audit event for the batch. Import inserts and updates; it never deletes.

Choices the contract leaves open, made here:
- A column the sheet lacks keeps the stored value of an existing item (a new item takes the
  default); an empty cell in a present column sets the default.
- An assignment's own target and staged targets are NULL when the unit has no row in
  分解到单位: NULL means "the item's". Without that worksheet, existing assignments keep
  their own targets and people; with it, a lead or responsible unit it does not list goes
  back to the item's targets.
- An assignment the row no longer names is kept (never deleted) as a cooperating unit, and
  listed as a warning; so are stored milestones beyond the row's count.
- A 目标 row has no assignments: units written on it are not used (a warning says so).
- Once the plan is issued (or closed), a change of a target, a staged target or a milestone
  date of an existing item or assignment is an error on that row: "请通过目标调整办理".
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.common import collector
from ganchao.common.errors import Forbidden, ValidationFailed
from ganchao.common.excel import ExcelBook, ExcelError, ExcelFileError
from ganchao.common.import_jobs import sheet_import
from ganchao.goals import goal_sheet as gs
from ganchao.goals.choices import ItemType, PlanState, Role
from ganchao.goals.import_review import (
    ASSIGNMENT_VALUE_FIELDS,
    ChangeReview,
)
from ganchao.goals.models import Assignment, Item, Milestone, Plan
from ganchao.goals.sheet_rows import (
    HEADER_OF,
    ITEM_DEFAULTS,
    ITEM_FIELDS,
    QUARTER_FIELDS,
    ItemRow,
    SheetResolver,
    check_quarters,
    parse_item_row,
    parse_split_row,
)
from ganchao.orgs.choices import Role as OrgRole
from ganchao.orgs.models import Leader, Unit
from ganchao.orgs.references import UnitResolver, load_unit_nodes
from ganchao.orgs.scoping import scope_of

register("goal.import", _("导入目标任务分解表"))
register_object_type("goalsheet", _("目标任务分解表"))

ROLE_HEADER = {
    Role.LEAD: gs.LEAD,
    Role.RESPONSIBLE: gs.RESPONSIBLE,
    Role.COOPERATING: gs.COOPERATING,
}


@dataclass
class GoalImportResult:
    """What an import found and did; `errors` non-empty means nothing was written."""

    filename: str = ""
    sha256: str = ""
    year: int = 0
    owner_code: str = ""
    rows: int = 0
    errors: list[ExcelError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    unchanged: int = 0
    plan_id: int | None = None
    plan_created: bool = False
    written: bool = False
    work: "GoalSheetPlan | None" = field(default=None, repr=False)

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated or self.plan_created)

    def summary_lines(self) -> list[str]:
        return [
            _("新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d")
            % {
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": self.unchanged,
            }
        ]


@dataclass
class Context:
    """What every row is read against."""

    year: int
    resolver: UnitResolver
    units: dict  # id → UnitNode
    leaders_by_name: dict[str, list[int]]


@dataclass
class Desired:
    """An item as the import will leave it."""

    code: str
    row: ItemRow | None
    values: dict
    stored: dict | None = None  # the stored item's values (None: new)
    leaders: list[int] = field(default_factory=list)
    milestones: list[tuple] = field(default_factory=list)  # (date, description)
    assignments: dict[int, dict] = field(default_factory=dict)  # unit id → values incl. role
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def owner_of(owner_code: str | None) -> Unit:
    """The plan's owner: the unit of that code, or the root unit."""
    if owner_code:
        unit = Unit.objects.filter(code=owner_code).first()
        if unit is None:
            raise ValidationFailed.on(
                "owner", _("找不到编码为“%(code)s”的单位") % {"code": owner_code}
            )
        return unit
    unit = Unit.objects.filter(parent__isnull=True, active=True).order_by("path").first()
    if unit is None:
        raise ValidationFailed.on("owner", _("系统中还没有单位，请先导入单位表"))
    return unit


def load_context(year: int) -> Context:
    nodes = load_unit_nodes()
    leaders: dict[str, list[int]] = {}
    for pk, name in Leader.objects.filter(active=True).values_list("id", "name"):
        leaders.setdefault(name, []).append(pk)
    return Context(
        year=year, resolver=SheetResolver(nodes.values()), units=nodes, leaders_by_name=leaders
    )


class GoalSheetPlan(ChangeReview):
    """Reads the sheet, compares it with the plan and checks every rule, writing nothing."""

    def __init__(self, book: ExcelBook, plan: Plan | None, year: int):
        self.plan = plan
        self.issued = plan is not None and plan.state != PlanState.DRAFT
        self.context = load_context(year)
        self.table = book.find_table(gs.GOAL_KEYS)
        if self.table is None:
            raise ExcelFileError(
                _("找不到目标任务表：表格前五行中应有“编号”和“名称”两列表头（可下载模板对照）")
            )
        self.warnings: list[str] = []
        self._load_stored()
        self.rows = [parse_item_row(row, self.context) for row in self.table.rows()]
        # every value is parsed; later errors on these rows need only the headers
        self.table.sheet.release()
        if not self.rows:
            raise ExcelFileError(_("表中没有目标任务，请在表头下方逐行填写"))
        self.split_table = _split_table(book, self.table)
        self.desired = self._merge_rows()
        self._check_tree()
        for item in self.desired.values():
            if item.row is not None:
                self._check_item(item)
        self._apply_split_sheet()
        self._check_issued()

    @property
    def errors(self) -> list[ExcelError]:
        errors = sorted(self.table.errors, key=ExcelError.sort_key)
        if self.split_table is not None:
            errors += sorted(self.split_table.errors, key=ExcelError.sort_key)
        return errors

    # -- the plan as stored (a fixed number of queries) -----------------------------------

    def _load_stored(self) -> None:
        self.stored: dict[str, dict] = {}
        self.stored_leaders: dict[int, list[int]] = {}
        self.stored_milestones: dict[int, list[dict]] = {}
        self.stored_assignments: dict[int, dict[int, dict]] = {}
        if self.plan is None:
            return
        for row in Item.objects.filter(plan=self.plan).values(
            "id", "code", "parent_id", *ITEM_FIELDS
        ):
            self.stored[row["code"]] = row
        through = Item.leaders.through.objects.filter(item__plan=self.plan).order_by("id")
        for item_id, leader_id in through.values_list("item_id", "leader_id"):
            self.stored_leaders.setdefault(item_id, []).append(leader_id)
        milestones = Milestone.objects.filter(item__plan=self.plan).order_by("item_id", "position")
        for row in milestones.values("id", "item_id", "position", "due_date", "description"):
            self.stored_milestones.setdefault(row["item_id"], []).append(row)
        assignments = Assignment.objects.filter(item__plan=self.plan).order_by("id")
        for row in assignments.values("id", "item_id", "unit_id", "role", *ASSIGNMENT_VALUE_FIELDS):
            self.stored_assignments.setdefault(row["item_id"], {})[row["unit_id"]] = row

    # -- rows → the items as the import leaves them ---------------------------------------

    def _merge_rows(self) -> dict[str, Desired]:
        desired: dict[str, Desired] = {}
        first_row: dict[str, int] = {}
        for row in self.rows:
            if not row.code:
                continue
            if row.code in first_row:
                row.cells.fail(
                    gs.CODE,
                    _("编号“%(code)s”与第%(row)d行重复")
                    % {"code": row.code, "row": first_row[row.code]},
                )
                continue
            first_row[row.code] = row.number
            stored = self.stored.get(row.code)
            base = {name: stored[name] for name in ITEM_FIELDS} if stored else dict(ITEM_DEFAULTS)
            item = Desired(code=row.code, row=row, values={**base, **row.values}, stored=stored)
            pk = stored["id"] if stored else None
            item.leaders = (
                row.leaders if row.leaders is not None else list(self.stored_leaders.get(pk, []))
            )
            self._merge_milestones(item, pk)
            self._merge_assignments(item, pk)
            desired[row.code] = item
        for code, stored in self.stored.items():
            if code not in desired:
                desired[code] = Desired(
                    code=code, row=None, values={n: stored[n] for n in ITEM_FIELDS}, stored=stored
                )
        return desired

    def _merge_milestones(self, item: Desired, pk: int | None) -> None:
        stored = [(m["due_date"], m["description"]) for m in self.stored_milestones.get(pk, [])]
        row = item.row
        if row.milestones is None and stored:
            item.milestones = stored
            return
        wanted = row.milestones or []
        if not wanted and item.values["type"] == ItemType.TASK and item.values["deadline"]:
            wanted = [
                (item.values["deadline"], item.values["name"][: gs.MAX_MILESTONE] or _("完成"))
            ]
        if len(stored) > len(wanted):
            self.warnings.append(
                _(
                    "第%(row)d行（编号 %(code)s）：原有第 %(from)d 至 %(to)d 个节点不在表中，保持不变（导入不删除节点）"
                )
                % {"row": row.number, "code": item.code, "from": len(wanted) + 1, "to": len(stored)}
            )
            wanted = wanted + stored[len(wanted) :]
        item.milestones = wanted

    def _merge_assignments(self, item: Desired, pk: int | None) -> None:
        stored = self.stored_assignments.get(pk, {})
        item.assignments = {unit: dict(values) for unit, values in stored.items()}
        row = item.row
        if (
            row.lead is None
            and row.responsible is None
            and row.cooperating is None
            and not row.has_lead_column
        ):
            return
        if item.values["type"] == ItemType.GOAL:
            if row.lead or row.responsible or row.cooperating:
                self.warnings.append(
                    _("第%(row)d行（编号 %(code)s）是目标，所填单位不建立分工")
                    % {"row": row.number, "code": item.code}
                )
            return
        named: dict[int, str] = {}
        groups = [(Role.LEAD, [row.lead] if row.lead else ([] if row.has_lead_column else None)),
                  (Role.RESPONSIBLE, row.responsible), (Role.COOPERATING, row.cooperating)]  # fmt: skip
        for role, units in groups:
            if units is None:
                named.update({u: v["role"] for u, v in stored.items() if v["role"] == role})
                continue
            for unit in units:
                if unit in named:
                    row.cells.fail(
                        ROLE_HEADER[role],
                        _("“%(unit)s”已列为%(role)s，同一单位只能承担一种角色")
                        % {"unit": self.context.units[unit].name, "role": Role(named[unit]).label},
                    )
                    continue
                named[unit] = role.value
        for unit, role in named.items():
            current = item.assignments.setdefault(  # 权重 defaults to the item's
                unit,
                {"unit_id": unit, "role": role, **_blank_assignment(), "weight": _weight(item)},
            )
            current["role"] = role
        for unit, values in item.assignments.items():
            if unit not in named and values["role"] != Role.COOPERATING:
                values["role"] = Role.COOPERATING.value
                self.warnings.append(
                    _(
                        "第%(row)d行（编号 %(code)s）：“%(unit)s”不再列于表中，改为配合单位保留（导入不删除分工）"
                    )
                    % {"row": row.number, "code": item.code, "unit": self.context.units[unit].name}
                )

    # -- rules --------------------------------------------------------------------------------

    def _check_tree(self) -> None:
        for item in self.desired.values():
            code, kind = item.code, item.values["type"]
            if not kind:
                continue
            parent_code = code.rpartition(".")[0]
            blame = item.row if item.row is not None else self.desired.get(parent_code, item).row
            if blame is None:
                continue
            if not parent_code:
                if kind != ItemType.GOAL:
                    blame.cells.fail(gs.TYPE, _("一级编号（%(code)s）应为目标") % {"code": code})
                continue
            parent = self.desired.get(parent_code)
            if parent is None:
                blame.cells.fail(
                    gs.CODE,
                    _("上级编号“%(parent)s”在表中和计划中都不存在") % {"parent": parent_code},
                )
                continue
            self._check_parent_type(item, parent, blame)

    def _check_parent_type(self, item: Desired, parent: Desired, blame: ItemRow) -> None:
        kind, parent_kind = item.values["type"], parent.values["type"]
        allowed = {
            ItemType.GOAL: {ItemType.GOAL, ItemType.INDICATOR, ItemType.TASK},
            ItemType.TASK: {ItemType.TASK},
        }
        if parent_kind and kind not in allowed.get(parent_kind, set()):
            header = gs.TYPE if item.row is blame else gs.CODE
            blame.cells.fail(
                header,
                _(
                    "%(parent_type)s“%(parent)s”下不能设%(type)s（目标下可设目标、指标和任务，任务下只能设子任务，指标下不能再分）"
                )
                % {
                    "parent_type": ItemType(parent_kind).label,
                    "parent": parent.code,
                    "type": ItemType(kind).label,
                },
            )

    def _check_item(self, item: Desired) -> None:
        row, values = item.row.cells, item.values
        kind = values["type"]
        if not values["name"] and not row.failed(gs.NAME):
            row.fail(gs.NAME, _("请填写名称"))
        if kind == ItemType.INDICATOR:
            for name, message in (
                ("measure_unit", _("指标须填写计量单位")),
                ("target", _("指标须填写目标值")),
            ):
                if values[name] in (None, "") and not row.failed(HEADER_OF[name]):
                    row.fail(HEADER_OF[name], message)
        if kind == ItemType.TASK and not item.milestones and not row.failed(gs.MILESTONES):
            header = gs.MILESTONES if self.table.has(gs.MILESTONES) else gs.DEADLINE
            if not row.failed(gs.DEADLINE):
                row.fail(header, _("任务须填写节点安排或完成时限"))
        if kind in (ItemType.INDICATOR, ItemType.TASK):
            leads = [u for u, v in item.assignments.items() if v["role"] == Role.LEAD]
            if not leads and not row.failed(gs.LEAD):
                row.fail(gs.LEAD, _("请填写牵头单位"))
            self._check_inactive(item)
        check_quarters(
            row, values, nature=values["nature"], target=values["target"], target_header=gs.TARGET
        )

    def _check_inactive(self, item: Desired) -> None:
        stored_units = (
            set(self.stored_assignments.get(item.stored["id"], {})) if item.stored else set()
        )
        for unit, values in item.assignments.items():
            node = self.context.units[unit]
            if not node.active and unit not in stored_units:
                item.row.cells.fail(
                    ROLE_HEADER[Role(values["role"])],
                    _("单位“%(unit)s”已停用，不能承担任务") % {"unit": node.name},
                )

    # -- 分解到单位 -------------------------------------------------------------------------

    def _apply_split_sheet(self) -> None:
        if self.split_table is None:
            return
        listed: set[tuple[str, int]] = set()
        first_row: dict[tuple[str, int], int] = {}
        for cells in self.split_table.rows():
            split = parse_split_row(cells, self.context)
            if not split.code or split.unit_id is None:
                continue
            key = (split.code, split.unit_id)
            if key in first_row:
                cells.fail(gs.UNIT, _("与第%(row)d行重复") % {"row": first_row[key]})
                continue
            first_row[key] = split.number
            item = self.desired.get(split.code)
            if item is None or item.row is None:
                cells.fail(gs.CODE, _("编号“%(code)s”不在目标任务表中") % {"code": split.code})
                continue
            assignment = item.assignments.get(split.unit_id)
            if assignment is None:
                cells.fail(
                    gs.UNIT,
                    _("该单位不是编号 %(code)s 的牵头、责任或配合单位") % {"code": split.code},
                )
                continue
            listed.add(key)
            self._take_split(split, item, assignment)
        for item in self.desired.values():
            if item.row is None:
                continue
            for unit, assignment in item.assignments.items():
                if (item.code, unit) not in listed:
                    assignment.update(
                        {"target": None, "q1": None, "q2": None, "q3": None, "q4": None}
                    )

    def _take_split(self, split, item: Desired, assignment: dict) -> None:
        cells, values = split.cells, split.values
        has_targets = any(values.get(name) is not None for name in ("target", *QUARTER_FIELDS))
        if has_targets and assignment["role"] == Role.COOPERATING:
            cells.fail(gs.TARGET, _("配合单位不设目标值"))
            return
        for name in ("target", *QUARTER_FIELDS):
            values.setdefault(name, None)
        check_quarters(
            cells,
            values,
            nature=item.values["nature"],
            target=values["target"],
            target_header=gs.TARGET,
        )
        assignment.update(values)
        assignment["split_row"] = split


def _split_table(book: ExcelBook, main):
    """The 分解到单位 worksheet: by its name, else another worksheet with its key headers
    (never the main sheet, the exported 目标调整 list or the 填写说明)."""
    table = book.find_table(gs.SPLIT_KEYS, label=gs.SPLIT_SHEET_TITLE, name=gs.SPLIT_SHEET_TITLE)
    if table is not None:
        return table
    ignored = {gs.ADJUSTMENT_SHEET_TITLE, gs.NOTES_SHEET_TITLE, main.title}
    for title in book.sheet_names:
        if title not in ignored:
            table = book.find_table(gs.SPLIT_KEYS, label=title, name=title)
            if table is not None:
                return table
    return None


def _weight(item) -> Decimal:
    return item.values.get("weight") or Decimal(1)


def _blank_assignment() -> dict:
    return {"id": None, "target": None, "q1": None, "q2": None, "q3": None, "q4": None, "weight": Decimal(1),
            "responsible_person": "", "contact": "", "contact_phone": ""}  # fmt: skip


# ---- the entry point --------------------------------------------------------------------------


@sheet_import  # large sheets run as a background job (common.import_jobs)
def goal_sheet_import(
    *,
    actor,
    data: bytes,
    year: int,
    owner_code: str | None = None,
    filename: str = "",
    dry_run: bool = False,
) -> GoalImportResult:
    """Check the goal sheet against the (owner, year) plan and, when it has no errors and this
    is not a dry run, write it; the plan is created (as a draft) when missing."""
    if actor is not None and not scope_of(actor).has(OrgRole.OFFICE):
        raise Forbidden(_("只有督查室可以导入目标任务分解表"))
    owner = owner_of(owner_code)
    result = GoalImportResult(
        filename=filename, sha256=hashlib.sha256(data).hexdigest(), year=year, owner_code=owner.code
    )
    try:
        with collector.paused():
            _check_and_write(actor, data, filename, year, owner, result, dry_run)
    except ExcelFileError as exc:
        result.errors = [ExcelError(exc.message)]
    finally:
        result.work = None  # a background job keeps the result: the summary, not the sheet
    return result


def _check_and_write(actor, data, filename, year, owner, result, dry_run) -> None:
    """Read and check the sheet into `result`; write it when it has no errors (not in a dry
    run). One transaction: the plan row is locked while the file is compared with it."""
    book = ExcelBook.open(data, filename)
    with transaction.atomic():
        plan = Plan.objects.filter(owner=owner, year=year).first()
        if plan is not None and not dry_run:
            plan = Plan.objects.select_for_update().get(pk=plan.pk)
        work = GoalSheetPlan(book, plan, year)
        result.work, result.rows = work, len(work.rows)
        result.errors = work.errors
        result.plan_id = plan.pk if plan else None
        result.plan_created = plan is None
        if result.errors:
            return
        work.describe(result)
        book.release()  # the checked rows hold their values; the cells are not needed
        if not dry_run and result.has_changes:
            from ganchao.goals import import_writes

            import_writes.write_goal_sheet(actor=actor, owner=owner, result=result)
            result.written = True
