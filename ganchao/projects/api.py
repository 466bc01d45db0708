"""The 重点项目 API under /api/v1/: the projects with their health (滞后 / 受阻 and why), the
approval steps, monthly investment, milestones reported done, and the 挂图作战 Gantt data."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from ganchao.common.api import DbInt, Page, PageRows, require_version
from ganchao.common.errors import ValidationFailed
from ganchao.fiscal.api import FiscalCommitmentOut, commitment_out
from ganchao.goals.models import Plan
from ganchao.orgs.models import Leader, Unit
from ganchao.projects import selectors, services
from ganchao.projects.choices import Health
from ganchao.projects.models import MonthlyInvestment

router = Router(tags=["重点项目"])


class ProjectMilestoneOut(Schema):
    kind: str
    label: str
    planned: dt.date
    in_plan: bool
    done_on: dt.date | None


class ProjectStepOut(Schema):
    kind: str
    label: str
    state: str
    planned_on: dt.date | None
    done_on: dt.date | None
    document_number: str
    version: int


class ProjectMonthOut(Schema):
    month: str
    planned: Decimal
    actual: Decimal | None
    version: int


class BlockingProblemOut(Schema):
    id: int
    number: str
    description: str
    deadline: dt.date | None
    state: str


class ProjectSummaryOut(Schema):
    id: int
    code: str
    name: str
    item_id: int
    item_code: str
    leader: str
    leader_id: int
    lead_unit: str
    lead_unit_code: str
    category: str
    funding_source: str
    total_investment: Decimal
    annual_plan: Decimal
    year_plan: Decimal
    year_actual: Decimal
    plan_to_date: Decimal
    actual_to_date: Decimal
    health: str
    overdue: list[str]
    blocking: list[BlockingProblemOut]


class ProjectOut(ProjectSummaryOut):
    town: str
    location: str
    content: str
    start_planned: dt.date
    completion_planned: dt.date
    production_planned: dt.date | None
    milestones: list[ProjectMilestoneOut]
    steps: list[ProjectStepOut]
    months: list[ProjectMonthOut]
    version: int


class ProjectFilters(Schema):
    leader_id: DbInt | None = None
    lead_unit_id: DbInt | None = None
    health: str = ""


class ProjectCreateIn(Schema):
    plan_id: int
    parent_code: str
    code: str
    name: str
    leader_id: int
    lead_unit_id: int
    town_id: int | None = None
    location: str = ""
    category: str
    funding_source: str
    total_investment: Decimal
    annual_plan: Decimal
    start_planned: dt.date
    completion_planned: dt.date
    production_planned: dt.date | None = None
    content: str = ""
    steps: dict[str, dt.date] = {}


class ProjectPatch(Schema):
    name: str | None = None
    leader_id: int | None = None
    town_id: int | None = None
    location: str | None = None
    category: str | None = None
    funding_source: str | None = None
    total_investment: Decimal | None = None
    annual_plan: Decimal | None = None
    content: str | None = None
    expected_version: int | None = None


class StepIn(Schema):
    state: str
    planned_on: dt.date | None = None
    done_on: dt.date | None = None
    document_number: str = ""
    # set to take back a done step's record (its date and 文号 are cleared); without it a done
    # step may not leave 已办结
    reopen: bool = False
    expected_version: int | None = None


class InvestmentIn(Schema):
    month: str
    planned: Decimal | None = None
    actual: Decimal | None = None
    expected_version: int | None = None


class MilestoneDoneIn(Schema):
    completed_on: dt.date


class MilestoneDoneOut(Schema):
    report_id: int
    period: str
    state: str


class GanttMarkOut(Schema):
    kind: str
    name: str
    planned: str | None
    done: str | None
    late: bool


class GanttLineOut(Schema):
    id: int
    code: str
    name: str
    leader: str
    health: str
    health_label: str
    start: str | None
    end: str | None
    url: str
    marks: list[GanttMarkOut]


class GanttOut(Schema):
    year: int
    lines: list[GanttLineOut]
    months: list[str]
    planned: list[Decimal]
    actual: list[Decimal]


def _summary(row) -> dict:
    p = row.project
    v = row.verdict
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.item.name,
        "item_id": p.item_id,
        "item_code": p.item.code,
        "leader": p.leader.name,
        "leader_id": p.leader_id,
        "lead_unit": p.lead_unit.name,
        "lead_unit_code": p.lead_unit.code,
        "category": p.category,
        "funding_source": p.funding_source,
        "total_investment": p.total_investment,
        "annual_plan": p.annual_plan,
        "year_plan": row.year_plan,
        "year_actual": row.year_actual,
        "plan_to_date": v.plan_to_date,
        "actual_to_date": v.actual_to_date,
        "health": row.health,
        "overdue": [d.label for d in v.overdue],
        "blocking": [
            {
                "id": b["pk"],
                "number": b["number"],
                "description": b["description"],
                "deadline": b["deadline"],
                "state": b["state"],
            }
            for b in row.blocking
        ],
    }


def project_out(row) -> dict:
    p = row.project
    return {
        **_summary(row),
        "town": p.town.name if p.town_id else "",
        "location": p.location,
        "content": p.content,
        "start_planned": row.planned["start"],
        "completion_planned": row.planned["completion"],
        "production_planned": row.planned.get("production"),
        "milestones": [{**m, "label": str(m["label"])} for m in row.milestones],
        "steps": [
            {
                "kind": s.kind,
                "label": str(s.get_kind_display()),
                "state": s.state,
                "planned_on": s.planned_on,
                "done_on": s.done_on,
                "document_number": s.document_number,
                "version": s.version,
            }
            for s in row.steps
        ],
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "planned": m.planned,
                "actual": m.actual,
                "version": m.version,
            }
            for m in row.months
        ],
        "version": p.version,
    }


def _fresh(actor, pk) -> dict:
    return project_out(selectors.project_row(actor, pk))


def _pick(model, pk, field: str, message: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed.on(field, message)
    return found


class ProjectPage(PageRows):
    """The page's projects are built into rows together (a fixed number of queries)."""

    def __getitem__(self, page: slice) -> list:
        return [_summary(row) for row in selectors.build_rows(self.queryset[page])]


@router.get("/projects", response=list[ProjectSummaryOut], summary="重点项目列表")
@paginate(Page)
def project_list(request, filters: Query[ProjectFilters]):
    if filters.health and filters.health not in Health.values:
        allowed = "、".join(Health.values)
        raise ValidationFailed.on("health", _("推进状态须为%(allowed)s之一") % {"allowed": allowed})
    projects = selectors.board_projects(
        request.user,
        leader_id=filters.leader_id,
        unit_id=filters.lead_unit_id,
        health=filters.health,
    )
    return ProjectPage(selectors.joined(projects), None, counted=projects)


@router.post("/projects", response={201: ProjectOut}, summary="新增重点项目")
def project_create(request, payload: ProjectCreateIn):
    data = payload.dict()
    plan = _pick(Plan, data.pop("plan_id"), "plan_id", _("年度计划不存在"))
    leader = _pick(Leader, data.pop("leader_id"), "leader_id", _("市级领导不存在"))
    lead_unit = _pick(Unit, data.pop("lead_unit_id"), "lead_unit_id", _("牵头单位不存在"))
    town = _pick(Unit, data.pop("town_id"), "town_id", _("所在镇街不存在"))
    project = services.project_create(
        actor=request.user, plan=plan, leader=leader, lead_unit=lead_unit, town=town, **data
    )
    return Reply(201, _fresh(request.user, project.pk))


@router.get("/projects/gantt", response=GanttOut, summary="挂图作战（按分管领导的项目甘特图数据）")
def project_gantt(
    request,
    leader_id: DbInt | None = None,
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None,
):
    rows, year, _leaders = selectors.gantt_rows(request.user, leader_id=leader_id, year=year)
    return selectors.gantt_data(
        rows, year=year, project_url=lambda p: reverse("projects:detail", args=[p.pk])
    )


@router.get("/projects/{project_id}", response=ProjectOut, summary="重点项目详情")
def project_detail(request, project_id: int):
    return _fresh(request.user, project_id)


@router.patch("/projects/{project_id}", response=ProjectOut, summary="修改重点项目")
def project_update(request, project_id: int, payload: ProjectPatch):
    project = selectors.project_get(request.user, project_id)
    data = payload.dict(exclude_unset=True)
    data.pop("expected_version", None)
    if "leader_id" in data:
        data["leader"] = _pick(Leader, data.pop("leader_id"), "leader_id", _("市级领导不存在"))
    if "town_id" in data:
        data["town"] = _pick(Unit, data.pop("town_id"), "town_id", _("所在镇街不存在"))
    version = require_version(request, payload.expected_version, project)
    services.project_update(actor=request.user, project=project, expected_version=version, **data)
    return _fresh(request.user, project_id)


@router.get("/projects/{project_id}/steps", response=list[ProjectStepOut], summary="项目前期手续")
def project_steps(request, project_id: int):
    return _fresh(request.user, project_id)["steps"]


@router.post("/projects/{project_id}/steps/{kind}", response=ProjectStepOut, summary="登记前期手续")
def project_step_record(request, project_id: int, kind: str, payload: StepIn):
    project = selectors.project_get(request.user, project_id)
    step = project.steps.filter(kind=kind).first()
    with transaction.atomic():
        version = require_version(request, payload.expected_version, step)
        services.step_record(
            actor=request.user,
            project=project,
            kind=kind,
            expected_version=version,
            state=payload.state,
            planned_on=payload.planned_on,
            done_on=payload.done_on,
            document_number=payload.document_number,
            reopen=payload.reopen,
        )
    return next(s for s in _fresh(request.user, project_id)["steps"] if s["kind"] == kind)


@router.get(
    "/projects/{project_id}/investment", response=list[ProjectMonthOut], summary="项目月度投资"
)
def project_investment(request, project_id: int):
    return _fresh(request.user, project_id)["months"]


@router.post("/projects/{project_id}/investment", response=ProjectMonthOut, summary="登记月度投资")
def project_investment_record(request, project_id: int, payload: InvestmentIn):
    project = selectors.project_get(request.user, project_id)
    month = services.parse_month(payload.month)
    row = MonthlyInvestment.objects.filter(project=project, month=month).first()
    with transaction.atomic():
        version = require_version(request, payload.expected_version, row)
        row = services.investment_record(
            actor=request.user,
            project=project,
            month=payload.month,
            planned=payload.planned,
            actual=payload.actual,
            expected_version=version,
        )
    return {
        "month": f"{row.month:%Y-%m}",
        "planned": row.planned,
        "actual": row.actual,
        "version": row.version,
    }


@router.post(
    "/projects/{project_id}/milestones/{kind}/complete",
    response=MilestoneDoneOut,
    summary="报送项目节点完成（经目标任务进展报送）",
)
def project_milestone_complete(request, project_id: int, kind: str, payload: MilestoneDoneIn):
    project = selectors.project_get(request.user, project_id)
    report = services.milestone_complete(
        actor=request.user, project=project, kind=kind, completed_on=payload.completed_on
    )
    return {"report_id": report.pk, "period": report.period, "state": report.state}


class ProjectCommitIn(Schema):
    """计入财力承诺: the amount defaults to the project's planned investment of the plan year; the
    budget year to the plan year; the reason is needed when the fiscal rule asks for approval."""

    amount: Decimal | None = None
    budget_year: DbInt | None = None
    reason: str = ""


@router.get(
    "/projects/{project_id}/commitments",
    response=list[FiscalCommitmentOut],
    summary="项目的财力承诺",
)
def project_commitments(request, project_id: int):
    project = selectors.project_get(request.user, project_id)
    return [commitment_out(c) for c in selectors.project_commitments(project)]


@router.post(
    "/projects/{project_id}/commitments",
    response={201: FiscalCommitmentOut},
    summary="计入财力承诺（超出可用财力或占用以后年度预算须说明理由并经审批）",
)
def project_commit(request, project_id: int, payload: ProjectCommitIn):
    project = selectors.project_get(request.user, project_id)
    commitment = services.project_commit(
        actor=request.user,
        project=project,
        amount=payload.amount,
        budget_year=payload.budget_year,
        reason=payload.reason,
    )
    return Reply(201, commitment_out(commitment))
