"""API of 盯着干 (DESIGN.md 3.7): /plans, /plans/{id}/tree, /items/{id}, /assignments/{id},
/assignments/{id}/reports, /reports/{id} and its verbs, /adjustments and its verbs, /statuses.

Reads go through the scoped selectors ("missing" and "not yours" are the same 404); every verb
is its own POST endpoint calling one workflow service.
"""

import datetime as dt
import json

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ganchao.common import workdays
from ganchao.common.api import Page, PageRows, local_iso, require_version, serialised_page
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.common.prepared import Prepared, PreparedPage
from ganchao.goals import selectors, services_adjustments, services_reports, tree_selectors
from ganchao.goals.api_schemas import (
    AdjustmentIn,
    AdjustmentOut,
    AssignmentOut,
    ItemOut,
    PlanOut,
    ReasonIn,
    ReportOut,
    StatusRowOut,
    TreeNodeOut,
    VersionIn,
)
from ganchao.goals.choices import ItemType, Status
from ganchao.goals.models import (
    Assignment,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    TargetAdjustment,
)
from ganchao.goals.periods import parse_period
from ganchao.goals.tree import decimal_string
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import KeyIn, scope_of

router = Router(tags=["盯着干：目标任务"])


def _null_status(value: str) -> str | None:
    return value or None


# ---------------------------------------------------------------------------- plans and tree


def plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "year": plan.year,
        "owner_code": plan.owner.code,
        "state": plan.state,
        "name": str(plan),
        "issued_at": plan.issued_at,
        "last_status_at": plan.last_status_at,
        "version": plan.version,
    }


@router.get("/plans", response=list[PlanOut], summary="年度计划列表")
@paginate(Page)
def plans(request, year: int | None = None):
    rows = selectors.plans_visible(request.user)
    if year is not None:
        rows = rows.filter(year=year)
    return PageRows(rows, plan_out)


@router.get("/plans/{plan_id}/tree", response=list[TreeNodeOut], summary="计划的目标树")
def plan_tree(request, plan_id: int):
    plan = selectors.plan_get(request.user, plan_id)
    return tree_selectors.tree_nodes(actor=request.user, plan=plan)


# ---------------------------------------------------------------------------- items


def _provisional(plan: Plan) -> bool:
    """Deadlines of a plan year rest on that year's calendar and, for the last period, the
    next year's."""
    return any(workdays.is_provisional_year(y) for y in (plan.year, plan.year + 1))


@router.get("/items/{item_id}", response=ItemOut, summary="目标任务详情（含分解到单位）")
def item_detail(request, item_id: int):
    item = selectors.item_get(request.user, item_id)
    nodes = tree_selectors.tree_nodes(actor=request.user, plan=item.plan)
    node = tree_selectors.subtree_of(nodes, item.pk) or {"children": []}
    condition = selectors.visible_assignments_q(request.user)
    assignments = item.assignments.select_related("unit").order_by("role", "unit__path")
    if condition is not None:
        assignments = assignments.filter(condition)
    is_goal = item.type == ItemType.GOAL
    return {
        "id": item.pk,
        "code": item.code,
        "name": item.name,
        "type": item.type,
        "status": None if is_goal else _null_status(item.status),
        "expected": None if is_goal else item.expected,
        "actual": None if is_goal else item.actual,
        "children": node["children"],
        "plan_id": item.plan_id,
        "parent_id": item.parent_id,
        "category": item.category,
        "measure_unit": item.measure_unit,
        "decimal_places": item.decimal_places,
        "display_places": item.display_places,
        "target": item.target,
        "stretch_target": item.stretch_target,
        "direction": item.direction,
        "nature": item.nature,
        "frequency": item.frequency,
        "weight": item.weight,
        "deadline": item.deadline,
        "leaders": [leader.name for leader in item.leaders.order_by("sort_order", "pk")],
        "milestones": list(item.milestones.values("id", "position", "due_date", "description")),
        "on_track_ratio": item.on_track_ratio,
        "assignments": [_item_assignment(a) for a in assignments],
        "calendar_provisional": _provisional(item.plan),
    }


def _item_assignment(assignment: Assignment) -> dict:
    return {
        "id": assignment.pk,
        "unit_code": assignment.unit.code,
        "unit": assignment.unit.name,
        "role": assignment.role,
        "status": _null_status(assignment.status),
        "expected": assignment.expected,
        "actual": assignment.actual,
        "red_since": assignment.red_since,
        "target": assignment.target,
        "stale": assignment.stale,
    }


# ---------------------------------------------------------------------------- assignments


@router.get("/assignments/{assignment_id}", response=AssignmentOut, summary="任务分解详情")
def assignment_detail(request, assignment_id: int):
    a = selectors.assignment_get(request.user, assignment_id)
    return _item_assignment(a) | {
        "item_id": a.item_id,
        "item_code": a.item.code,
        "item_name": a.item.name,
        "plan_id": a.item.plan_id,
        "status_period": a.status_period,
        "q1": a.q1,
        "q2": a.q2,
        "q3": a.q3,
        "q4": a.q4,
        "version": a.version,
    }


def report_out(report: ProgressReport, assignment=None) -> dict:
    """`assignment`: the report's, already loaded with its item and plan (a list of one
    assignment's reports need not join them on every row)."""
    if assignment is not None:
        report.assignment = assignment
    period = parse_period(report.period)
    due, provisional = None, False
    if period is not None:
        answer = workdays.add_working_days_info(
            period.end, report.assignment.item.plan.report_due_working_days
        )
        due, provisional = answer.value, answer.provisional
    return {
        "id": report.pk,
        "assignment_id": report.assignment_id,
        "period": report.period,
        "period_end": report.period_end,
        "revision": report.revision,
        "is_current": report.is_current,
        "state": report.state,
        "value": decimal_string(report.value),
        "narrative": report.narrative,
        "late": report.late,
        "submitted_at": report.submitted_at,
        "reviewed_at": report.reviewed_at,
        "return_reason": report.return_reason,
        "due_date": due,
        "calendar_provisional": provisional,
        "version": report.version,
        "evidence": [
            {
                "id": e.pk,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "uploaded_at": e.uploaded_at,
            }
            for e in report.evidence.all()
        ],
    }


@router.get(
    "/assignments/{assignment_id}/reports", response=list[ReportOut], summary="进展报送列表"
)
@serialised_page
@paginate(Page)
def assignment_reports(request, assignment_id: int):
    # Read through the actor's scope: 404 for an assignment they may not read.
    assignment = selectors.assignment_get(request.user, assignment_id)

    def build(assignment_id):
        reports = selectors.reports_for_assignment(
            request.user, assignment, with_people=False, assignment_id=assignment_id
        )
        # The page's evidence comes in one statement of its own (_evidence_rows).
        return reports.prefetch_related(None).values(*REPORT_COLUMNS)

    # Compiled once per process (common.prepared): the same statements for every assignment.
    return _ReportsPage(
        _REPORTS_COUNT,
        _REPORTS_PAGE,
        ("assignment_reports",),
        build=build,
        values={"assignment_id": assignment.pk},
        to_row=_ReportRows(assignment.item.plan.report_due_working_days),
    )


_REPORTS_COUNT = Prepared(ProgressReport, None, assignment_id=int)
_REPORTS_PAGE = Prepared(ProgressReport, None, assignment_id=int)
REPORT_COLUMNS = (
    "id", "assignment_id", "period", "period_end", "revision", "is_current", "state", "value",
    "narrative", "late", "submitted_at", "reviewed_at", "return_reason", "version",
)  # fmt: skip


class _ReportsPage(PreparedPage):
    """The page of an assignment's reports as ReportOut dumps them, with their evidence."""

    def __getitem__(self, page: slice) -> list:
        rows = self.pager.fetch(
            (*self.key, page.start, page.stop),
            build=lambda **values: self.build(**values)[page],
            **self.values,
        )
        evidence = _evidence_rows([row["id"] for row in rows])
        return [self.to_row(row, evidence.get(row["id"], [])) for row in rows]


class _ReportRows:
    """report_out for the rows of a list: the same fields in ReportOut's order, already as they
    are written (decimals as text, local datetimes), the due date worked out once per period."""

    def __init__(self, due_working_days: int):
        self.due_working_days = due_working_days
        self.due: dict[str, tuple] = {}

    def due_of(self, period_code: str) -> tuple:
        found = self.due.get(period_code)
        if found is None:
            period = parse_period(period_code)
            found = (None, False)
            if period is not None:
                answer = workdays.add_working_days_info(period.end, self.due_working_days)
                found = (answer.value.isoformat(), answer.provisional)
            self.due[period_code] = found
        return found

    def __call__(self, r: dict, evidence: list) -> dict:
        due, provisional = self.due_of(r["period"])
        return {
            "id": r["id"],
            "assignment_id": r["assignment_id"],
            "period": r["period"],
            "period_end": r["period_end"].isoformat(),
            "revision": r["revision"],
            "is_current": r["is_current"],
            "state": r["state"],
            "value": decimal_string(r["value"]),
            "narrative": r["narrative"],
            "late": r["late"],
            "submitted_at": local_iso(r["submitted_at"]),
            "reviewed_at": local_iso(r["reviewed_at"]),
            "return_reason": r["return_reason"],
            "due_date": due,
            "calendar_provisional": provisional,
            "version": r["version"],
            "evidence": evidence,
        }


# One statement per number of reports on a page (IN with that many values), compiled once.
_EVIDENCE_BY_COUNT: dict[int, Prepared] = {}


def _evidence_rows(report_ids: list[int]) -> dict[int, list[dict]]:
    """EvidenceOut of each report, oldest first (as the report's own evidence list)."""
    if not report_ids:
        return {}
    names = [f"r{n}" for n in range(len(report_ids))]
    prepared = _EVIDENCE_BY_COUNT.get(len(names))
    if prepared is None:
        prepared = _EVIDENCE_BY_COUNT.setdefault(
            len(names),
            Prepared(
                Evidence,
                lambda **ids: (
                    Evidence.objects.filter(report_id__in=[ids[n] for n in names])
                    .order_by("pk")
                    .values_list(
                        "report_id",
                        "id",
                        "original_name",
                        "content_type",
                        "size",
                        "sha256",
                        "uploaded_at",
                    )
                ),
                **dict.fromkeys(names, int),
            ),
        )
    found: dict[int, list[dict]] = {}
    for report_id, pk, name, content_type, size, sha256, uploaded_at in prepared.fetch(
        **dict(zip(names, report_ids, strict=True))
    ):
        found.setdefault(report_id, []).append(
            {
                "id": pk,
                "name": name,
                "content_type": content_type,
                "size": size,
                "sha256": sha256,
                "uploaded_at": local_iso(uploaded_at),
            }
        )
    return found


def parse_completions(text: str | None) -> dict:
    """Milestone completions sent in a multipart form: a JSON object {"milestone id":
    "YYYY-MM-DD"}; anything else is an error naming the field."""
    if not text:
        return {}
    try:
        raw = json.loads(text)
        return {int(k): dt.date.fromisoformat(v) for k, v in raw.items()}
    except (ValueError, TypeError, AttributeError):
        raise ValidationFailed.on(
            "completions", _('节点完成情况须为 {"节点编号": "YYYY-MM-DD"} 格式')
        ) from None


@router.post(
    "/assignments/{assignment_id}/reports",
    response={201: ReportOut},
    summary="新建或修改进展报送（multipart，可附佐证材料；submit=true 时一并报送）",
)
def assignment_report_create(
    request,
    assignment_id: int,
    period: Form[str],
    value: Form[str | None] = None,
    narrative: Form[str] = "",
    submit: Form[bool] = False,
    expected_version: Form[int | None] = None,
    completions: Form[str | None] = None,
    files: File[list[UploadedFile]] = None,
):
    """A task's milestone completions go in `completions` as {"milestone id": "YYYY-MM-DD"}."""
    assignment = selectors.assignment_get(request.user, assignment_id)
    current = _current_report(assignment, period)
    if current is not None:  # changing a saved draft names its version; a new one needs none
        expected_version = require_version(request, expected_version, current)
    with transaction.atomic():
        report = services_reports.report_save_draft(
            actor=request.user,
            assignment=assignment,
            period=period,
            value=value if value not in (None, "") else None,
            narrative=narrative,
            completions=parse_completions(completions),
            expected_version=expected_version,
        )
        for upload in files or []:
            services_reports.evidence_add(actor=request.user, report=report, upload=upload)
        if submit:
            report = services_reports.report_submit(actor=request.user, report=report)
    return Reply(201, report_out(selectors.report_get(request.user, report.pk)))


@router.get("/reports/{report_id}", response=ReportOut, summary="进展报送详情")
def report_detail(request, report_id: int):
    return report_out(selectors.report_get(request.user, report_id))


def _current_report(assignment, period: str):
    parsed = parse_period(period)
    if parsed is None:
        return None  # the service names what is wrong with the period
    return ProgressReport.objects.filter(
        assignment=assignment, period=parsed.code, is_current=True
    ).first()


def _report_verb(request, report_id: int, service, *, expected_version, **kwargs) -> dict:
    report = selectors.report_get(request.user, report_id)
    version = require_version(request, expected_version, report)
    service(actor=request.user, report=report, expected_version=version, **kwargs)
    return report_out(selectors.report_get(request.user, report_id))


@router.post("/reports/{report_id}/submit", response=ReportOut, summary="报送")
def report_submit(request, report_id: int, payload: VersionIn = None):
    version = payload.expected_version if payload else None
    return _report_verb(
        request, report_id, services_reports.report_submit, expected_version=version
    )


@router.post("/reports/{report_id}/accept", response=ReportOut, summary="审核通过（督查室）")
def report_accept(request, report_id: int, payload: VersionIn = None):
    version = payload.expected_version if payload else None
    return _report_verb(
        request, report_id, services_reports.report_accept, expected_version=version
    )


@router.post("/reports/{report_id}/return", response=ReportOut, summary="退回（督查室，须写原因）")
def report_return(request, report_id: int, payload: ReasonIn):
    return _report_verb(
        request,
        report_id,
        services_reports.report_return,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


# ---------------------------------------------------------------------------- adjustments


def adjustment_out(a: TargetAdjustment) -> dict:
    return {
        "id": a.pk,
        "item_id": a.item_id,
        "item_code": a.item.code,
        "assignment_id": a.assignment_id,
        "unit_code": a.assignment.unit.code if a.assignment_id else None,
        "milestone_id": a.milestone_id,
        "field": a.field,
        "old_value": a.old_value,
        "new_value": a.new_value,
        "reason": a.reason,
        "state": a.state,
        "requested_by": a.requested_by.username,
        "requested_at": a.created_at,
        "decided_by": a.decided_by.username if a.decided_by_id else None,
        "decided_at": a.decided_at,
        "decision_reason": a.decision_reason,
        "version": a.version,
    }


def _adjustments_visible(actor):
    rows = TargetAdjustment.objects.select_related(
        "item", "assignment__unit", "requested_by", "decided_by"
    )
    condition = selectors.visible_assignments_q(actor)
    if condition is None:
        return rows
    visible = Assignment.objects.filter(condition)
    item_visible = Exists(visible.filter(item_id=OuterRef("item_id")))
    return rows.filter(Q(assignment__in=visible) | (Q(assignment__isnull=True) & Q(item_visible)))


@router.get("/adjustments", response=list[AdjustmentOut], summary="目标调整列表")
@paginate(Page)
def adjustments(request, state: str = "", plan: int | None = None, item: int | None = None):
    rows = _adjustments_visible(request.user).order_by("-created_at", "-pk")
    if state:
        rows = rows.filter(state=state)
    if plan is not None:
        rows = rows.filter(item__plan_id=plan)
    if item is not None:
        rows = rows.filter(item_id=item)
    return PageRows(rows, adjustment_out)


@router.post("/adjustments", response={201: AdjustmentOut}, summary="申请目标调整")
def adjustment_request(request, payload: AdjustmentIn):
    item = selectors.item_get(request.user, payload.item_id)
    assignment = None
    if payload.assignment_id is not None:
        assignment = selectors.assignment_get(request.user, payload.assignment_id)
    milestone = None
    if payload.milestone_id is not None:
        milestone = Milestone.objects.filter(pk=payload.milestone_id, item=item).first()
        if milestone is None:
            raise ValidationFailed.on("milestone_id", _("该节点不属于这个目标任务"))
    adjustment = services_adjustments.adjustment_request(
        actor=request.user,
        item=item,
        field=payload.field,
        new_value=payload.new_value,
        reason=payload.reason,
        assignment=assignment,
        milestone=milestone,
    )
    return Reply(201, adjustment_out(selectors.adjustment_get(request.user, adjustment.pk)))


def _adjustment_verb(request, adjustment_id: int, service, payload: ReasonIn | None) -> dict:
    adjustment = selectors.adjustment_get(request.user, adjustment_id)
    service(
        actor=request.user,
        adjustment=adjustment,
        reason=payload.reason if payload else "",
        expected_version=require_version(
            request, payload.expected_version if payload else None, adjustment
        ),
    )
    return adjustment_out(selectors.adjustment_get(request.user, adjustment_id))


@router.post("/adjustments/{adjustment_id}/approve", response=AdjustmentOut, summary="批准调整")
def adjustment_approve(request, adjustment_id: int, payload: ReasonIn = None):
    return _adjustment_verb(
        request, adjustment_id, services_adjustments.adjustment_approve, payload
    )


@router.post(
    "/adjustments/{adjustment_id}/reject", response=AdjustmentOut, summary="不予批准（须写理由）"
)
def adjustment_reject(request, adjustment_id: int, payload: ReasonIn):
    return _adjustment_verb(request, adjustment_id, services_adjustments.adjustment_reject, payload)


# ---------------------------------------------------------------------------- statuses


def status_row(a: dict) -> dict:
    """A row of /statuses as StatusRowOut writes it (serialised_page)."""
    red_since = a["red_since"]
    return {
        "id": a["id"],
        "item_id": a["item_id"],
        "item_code": a["item__code"],
        "item_name": a["item__name"],
        "unit_code": a["unit__code"],
        "unit": a["unit__name"],
        "role": a["role"],
        "status": _null_status(a["status"]),
        "expected": decimal_string(a["expected"]),
        "actual": decimal_string(a["actual"]),
        "red_since": red_since.isoformat() if red_since is not None else None,
        "stale": a["stale"],
        "status_period": a["status_period"],
    }


# Compiled once per process, actor's scope and filter shape (common.prepared): the list's count
# and page cost more to build and compile with the ORM than to run.
_UNIT_PATH = Prepared(
    Unit, lambda code: Unit.objects.filter(code=code).values_list("path", flat=True)[:1], code=str
)
_STATUS_KINDS = {"plan_id": int, "path": str, "status_": str}
_STATUS_COUNT = Prepared(Assignment, None, **_STATUS_KINDS)
_STATUS_PAGE = Prepared(Assignment, None, **_STATUS_KINDS)
STATUS_ORDER = ("red_since", "item__plan_id", "item__sort_key", "unit__path")


def _status_rows(actor, *, plan: bool, unit: bool, status: bool):
    """The builder of the statuses list's rows for one filter shape (the values come in); the
    actor's scope is read only when a statement is compiled."""

    def build(plan_id, path, status_):
        rows = Assignment.objects.all()
        condition = selectors.visible_assignments_q(actor)
        if condition is not None:
            rows = rows.filter(condition)
        if plan:
            rows = rows.filter(item__plan_id=plan_id)
        if unit:
            # Looked up once (an array the assignments' unit index takes), not a semi-join whose
            # plan turns on how ANALYZE sampled the tables.
            rows = rows.filter(
                KeyIn("unit", Unit.objects.filter(path__startswith=path).values("pk"))
            )
        if status:
            rows = rows.filter(status=status_)
        return rows

    return build


@router.get("/statuses", response=list[StatusRowOut], summary="任务分解的红黄绿灯状态")
@serialised_page
@paginate(Page)
def statuses(request, plan: int | None = None, unit: str = "", status: str = ""):
    """Assignments in scope, worst first; `unit` is a unit code (its subtree is included)."""
    actor = request.user
    values = {"plan_id": 0, "path": "", "status_": ""}
    if plan is not None:
        values["plan_id"] = selectors.plan_get(actor, plan).pk
    if unit:
        found = _UNIT_PATH.fetch(code=unit)
        if not found:
            raise NotFound(_("找不到编码为“%(code)s”的单位") % {"code": unit})
        values["path"] = found[0]
    if status:
        if status not in Status.values:
            raise ValidationFailed.on(
                "status",
                _("状态“%(status)s”无效，可选：%(choices)s")
                % {"status": status, "choices": "、".join(Status.values)},
            )
        values["status_"] = status
        # One status is one rank: the rows come in (status, red_since) index order.
        order = STATUS_ORDER
    else:
        order = (tree_selectors.status_rank(), *STATUS_ORDER)
    # The SQL depends on the actor's scope (and leader, for the items they are named on) and on
    # which filters are given; the values of the filters are its parameters.
    shape = (plan is not None, bool(unit), bool(status))
    rows = _status_rows(actor, plan=shape[0], unit=shape[1], status=shape[2])
    columns = (*tree_selectors.ASSIGNMENT_ROW_FIELDS, "status_period")
    return PreparedPage(
        _STATUS_COUNT,
        _STATUS_PAGE,
        ("statuses", scope_of(actor), actor.leader_id, *shape),
        build=lambda **v: rows(**v).order_by(*order).values(*columns),
        counted=rows,
        values=values,
        to_row=status_row,
    )
