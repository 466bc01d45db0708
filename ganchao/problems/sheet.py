"""The sheet 问题台账 (DESIGN.md 3.3 and 3.14): export and import by the rules every sheet shares.

Columns 编号, 来源, 地点类型, 地点, 类别, 严重程度, 问题描述, 责任单位, 整改时限, 整改措施, 状态,
历史遗留 (key headers 编号 and 问题描述). Export writes 编号 and 责任单位 (the unit's code) as
text cells, the choices as their Chinese labels, 整改时限 as a date and 历史遗留 as 是/否, so
that export → import changes nothing.

Import is all or nothing: every row is read and checked first — each error names its cell, e.g.
`第12行 H列（责任单位）：找不到单位“西湖”` — and only a file without errors is written, in one
transaction, with one audit event for the batch. A row whose 编号 is a problem's is that problem
(updated); any other row is a new problem (编号 generated when empty). Import inserts and updates,
never deletes. States change only through the workflow (plan, report, verify): a new row may only
be 待整改, and an existing problem's 状态 must be the one it has. A new row recurs by the
services' rule (sheet_recurrence): at the place and category of a problem closed within the
window it reopens that problem (counted as an update); otherwise it is linked to an unclosed one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import Forbidden
from ganchao.common.excel import ExcelBook, ExcelError, ExcelFileError, Row
from ganchao.common.exports import new_workbook, workbook_bytes, write_table
from ganchao.common.import_jobs import sheet_import
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Unit
from ganchao.orgs.references import UnitResolver, Unresolved
from ganchao.orgs.scoping import scope_of
from ganchao.problems.choices import Category, PlaceType, Severity, Source, State
from ganchao.problems.models import Problem
from ganchao.problems.sheet_columns import (  # noqa: F401  (the sheet's names, importable here)
    ABSENT_LISTED,
    CATEGORY,
    CHOICES,
    DEADLINE,
    DESCRIPTION,
    FIELD_OF,
    HEADERS,
    KEYS,
    LEGACY,
    MAX_NUMBER,
    MAX_PLACE,
    MEASURES,
    NO,
    NUMBER,
    OWNER,
    PLACE,
    PLACE_TYPE,
    REQUIRED,
    SEVERITY,
    SHEET_TITLE,
    SOURCE,
    STATE,
    WHITESPACE,
    YES,
    _label,
    _labels,
    place_key,
)  # fmt: skip
from ganchao.problems.sheet_recurrence import plan_recurrences, reopened_preview, target_number
from ganchao.problems.sheet_writes import next_numbers, write_batch  # noqa: F401

# ---- reading ------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """What one row says, parsed; `values` holds the fields as the model stores them."""

    number: int
    code: str
    values: dict
    state: str | None
    cells: Row


@dataclass
class ProblemImportResult:
    """What an import found and did; `errors` non-empty means nothing was written."""

    filename: str = ""
    sha256: str = ""
    rows: int = 0
    errors: list[ExcelError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    unchanged: int = 0
    written: bool = False

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated)

    def summary_lines(self) -> list[str]:
        return [
            _("新增 %(created)d，更新 %(updated)d，未变 %(unchanged)d")
            % {
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": self.unchanged,
            }
        ]


class ProblemSheet:
    """Reads and checks every row against the ledger, writing nothing."""

    def __init__(self, book: ExcelBook):
        self.table = book.find_table(KEYS)
        if self.table is None:
            raise ExcelFileError(
                _(
                    "找不到问题台账：表格前五行中应有“编号”和“问题描述”两列表头（可导出当前台账对照）"
                )
            )
        missing = [h for h in HEADERS if h != STATE and not self.table.has(h)]
        if missing:
            raise ExcelFileError(
                _("问题台账缺少以下列：%(headers)s") % {"headers": "、".join(missing)}
            )
        rows = self.table.rows()
        if not rows:
            raise ExcelFileError(_("表中没有问题，请在表头下方逐行填写"))
        self.resolver = UnitResolver.from_database()
        self.labels = {header: _labels(choices) for header, choices in CHOICES.items()}
        self.state_labels = _labels(State)
        self.today = timezone.localdate()
        codes = [row.text(NUMBER) for row in rows]
        self.existing = {
            p.number: p for p in Problem.objects.filter(number__in=[c for c in codes if c])
        }
        self.rows = [self._parse(row) for row in rows]
        self._match_unnumbered()
        self._check_duplicates()

    @property
    def errors(self) -> list[ExcelError]:
        return sorted(self.table.errors, key=ExcelError.sort_key)

    def _parse(self, row: Row) -> SheetRow:
        code = row.text(NUMBER)
        if len(code) > MAX_NUMBER:
            row.fail(NUMBER, _("编号不能超过 %(n)d 个字符") % {"n": MAX_NUMBER})
        existing = self.existing.get(code)
        year = existing.found_on.year if existing else self.today.year
        values = {
            "source": self._choice(row, SOURCE),
            "place_type": self._choice(row, PLACE_TYPE),
            "place": self._text(row, PLACE, MAX_PLACE),
            "category": self._choice(row, CATEGORY),
            "severity": self._choice(row, SEVERITY),
            "description": row.text(DESCRIPTION),
            "owner_unit_id": self._unit(row),
            "deadline": row.date(DEADLINE, year),
            "measures": row.text(MEASURES),
            "legacy": self._legacy(row),
        }
        for header in REQUIRED:
            if values[FIELD_OF[header]] in (None, "") and not row.failed(header):
                row.fail(header, _("请填写%(header)s") % {"header": header})
        parsed = SheetRow(row.number, code, values, self._state(row), row)
        self._check_state(parsed, existing)
        return parsed

    def _text(self, row: Row, header: str, limit: int) -> str:
        text = row.text(header)
        if len(text) > limit:
            row.fail(header, _("不能超过 %(n)d 个字") % {"n": limit})
        return text

    def _choice(self, row: Row, header: str) -> str | None:
        text = WHITESPACE.sub("", row.text(header))
        if not text:
            return None
        value = self.labels[header].get(text)
        if value is None:
            allowed = "、".join(label for label in self.labels[header] if not label.isascii())
            row.fail(
                header,
                _("“%(text)s”不是可选的%(header)s，应为：%(allowed)s")
                % {"text": text, "header": header, "allowed": allowed},
            )
        return value

    def _unit(self, row: Row) -> int | None:
        reference = row.text(OWNER)
        if not reference:
            return None
        try:
            node = self.resolver.resolve(reference)
        except Unresolved as exc:
            row.fail(OWNER, exc.message)
            return None
        if not node.active:
            row.fail(OWNER, _("单位“%(unit)s”已停用") % {"unit": node.name})
            return None
        return node.pk

    def _legacy(self, row: Row) -> bool:
        text = WHITESPACE.sub("", row.text(LEGACY))
        if text in ("", NO):
            return False
        if text == YES:
            return True
        row.fail(LEGACY, _("应填写“是”或“否”（留空视为“否”）"))
        return False

    def _state(self, row: Row) -> str | None:
        text = WHITESPACE.sub("", row.text(STATE))
        if not text:
            return None
        value = self.state_labels.get(text)
        if value is None:
            allowed = "、".join(label for label in self.state_labels if not label.isascii())
            row.fail(
                STATE,
                _("“%(text)s”不是可选的状态，应为：%(allowed)s")
                % {"text": text, "allowed": allowed},
            )
        return value

    def _check_state(self, parsed: SheetRow, existing: Problem | None) -> None:
        state, row = parsed.state, parsed.cells
        if state is None or row.failed(STATE):
            return
        if existing is None and state != State.OPEN:
            row.fail(
                STATE,
                _("新登记的问题状态只能是“待整改”：状态只能通过整改、核验、销号流程改变"),
            )
        elif existing is not None and state != existing.state:
            row.fail(
                STATE,
                _(
                    "问题%(number)s现在是“%(now)s”，导入不能改为“%(to)s”：状态只能通过整改、核验、销号流程改变"
                )
                % {
                    "number": existing.number,
                    "now": _label(State, existing.state),
                    "to": _label(State, state),
                },
            )

    def _match_unnumbered(self) -> None:
        """A row without 编号 is the problem with the same place, category and description
        when there is exactly one (so that re-importing a filled-in sheet adds nothing twice);
        otherwise a new problem."""
        unnumbered = [r for r in self.rows if not r.code and not r.cells.failed()]
        if not unnumbered:
            return
        candidates: dict[tuple, list[Problem]] = {}
        stored = Problem.objects.filter(
            description__in={r.values["description"] for r in unnumbered}
        )
        for problem in stored:
            key = (problem.place_key, problem.category, problem.description)
            candidates.setdefault(key, []).append(problem)
        for parsed in unnumbered:
            values = parsed.values
            key = (place_key(values["place"]), values["category"], values["description"])
            found = candidates.get(key, [])
            if len(found) == 1:
                parsed.code = found[0].number
                self.existing[parsed.code] = found[0]
                self._check_state(parsed, found[0])

    def _check_duplicates(self) -> None:
        seen: dict[str, int] = {}
        for parsed in self.rows:
            if not parsed.code:
                continue
            if parsed.code in seen:
                parsed.cells.fail(NUMBER, _("与第%(row)d行编号相同") % {"row": seen[parsed.code]})
            else:
                seen[parsed.code] = parsed.number


# ---- planning the changes -----------------------------------------------------------------------


def _shown(header: str, value, units: dict[int, Unit]) -> str:
    """A field's value as the preview shows it."""
    if value in (None, ""):
        return ""
    if header in CHOICES:
        return _label(CHOICES[header], value)
    if header == OWNER:
        unit = units.get(value)
        return f"{unit.name}（{unit.code}）" if unit else str(value)
    if header == LEGACY:
        return YES if value else NO
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def changes_of(problem: Problem, values: dict) -> list[tuple[str, object, object]]:
    """(header, stored, sheet) for each field the row changes; 整改时限 left empty keeps it."""
    found = []
    for header, name in FIELD_OF.items():
        new = values[name]
        if header == DEADLINE and new is None:
            continue
        old = getattr(problem, name)
        if old != new:
            found.append((header, old, new))
    return found


def _plan(sheet: ProblemSheet, result: ProblemImportResult) -> dict:
    """Sort the rows into new, changed and unchanged problems; errors for changes to a closed
    problem."""
    unit_ids = {r.values["owner_unit_id"] for r in sheet.rows} | {
        p.owner_unit_id for p in sheet.existing.values()
    }
    units = Unit.objects.in_bulk([pk for pk in unit_ids if pk])
    new_rows = [r for r in sheet.rows if r.code not in sheet.existing and not r.cells.failed()]
    recurrences = plan_recurrences(new_rows)
    reopening = {id(row): problem for problem, row in recurrences.reopen}
    plan = {"create": [], "update": [], "recurrences": recurrences}
    for parsed in sheet.rows:
        existing = sheet.existing.get(parsed.code)
        if existing is None and id(parsed) in reopening:  # recurs: reopens, as problem_create
            result.updated.append({"row": parsed.number, **reopened_preview(reopening[id(parsed)])})
        elif existing is None:
            plan["create"].append(parsed)
            target = recurrences.target_of(parsed)
            result.created.append(
                {
                    "row": parsed.number,
                    "number": parsed.code,
                    "place": parsed.values["place"],
                    "owner": _shown(OWNER, parsed.values["owner_unit_id"], units),
                    "description": parsed.values["description"],
                    "recurs": target_number(target) if target is not None else "",
                }
            )
        if existing is None:
            continue
        changes = changes_of(existing, parsed.values)
        if not changes:
            result.unchanged += 1
            continue
        if existing.state == State.CLOSED:
            parsed.cells.fail(
                changes[0][0],
                _("问题%(number)s已销号，不能再修改") % {"number": existing.number},
            )
            continue
        plan["update"].append((existing, parsed, changes))
        result.updated.append(
            {
                "row": parsed.number,
                "number": existing.number,
                "changes": [(h, _shown(h, o, units), _shown(h, n, units)) for h, o, n in changes],
            }
        )
    return plan


def _absent_warning(sheet: ProblemSheet) -> list[str]:
    in_file = {r.code for r in sheet.rows if r.code}
    absent = Problem.objects.exclude(number__in=in_file)
    count = absent.count()
    if not count:
        return []
    listed = list(absent.order_by("number").values_list("number", flat=True)[:ABSENT_LISTED])
    more = _("等") if count > ABSENT_LISTED else ""
    return [
        _("%(n)d 个问题不在表中，保持不变（导入不删除问题）：%(numbers)s%(more)s")
        % {"n": count, "numbers": "、".join(listed), "more": more}
    ]


def require_office(actor) -> None:
    if not scope_of(actor).has(Role.OFFICE):
        raise Forbidden(_("只有督查室（考核办）可以导入问题台账"))


@sheet_import  # large sheets run as a background job (common.import_jobs)
def problem_sheet_import(
    *, actor, data: bytes, filename: str = "", dry_run: bool = False
) -> ProblemImportResult:
    """Check the sheet 问题台账 and, when it has no errors and this is not a dry run, write it in
    one transaction with one audit event."""
    require_office(actor)
    result = ProblemImportResult(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    book = None
    try:
        book = ExcelBook.open(data, filename)
        with transaction.atomic():
            sheet = ProblemSheet(book)
            result.rows = len(sheet.rows)
            plan = _plan(sheet, result)
            result.errors = sheet.errors
            if result.errors:
                result.created, result.updated, result.unchanged = [], [], 0
                return result
            result.warnings = _absent_warning(sheet)
            if dry_run or not result.has_changes:
                return result
            write_batch(actor, plan, result)
            result.written = True
    except ExcelFileError as exc:
        result.errors = [ExcelError(exc.message)]
    finally:
        if book is not None:
            book.release()
    return result


# ---- export -------------------------------------------------------------------------------------


def _export_rows(problems):
    for p in problems:
        yield [
            p.number,
            _label(Source, p.source),
            _label(PlaceType, p.place_type),
            p.place,
            _label(Category, p.category),
            _label(Severity, p.severity),
            p.description,
            p.owner_unit.code,
            p.deadline,
            p.measures,
            _label(State, p.state),
            YES if p.legacy else NO,
        ]


def problem_sheet_export(problems) -> bytes:
    """The problems (a queryset already scoped to the reader) as the sheet 问题台账."""
    book = new_workbook()
    sheet = book.create_sheet(SHEET_TITLE)
    rows = problems.select_related("owner_unit").order_by("number")
    write_table(
        sheet,
        HEADERS,
        _export_rows(rows.iterator(chunk_size=2000)),
        text_columns=[NUMBER, OWNER],
        wrap_columns=[DESCRIPTION, MEASURES],
    )
    return workbook_bytes(book)


def export_filename() -> str:
    return f"问题台账-{timezone.localdate():%Y%m%d}.xlsx"
