"""Importing the report-values sheet (进展数据导入表, DESIGN.md 3.6): 编号, 单位, 期间, 数值, 说明.

Each row becomes a submitted report by the importing user (the system for the command line)
for one assignment and data period. Reports are never overwritten: when the period already has
a report, the row makes the next revision and `is_current` moves to it — whatever the old one's
state (an accepted report stays on record under the new one). A row that repeats the current
submitted report exactly changes nothing, so re-importing a file is harmless; an accepted report
always gets a new revision, since the contract says so for accepted reports.

All or nothing, like every import: every error is reported and nothing is written.
"""

import hashlib
import importlib.util
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Forbidden, ValidationFailed
from ganchao.common.excel import ExcelBook, ExcelError, ExcelFileError, Row
from ganchao.common.import_jobs import sheet_import
from ganchao.common.workdays import current_calendar
from ganchao.goals import goal_sheet as gs
from ganchao.goals import report_messages
from ganchao.goals.choices import Frequency, ItemType, ReportState, Role
from ganchao.goals.imports import owner_of
from ganchao.goals.models import Assignment, Item, Plan, ProgressReport
from ganchao.goals.periods import Period, due_date, parse_period
from ganchao.goals.service_base import negative_count_error
from ganchao.goals.sheet_rows import read_code, read_decimal, read_text
from ganchao.orgs.choices import Role as OrgRole
from ganchao.orgs.models import Unit
from ganchao.orgs.references import UnitResolver, Unresolved, load_unit_nodes
from ganchao.orgs.scoping import scope_of

register("report.import", _("导入进展数据"))
register_object_type("reportsheet", _("进展数据导入表"))

MAX_NARRATIVE = 5000


@dataclass
class ReportRow:
    number: int
    assignment: dict
    period: Period
    value: object
    narrative: str


@dataclass
class ReportImportResult:
    filename: str = ""
    sha256: str = ""
    rows: int = 0
    errors: list[ExcelError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    unchanged: int = 0
    plan_id: int | None = None
    written: bool = False
    assignment_ids: list[int] = field(default_factory=list)

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


def may_import_reports(actor, plan: Plan) -> bool:
    """The office, or a user of a unit that is the data source of some item of the plan."""
    if actor is None:
        return True
    scope = scope_of(actor)
    if scope.has(OrgRole.OFFICE):
        return True
    if scope.anonymous or scope.is_auditor_only or not scope.own_paths:
        return False
    sources = Item.objects.filter(plan=plan, data_source_unit__isnull=False)
    paths = sources.values_list("data_source_unit__path", flat=True).distinct()
    return any(path.startswith(own) for path in paths for own in scope.own_paths)


class ReportSheet:
    """Reads and checks the rows against the plan, writing nothing."""

    def __init__(self, book: ExcelBook, plan: Plan, actor):
        self.plan, self.actor = plan, actor
        self.scope = scope_of(actor) if actor is not None else None
        self.table = book.find_table(gs.REPORT_KEYS)
        if self.table is None:
            raise ExcelFileError(_("找不到进展数据表：表格前五行中应有“编号”和“期间”两列表头"))
        nodes = load_unit_nodes()
        self.units = nodes
        self.resolver = UnitResolver(nodes.values())
        self.paths = dict(Unit.objects.values_list("id", "path"))
        self.items = {row["code"]: row for row in Item.objects.filter(plan=plan).values(
            "id", "code", "type", "frequency", "data_source_unit_id", "name", "measure_unit")}  # fmt: skip
        self.assignments: dict[int, dict[int, dict]] = {}
        for row in Assignment.objects.filter(item__plan=plan).values(
            "id", "item_id", "unit_id", "role"
        ):
            self.assignments.setdefault(row["item_id"], {})[row["unit_id"]] = row
        self.rows: list[ReportRow] = []
        seen: dict[tuple[int, str], int] = {}
        cells = self.table.rows()
        self.row_count = len(cells)
        if not cells:
            raise ExcelFileError(_("表中没有数据，请在表头下方逐行填写"))
        for row in cells:
            parsed = self._parse(row)
            if parsed is None:
                continue
            key = (parsed.assignment["id"], parsed.period.code)
            if key in seen:
                row.fail(gs.PERIOD, _("与第%(row)d行是同一单位同一期间") % {"row": seen[key]})
                continue
            seen[key] = row.number
            self.rows.append(parsed)

    @property
    def errors(self) -> list[ExcelError]:
        return sorted(self.table.errors, key=ExcelError.sort_key)

    def _parse(self, row: Row) -> ReportRow | None:
        code = read_code(row)
        value = read_decimal(row, gs.VALUE) if self.table.has(gs.VALUE) else None
        narrative = (
            read_text(row, gs.EXPLANATION, MAX_NARRATIVE) if self.table.has(gs.EXPLANATION) else ""
        )
        item = self.items.get(code) if code else None
        if code and item is None:
            row.fail(
                gs.CODE,
                _("编号“%(code)s”不在%(year)d年计划中") % {"code": code, "year": self.plan.year},
            )
        if item is None:
            return None
        assignment = self._assignment(row, item)
        period = self._period(row, item)
        if assignment is None or period is None:
            return None
        if not self._permitted(item, assignment):
            row.fail(
                gs.UNIT,
                _("您无权报送该单位在本事项上的数据（只有督查室、数据来源单位或本单位可以报送）"),
            )
            return None
        needs_value = item["type"] == ItemType.INDICATOR and assignment["role"] != Role.COOPERATING
        if needs_value and value is None and not row.failed(gs.VALUE):
            row.fail(gs.VALUE, _("请填写数值"))
        elif not needs_value and value is not None:
            row.fail(gs.VALUE, _("任务和配合单位只报送进展说明，不填数值"))
        elif refused := negative_count_error(value, item["name"], item["measure_unit"]):
            row.fail(gs.VALUE, refused)
        elif not needs_value and not narrative:
            row.fail(gs.EXPLANATION, _("请填写进展说明"))
        if row.failed():
            return None
        return ReportRow(row.number, assignment, period, value, narrative)

    def _assignment(self, row: Row, item: dict) -> dict | None:
        by_unit = self.assignments.get(item["id"], {})
        reference = row.text(gs.UNIT) if self.table.has(gs.UNIT) else ""
        if not reference:
            leads = [a for a in by_unit.values() if a["role"] == Role.LEAD]
            if not leads:
                row.fail(
                    gs.UNIT, _("编号 %(code)s 没有牵头单位，请填写单位") % {"code": item["code"]}
                )
                return None
            return leads[0]
        try:
            node = self.resolver.resolve(reference)
        except Unresolved as exc:
            row.fail(gs.UNIT, exc.message)
            return None
        assignment = by_unit.get(node.pk)
        if assignment is None:
            row.fail(
                gs.UNIT,
                _("“%(unit)s”不承担编号 %(code)s") % {"unit": node.name, "code": item["code"]},
            )
        return assignment

    def _period(self, row: Row, item: dict) -> Period | None:
        raw = row.value(gs.PERIOD)
        if isinstance(raw, datetime | date):
            period = Period(raw.year, raw.month, False)
        else:
            period = parse_period(row.text(gs.PERIOD))
        if period is None:
            row.fail(gs.PERIOD, _("期间应写作 2026-04（月度）或 2026-Q2（季度）"))
            return None
        if period.year != self.plan.year:
            row.fail(gs.PERIOD, _("期间不在%(year)d年内") % {"year": self.plan.year})
            return None
        if period.frequency != item["frequency"]:
            if item["frequency"] == Frequency.QUARTERLY:
                message = _("编号 %(code)s 按季度报送，期间应写作 %(year)d-Q1 这样的季度")
            else:
                message = _("编号 %(code)s 按月度报送，期间应写作 %(year)d-04 这样的月份")
            row.fail(gs.PERIOD, message % {"code": item["code"], "year": self.plan.year})
            return None
        if period.start > timezone.localdate():
            row.fail(gs.PERIOD, _("期间 %(period)s 还没有开始") % {"period": period.code})
            return None
        return period

    def _permitted(self, item: dict, assignment: dict) -> bool:
        if self.scope is None or self.scope.has(OrgRole.OFFICE):
            return True
        units = [assignment["unit_id"]]
        if item["data_source_unit_id"]:
            units.append(item["data_source_unit_id"])
        return any(
            self.paths[unit].startswith(own) for unit in units for own in self.scope.own_paths
        )


def _compare(
    sheet: ReportSheet, result: ReportImportResult
) -> list[tuple[ReportRow, dict | None, int]]:
    """Each row with the current report of its period (or None) and the next revision number."""
    ids = {row.assignment["id"] for row in sheet.rows}
    periods = {row.period.code for row in sheet.rows}
    existing: dict[tuple[int, str], list[dict]] = {}
    reports = ProgressReport.objects.filter(assignment_id__in=ids, period__in=periods)
    for report in reports.values(
        "id", "assignment_id", "period", "revision", "is_current", "state", "value", "narrative"
    ):
        existing.setdefault((report["assignment_id"], report["period"]), []).append(report)
    plan_rows = []
    for row in sheet.rows:
        versions = existing.get((row.assignment["id"], row.period.code), [])
        current = next((v for v in versions if v["is_current"]), None)
        next_revision = max((v["revision"] for v in versions), default=0) + 1
        entry = {"row": row.number, "period": row.period.code, "unit": sheet.units[row.assignment["unit_id"]].name,
                 "code": next(c for c, i in sheet.items.items() if i["id"] == row.assignment["item_id"]),
                 "value": row.value, "revision": next_revision}  # fmt: skip
        if current is not None and _same(current, row):
            result.unchanged += 1
            continue
        (result.updated if versions else result.created).append(entry)
        plan_rows.append((row, current, next_revision))
    return plan_rows


def _same(current: dict, row: ReportRow) -> bool:
    if current["state"] != ReportState.SUBMITTED:
        return False
    value = current["value"]
    same_value = (value is None and row.value is None) or (
        value is not None and row.value is not None and value == row.value
    )
    return same_value and (current["narrative"] or "") == row.narrative


def _write(*, actor, plan: Plan, plan_rows, result: ReportImportResult) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    cal = current_calendar()
    superseded = [current["id"] for _row, current, _rev in plan_rows if current is not None]
    for start in range(0, len(superseded), 500):
        ProgressReport.objects.filter(id__in=superseded[start : start + 500]).update(
            is_current=False, updated_at=now
        )
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(
                assignment_id=row.assignment["id"],
                period=row.period.code,
                period_end=row.period.end,
                revision=revision,
                is_current=True,
                state=ReportState.SUBMITTED,
                value=row.value,
                narrative=row.narrative,
                late=today > due_date(row.period, cal, plan.report_due_working_days),
                submitted_at=now,
                submitted_by=actor,
            )
            for row, _current, revision in plan_rows
        ],
        batch_size=500,
    )
    audit_record(
        actor=actor,
        action="report.import",
        target=Target("reportsheet", result.sha256, result.filename or _("进展数据导入表")),
        changes={
            "file": {"before": None, "after": {"name": result.filename, "sha256": result.sha256, "rows": result.rows}},
            "plan": {"before": None, "after": {"id": plan.pk, "year": plan.year}},
            "summary": {"before": None, "after": {"created": len(result.created), "updated": len(result.updated), "unchanged": result.unchanged}},
            "reports": {"before": None, "after": [
                {"code": e["code"], "unit": e["unit"], "period": e["period"], "revision": e["revision"],
                 "value": e["value"]} for e in result.created + result.updated]},
        },
    )  # fmt: skip


def recompute_after_import(assignment_ids: list[int]) -> None:
    """Refresh the computed status of the assignments the import reported for."""
    if not assignment_ids or importlib.util.find_spec("ganchao.goals.status") is None:
        return
    from ganchao.goals import status

    recompute = getattr(status, "recompute_assignments", None)
    if recompute is not None:
        recompute(assignment_ids)


def find_plan(year: int, owner_code: str | None = None) -> Plan:
    owner = owner_of(owner_code)
    plan = Plan.objects.filter(owner=owner, year=year).first()
    if plan is None:
        raise ValidationFailed.on(
            "plan", _("%(owner)s没有%(year)d年的计划") % {"owner": owner.name, "year": year}
        )
    return plan


@sheet_import  # large sheets run as a background job (common.import_jobs)
def report_sheet_import(
    *, actor, data: bytes, plan: Plan, filename: str = "", dry_run: bool = False
) -> ReportImportResult:
    """Check the report-values sheet and, without errors and unless a dry run, write it."""
    if not may_import_reports(actor, plan):
        raise Forbidden(_("只有督查室或数据来源单位可以导入进展数据"))
    result = ReportImportResult(
        filename=filename, sha256=hashlib.sha256(data).hexdigest(), plan_id=plan.pk
    )
    try:
        book = ExcelBook.open(data, filename)
        with transaction.atomic():
            sheet = ReportSheet(book, plan, actor)
            result.rows = sheet.row_count
            result.errors = sheet.errors
            if result.errors:
                return result
            plan_rows = _compare(sheet, result)
            if dry_run or not plan_rows:
                return result
            _write(actor=actor, plan=plan, plan_rows=plan_rows, result=result)
            result.written = True
            result.assignment_ids = sorted({row.assignment["id"] for row, _c, _r in plan_rows})
            report_messages.tell_office_imported(
                actor=actor,
                plan=plan,
                count=len(plan_rows),
                unit_ids={row.assignment["unit_id"] for row, _c, _r in plan_rows},
                at=timezone.now(),
            )
    except ExcelFileError as exc:
        result.errors = [ExcelError(exc.message)]
        return result
    recompute_after_import(result.assignment_ids)
    return result
