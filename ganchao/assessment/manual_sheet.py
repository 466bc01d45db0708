"""The manual-score sheet (评议打分表, DESIGN.md 3.10) by the rules of 3.3: key headers 单位 and
组成项; columns 单位 (a unit reference: code, unique name or alias, or path), 组成项 (a manual
component's name or code) and 得分 (0 … the component's points). Export and the blank template
write the same layout, with the unit's code in 单位 (a text cell) and, for reading, 单位名称 and
满分, which the import ignores: export → import changes nothing.

A row whose 得分 is empty is skipped (the template lists every unit and component); every other
problem is an error naming the row and column, and any error means nothing is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ganchao.assessment import services
from ganchao.assessment.models import Component, Scheme
from ganchao.assessment.selectors_inputs import category_units
from ganchao.assessment.services_inputs import (
    ManualChange,
    ManualPlan,
    checked_cents,
    excluded_ids,
    existing_scores,
    manual_components,
    manual_plan,
    manual_scores_write,
    plain,
    range_message,
    require_office,
)
from ganchao.common.errors import ValidationFailed
from ganchao.common.excel import ExcelBook, ExcelError, ExcelFileError, Row
from ganchao.common.exports import (
    SCORE_FORMAT,
    new_workbook,
    workbook_bytes,
    write_cell,
    write_table,
)
from ganchao.common.import_jobs import sheet_import
from ganchao.orgs.models import Unit
from ganchao.orgs.references import UnitResolver, Unresolved

UNIT, COMPONENT, SCORE = "单位", "组成项", "得分"
UNIT_NAME, POINTS = "单位名称", "满分"
KEYS = (UNIT, COMPONENT)
HEADERS = [UNIT, UNIT_NAME, COMPONENT, POINTS, SCORE]
MAX_WARNINGS = 200
LISTED = 20  # row numbers or unit names listed in a warning before 等


@dataclass
class ManualImportResult:
    filename: str = ""
    sha256: str = ""
    rows: int = 0
    errors: list[ExcelError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    plan: ManualPlan = field(default_factory=ManualPlan)
    written: bool = False

    @property
    def created(self) -> list[ManualChange]:
        return self.plan.created

    @property
    def updated(self) -> list[ManualChange]:
        return self.plan.updated

    @property
    def unchanged(self) -> int:
        return self.plan.unchanged

    @property
    def has_changes(self) -> bool:
        return self.plan.has_changes

    def summary_lines(self) -> list[str]:
        return [self.plan.summary()]


class ManualSheet:
    """Reads and checks the rows against the scheme, writing nothing."""

    def __init__(self, book: ExcelBook, scheme: Scheme):
        self.scheme = scheme
        self.table = book.find_table(KEYS)
        if self.table is None:
            raise ExcelFileError(_("找不到评议打分表：表格前五行中应有“单位”和“组成项”两列表头"))
        if not self.table.has(SCORE):
            raise ExcelFileError(_("评议打分表缺少“得分”列"))
        self.components = manual_components(scheme)
        self.excluded = excluded_ids(scheme)  # units the scheme leaves out, read once
        self.resolver = UnitResolver.from_database()
        self.cells: list[tuple[Unit, Component, Decimal]] = []
        self.row_numbers: list[int] = []
        self.skipped: list[int] = []
        rows = self.table.rows()
        if not rows:
            raise ExcelFileError(_("表中没有数据，请在表头下方逐行填写"))
        self.row_count = len(rows)
        self._read(rows)

    @property
    def errors(self) -> list[ExcelError]:
        return sorted(self.table.errors, key=ExcelError.sort_key)

    def _read(self, rows: list[Row]) -> None:
        parsed = [(row, self._unit(row), self._component(row), self._score(row)) for row in rows]
        units = Unit.objects.in_bulk({pk for _r, pk, _c, _s in parsed if pk})
        seen: dict[tuple[int, str], int] = {}
        for row, unit_id, component, score in parsed:
            unit = units.get(unit_id)
            if unit is not None and not self._in_category(row, unit):
                continue
            if unit is None or component is None or score is None or row.failed():
                continue
            if not Decimal(0) <= score <= component.points:
                row.fail(SCORE, range_message(component))
                continue
            key = (unit.pk, component.code)
            if key in seen:
                row.fail(COMPONENT, _("与第%(row)d行是同一单位同一组成项") % {"row": seen[key]})
                continue
            seen[key] = row.number
            self.cells.append((unit, component, score))
            self.row_numbers.append(row.number)

    def _unit(self, row: Row) -> int | None:
        reference = row.text(UNIT)
        if not reference:
            row.fail(UNIT, _("请填写单位"))
            return None
        try:
            return self.resolver.resolve(reference).pk
        except Unresolved as exc:
            row.fail(UNIT, exc.message)
            return None

    def _in_category(self, row: Row, unit: Unit) -> bool:
        if unit.pk in self.excluded:
            row.fail(UNIT, _("“%(unit)s”不参加本方案考核") % {"unit": unit.name})
            return False
        if unit.category_id == self.scheme.category_id and unit.active:
            return True
        row.fail(
            UNIT,
            _("“%(unit)s”不属于本方案的考核类别（%(category)s）")
            % {"unit": unit.name, "category": self.scheme.category.name},
        )
        return False

    def _component(self, row: Row) -> Component | None:
        text = row.text(COMPONENT)
        if not text:
            row.fail(COMPONENT, _("请填写组成项"))
            return None
        by_code = [c for c in self.components if c.code == text]
        found = by_code or [c for c in self.components if c.name == text]
        if len(found) == 1:
            return found[0]
        names = "、".join(c.name for c in self.components) or _("（本方案没有评议打分项）")
        row.fail(
            COMPONENT,
            _("“%(text)s”不是本方案的评议打分项，应为：%(names)s") % {"text": text, "names": names},
        )
        return None

    def _score(self, row: Row) -> Decimal | None:
        value = row.decimal(SCORE)
        if value is None:
            if not row.failed(SCORE):
                self.skipped.append(row.number)
            return None
        try:
            return checked_cents(value, "score", _("得分"))
        except ValidationFailed as exc:
            row.fail(SCORE, exc.message)
            return None


def _listed(items: list[str]) -> str:
    """At most LISTED items joined with 、, then 等 when there are more."""
    shown = "、".join(items[:LISTED])
    return shown + _("等") if len(items) > LISTED else shown


def _skipped_warning(rows: list[int]) -> str:
    values = {"rows": "、".join(str(number) for number in rows[:LISTED]), "n": len(rows)}
    if len(rows) > LISTED:
        return _("第%(rows)s行等得分为空，已跳过（共%(n)d行）") % values
    return _("第%(rows)s行得分为空，已跳过（共%(n)d行）") % values


def _missing_warning(names: list[str], component: Component | None) -> str:
    values = {"n": len(names), "names": _listed(names)}
    if component is None:
        return _("尚有%(n)d个单位未录入得分：%(names)s") % values
    return _("尚有%(n)d个单位未录入“%(component)s”得分：%(names)s") % {
        **values,
        "component": component.name,
    }


def _warnings(sheet: ManualSheet, scheme: Scheme, period: str) -> list[str]:
    """A summary, not a line per row: the rows skipped for an empty 得分, and the units still
    without a score once the file is in (per component when the scheme has several)."""
    warnings = [_skipped_warning(sheet.skipped)] if sheet.skipped else []
    covered = {(unit.pk, component.code) for unit, component, _s in sheet.cells}
    units = list(category_units(scheme))
    stored = existing_scores(scheme, period, [u.pk for u in units])
    several = len(sheet.components) > 1
    for component in sheet.components:
        names = [
            unit.name
            for unit in units
            if (unit.pk, component.code) not in covered and (unit.pk, component.code) not in stored
        ]
        if names:
            warnings.append(_missing_warning(names, component if several else None))
    return warnings


@sheet_import  # large sheets run as a background job (common.import_jobs)
def manual_sheet_import(
    *, actor, scheme: Scheme, period: str, data: bytes, filename: str = "", dry_run: bool = False
) -> ManualImportResult:
    """Check the sheet and, without errors and unless a dry run, write its scores."""
    require_office(actor)
    span = services.period_of(scheme, period)
    result = ManualImportResult(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    try:
        book = ExcelBook.open(data, filename)
        with transaction.atomic():
            sheet = ManualSheet(book, scheme)
            result.rows, result.errors = sheet.row_count, sheet.errors
            if result.errors:
                return result
            result.plan = manual_plan(scheme, span.code, sheet.cells, sheet.row_numbers)
            result.warnings = _warnings(sheet, scheme, span.code)
            if dry_run or not result.plan.has_changes:
                return result
            source = {"filename": filename, "sha256": result.sha256, "rows": result.rows}
            manual_scores_write(
                actor=actor, scheme=scheme, period=span.code, plan=result.plan, source=source
            )
            result.written = True
    except ExcelFileError as exc:
        result.errors = [ExcelError(exc.message)]
    return result


# ---- export and template -------------------------------------------------------------------


def _rows(scheme: Scheme, period: str | None):
    units = list(category_units(scheme).values_list("id", "code", "name"))
    stored = existing_scores(scheme, period, [pk for pk, _c, _n in units]) if period else {}
    for pk, code, name in units:
        for component in manual_components(scheme):
            yield [code, name, component.name, component.points, stored.get((pk, component.code))]


def _notes(book, scheme: Scheme) -> None:
    sheet = book.create_sheet(_("填写说明"))
    points = "、".join(f"{c.name}（满分 {plain(c.points)}）" for c in manual_components(scheme))
    lines = (
        _("评议打分表：%(name)s") % {"name": scheme.name},
        _("“单位”填写单位编码、唯一的单位名称或简称，或“上级单位/本单位”这样的路径。"),
        _("“组成项”填写评议打分项的名称或编码：%(points)s。") % {"points": points},
        _("“得分”填写 0 至满分之间的数，最多两位小数；留空的行不导入。"),
        _("“单位名称”和“满分”两列仅供参考，导入时不读取。"),
    )
    for row, line in enumerate(lines, start=1):
        write_cell(sheet, row, 1, line)
    sheet.column_dimensions["A"].width = 90


def _workbook(scheme: Scheme, period: str | None) -> bytes:
    book = new_workbook()
    sheet = book.create_sheet(_("评议打分"))
    write_table(
        sheet,
        HEADERS,
        _rows(scheme, period),
        text_columns=[UNIT],
        number_formats={POINTS: SCORE_FORMAT, SCORE: SCORE_FORMAT},
    )
    _notes(book, scheme)
    return workbook_bytes(book)


def manual_sheet_export(scheme: Scheme, period: str) -> bytes:
    """Every unit of the category and manual component with its score (empty when none)."""
    return _workbook(scheme, services.period_of(scheme, period).code)


def manual_sheet_template(scheme: Scheme) -> bytes:
    """The same layout with every unit and component and no scores."""
    return _workbook(scheme, None)


def export_filename(scheme: Scheme, period: str | None = None) -> str:
    if period:
        return f"{scheme.name}-{period}-评议打分.xlsx"
    return f"{scheme.name}-评议打分模板.xlsx"
