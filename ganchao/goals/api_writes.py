"""API twins of the office's plan-building pages (DESIGN.md 3.1, 3.7): plans (create, issue,
close), items, a task's milestones, assignments (分解到单位), report corrections and the two
Excel sheets. Each operation calls the service its page calls; the rules stay there.

The operations join the goals router (a path such as /plans has its GET there, and one path
must live in one router); config/api.py imports this module before mounting it.
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import File, Form, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from ganchao.common.api import NonBlankStr, SheetOut, require_version, sheet_answer
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.goals import selectors, services, services_reports
from ganchao.goals.api import assignment_detail, plan_out, report_out, router
from ganchao.goals.api_schemas import AssignmentOut, PlanOut, ReportOut, VersionIn
from ganchao.goals.choices import Role
from ganchao.goals.imports import goal_sheet_import
from ganchao.goals.models import Item, Plan
from ganchao.goals.report_imports import may_import_reports, report_sheet_import
from ganchao.orgs.models import Unit

Number = str | int | float | None


class PlanIn(Schema):
    year: int
    name: str = ""
    report_due_working_days: int = 5
    owner_code: str | None = None


class PlanCloseIn(Schema):
    expected_version: int | None = None
    reason: str = ""


class MilestoneIn(Schema):
    due_date: dt.date
    description: str


class ItemFields(Schema):
    name: str | None = None
    category: str | None = None
    measure_unit: str | None = None
    decimal_places: int | None = None  # null: by the unit of measure (goals.precision)
    direction: str | None = None
    nature: str | None = None
    frequency: str | None = None
    baseline: Number = None
    target: Number = None
    stretch_target: Number = None
    q1: Number = None
    q2: Number = None
    q3: Number = None
    q4: Number = None
    deadline: dt.date | None = None
    data_source_unit_code: str | None = None
    weight: Number = None
    note: str | None = None


class ItemCreateIn(ItemFields):
    code: str
    type: str
    name: str
    lead_unit_code: str | None = None
    milestones: list[MilestoneIn] = []


class ItemPatch(ItemFields):
    expected_version: int | None = None


class MilestonesIn(Schema):
    milestones: list[MilestoneIn]
    expected_version: int | None = None


class AssignmentFields(Schema):
    role: str | None = None
    target: Number = None
    q1: Number = None
    q2: Number = None
    q3: Number = None
    q4: Number = None
    weight: Number = None
    responsible_leader: str | None = None
    responsible_person: str | None = None
    contact: str | None = None
    contact_phone: str | None = None


class AssignmentIn(AssignmentFields):
    unit_code: str
    role: str = Role.RESPONSIBLE


class AssignmentPatch(AssignmentFields):
    expected_version: int | None = None


class CompletionIn(Schema):
    milestone_id: int
    completed_on: dt.date


class CorrectionIn(Schema):
    value: Number = None
    narrative: str = ""
    completions: list[CompletionIn] = []
    reason: NonBlankStr
    submit: bool = True
    expected_version: int | None = None


class ItemWriteOut(Schema):
    id: int
    plan_id: int
    code: str
    name: str
    type: str
    version: int


def _unit(code: str | None, field: str) -> Unit | None:
    """An active unit by its code; an unknown code is an error naming the field."""
    if code in (None, ""):
        return None
    unit = Unit.objects.filter(code=code.strip(), active=True).first()
    if unit is None:
        raise ValidationFailed.on(field, _("找不到编码为“%(code)s”的在用单位") % {"code": code})
    return unit


def _text(value):
    return value if value is None or isinstance(value, str) else str(value)


def _item_values(payload: ItemFields) -> dict:
    """The fields given, as the services take them (numbers as text, units as objects)."""
    given = payload.dict(exclude_unset=True)
    given.pop("expected_version", None)
    values = {k: _text(v) if k in NUMBERS else v for k, v in given.items() if k in ITEM_KEYS}
    if "data_source_unit_code" in given:
        values["data_source_unit"] = _unit(given["data_source_unit_code"], "data_source_unit_code")
    return values


NUMBERS = {"baseline", "target", "stretch_target", "q1", "q2", "q3", "q4", "weight"}
ITEM_KEYS = set(ItemFields.model_fields) - {"data_source_unit_code"}


def item_write_out(item: Item) -> dict:
    return {
        "id": item.pk,
        "plan_id": item.plan_id,
        "code": item.code,
        "name": item.name,
        "type": item.type,
        "version": item.version,
    }


# ---------------------------------------------------------------------------- plans


@router.post("/plans", response={201: PlanOut}, summary="新建年度计划（草稿，督查室）")
def plan_create(request, payload: PlanIn):
    owner = (
        _unit(payload.owner_code, "owner_code")
        if payload.owner_code
        else Unit.objects.filter(parent__isnull=True).first()
    )
    plan = services.plan_create(
        actor=request.user,
        owner=owner,
        year=payload.year,
        name=payload.name,
        report_due_working_days=payload.report_due_working_days,
    )
    return Reply(201, plan_out(plan))


@router.post("/plans/{plan_id}/issue", response=PlanOut, summary="下达计划（督查室）")
def plan_issue(request, plan_id: int, payload: VersionIn = None):
    plan = selectors.plan_get(request.user, plan_id)
    version = require_version(request, payload.expected_version if payload else None, plan)
    return plan_out(services.plan_issue(actor=request.user, plan=plan, expected_version=version))


@router.post("/plans/{plan_id}/close", response=PlanOut, summary="结束计划（督查室）")
def plan_close(request, plan_id: int, payload: PlanCloseIn = None):
    plan = selectors.plan_get(request.user, plan_id)
    payload = payload or PlanCloseIn()
    closed = services.plan_close(
        actor=request.user,
        plan=plan,
        expected_version=require_version(request, payload.expected_version, plan),
        reason=payload.reason,
    )
    return plan_out(closed)


# ---------------------------------------------------------------------------- items


@router.post(
    "/plans/{plan_id}/items",
    response={201: ItemWriteOut},
    summary="新增目标、指标或任务（可一并指定牵头单位，督查室）",
)
def item_create(request, plan_id: int, payload: ItemCreateIn):
    plan = selectors.plan_get(request.user, plan_id)
    lead = _unit(payload.lead_unit_code, "lead_unit_code")
    item = services.item_create(
        actor=request.user,
        plan=plan,
        code=payload.code,
        type=payload.type,
        milestones=[(m.due_date, m.description) for m in payload.milestones],
        lead_unit=lead,
        **_item_values(payload),
    )
    return Reply(201, item_write_out(item))


@router.patch("/items/{item_id}", response=ItemWriteOut, summary="修改目标任务（督查室）")
def item_edit(request, item_id: int, payload: ItemPatch):
    item = selectors.item_get(request.user, item_id)
    updated = services.item_update(
        actor=request.user,
        item=item,
        expected_version=require_version(request, payload.expected_version, item),
        **_item_values(payload),
    )
    return item_write_out(updated)


@router.put(
    "/items/{item_id}/milestones",
    response=ItemWriteOut,
    summary="任务的节点安排（按顺序整体替换；下达后节点时间须通过目标调整办理）",
)
def item_milestones(request, item_id: int, payload: MilestonesIn):
    item = selectors.item_get(request.user, item_id)
    updated = services.item_update(
        actor=request.user,
        item=item,
        expected_version=require_version(request, payload.expected_version, item),
        milestones=[(m.due_date, m.description) for m in payload.milestones],
    )
    return item_write_out(updated)


# ---------------------------------------------------------------------------- assignments


def _assignment_values(payload: AssignmentFields) -> dict:
    given = payload.dict(exclude_unset=True)
    given.pop("expected_version", None)
    given.pop("unit_code", None)
    return {k: _text(v) if k in NUMBERS else v for k, v in given.items()}


@router.post(
    "/items/{item_id}/assignments",
    response={201: AssignmentOut},
    summary="分解到单位（督查室）",
)
def item_assignments(request, item_id: int, payload: AssignmentIn):
    item = selectors.item_get(request.user, item_id)
    unit = _unit(payload.unit_code, "unit_code")
    if unit is None:
        raise ValidationFailed.on("unit_code", _("请填写单位编码"))
    values = {"role": payload.role, **_assignment_values(payload)}
    assignment = services.assignment_create(actor=request.user, item=item, unit=unit, **values)
    return Reply(201, assignment_detail(request, assignment.pk))


@router.patch(
    "/assignments/{assignment_id}", response=AssignmentOut, summary="修改任务分解（督查室）"
)
def assignment_edit(request, assignment_id: int, payload: AssignmentPatch):
    assignment = selectors.assignment_get(request.user, assignment_id)
    services.assignment_update(
        actor=request.user,
        assignment=assignment,
        expected_version=require_version(request, payload.expected_version, assignment),
        **_assignment_values(payload),
    )
    return assignment_detail(request, assignment_id)


# ---------------------------------------------------------------------------- reports


@router.post(
    "/reports/{report_id}/correct",
    response={201: ReportOut},
    summary="更正已审核通过的报送（新版本，原版本保留；须写原因）",
)
def report_correct(request, report_id: int, payload: CorrectionIn):
    report = selectors.report_get(request.user, report_id)
    correction = services_reports.report_correct(
        actor=request.user,
        report=report,
        value=_text(payload.value),
        narrative=payload.narrative,
        completions={c.milestone_id: c.completed_on for c in payload.completions},
        reason=payload.reason,
        submit=payload.submit,
        expected_version=require_version(request, payload.expected_version, report),
    )
    return Reply(201, report_out(selectors.report_get(request.user, correction.pk)))


# ---------------------------------------------------------------------------- sheets


@router.post(
    "/plans/{plan_id}/goal-sheet",
    response=SheetOut,
    summary="导入目标任务分解表（multipart；dry_run=true 只检查不写入，督查室）",
)
def goal_sheet(request, plan_id: int, file: File[UploadedFile], dry_run: Form[bool] = False):
    plan = selectors.plan_get(request.user, plan_id)
    result = goal_sheet_import(
        actor=request.user,
        data=file.read(),
        year=plan.year,
        owner_code=plan.owner.code,
        filename=file.name,
        dry_run=dry_run,
    )
    return sheet_answer(result, dry_run=dry_run)


@router.post(
    "/plans/{plan_id}/report-sheet",
    response=SheetOut,
    summary="导入进展数据表（multipart；dry_run=true 只检查不写入）",
)
def report_sheet(request, plan_id: int, file: File[UploadedFile], dry_run: Form[bool] = False):
    plan = Plan.objects.select_related("owner").filter(pk=plan_id).first()
    if plan is None or not may_import_reports(request.user, plan):
        raise NotFound(_("对象不存在或不在您的查看范围内"))
    result = report_sheet_import(
        actor=request.user, data=file.read(), plan=plan, filename=file.name, dry_run=dry_run
    )
    return sheet_answer(result, dry_run=dry_run)
