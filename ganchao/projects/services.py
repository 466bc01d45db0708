"""Writes on key projects. Each checks permission, validates (naming the field), writes in one
transaction and records its audit event there. The goal item, its lead assignment and its
milestones are written through the goals services, and a milestone is marked done through a
goals progress report (the one place milestone completions live)."""

import datetime as dt
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record, diff
from ganchao.common.errors import Forbidden, ValidationFailed
from ganchao.fiscal import services as fiscal_services
from ganchao.fiscal.choices import CommitmentKind
from ganchao.fiscal.rules import parse_amount
from ganchao.goals import services as goal_services
from ganchao.goals import services_reports as report_services
from ganchao.goals.choices import ItemType
from ganchao.goals.choices import Role as GoalRole
from ganchao.goals.models import Item, MilestoneCompletion, ProgressReport
from ganchao.goals.periods import period_containing
from ganchao.goals.service_base import check_version, require_office
from ganchao.projects.choices import (
    Category,
    FundingSource,
    MilestoneKind,
    StepKind,
    StepState,
)
from ganchao.projects.models import ApprovalStep, KeyProject, MonthlyInvestment
from ganchao.projects.permissions import is_office, may_record

register_object_type("key_project", gettext_lazy("重点项目"))
for _code, _label in {
    "project.create": gettext_lazy("新增重点项目"),
    "project.update": gettext_lazy("修改重点项目"),
    "project.step": gettext_lazy("登记前期手续"),
    "project.investment": gettext_lazy("登记月度投资"),
    "project.milestone": gettext_lazy("报送项目节点完成"),
}.items():
    register(_code, _label)

PROJECT = gettext_lazy("重点项目")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]{0,39}$")
MONEY_LIMIT = Decimal("1e13")  # 万元; the columns hold 16 digits with 2 decimals
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
EDITABLE = (
    "leader_id",
    "town_id",
    "location",
    "category",
    "funding_source",
    "total_investment",
    "annual_plan",
    "content",
)
MILESTONE_LABELS = {
    MilestoneKind.START: gettext_lazy("项目开工"),
    MilestoneKind.COMPLETION: gettext_lazy("项目竣工"),
    MilestoneKind.PRODUCTION: gettext_lazy("项目投产"),
}


def _target(project) -> Target:
    return Target("key_project", str(project.pk), str(project)[:300])


def _money(raw, field: str, label: str, *, required: bool = True) -> Decimal | None:
    """A sum in 万元: the fiscal capacity's parser and words, zero allowed."""
    return parse_amount(
        raw, field, label, allow_zero=True, required=required, limit=MONEY_LIMIT - Decimal("0.01")
    )


def _choice(value, choices, field: str, label: str) -> str:
    if value not in choices.values:
        allowed = "、".join(str(c.label) for c in choices)
        raise ValidationFailed.on(
            field, _("%(label)s须为%(allowed)s之一") % {"label": label, "allowed": allowed}
        )
    return value


def _date(value, field: str, label: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed.on(field, _("请填写%(label)s") % {"label": label})
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationFailed.on(
                field, _("%(label)s须为 2026-03-31 这样的日期") % {"label": label}
            ) from None
    return value


def _clean_facts(values: dict) -> dict:
    cleaned = {
        "location": (values.get("location") or "").strip()[:200],
        "content": (values.get("content") or "").strip(),
        "category": _choice(values.get("category"), Category, "category", _("项目类别")),
        "funding_source": _choice(
            values.get("funding_source"), FundingSource, "funding_source", _("资金来源")
        ),
        "total_investment": _money(values.get("total_investment"), "total_investment", _("总投资")),
        "annual_plan": _money(values.get("annual_plan"), "annual_plan", _("年度计划投资")),
    }
    if cleaned["annual_plan"] > cleaned["total_investment"]:
        raise ValidationFailed.on("annual_plan", _("年度计划投资不能大于总投资"))
    return cleaned


def _clean_dates(values: dict) -> dict:
    start = _date(values.get("start_planned"), "start_planned", _("计划开工日期"))
    completion = _date(values.get("completion_planned"), "completion_planned", _("计划竣工日期"))
    production = _date(
        values.get("production_planned"), "production_planned", _("计划投产日期"), required=False
    )
    if completion < start:
        raise ValidationFailed.on("completion_planned", _("计划竣工日期不能早于计划开工日期"))
    if production is not None and production < completion:
        raise ValidationFailed.on("production_planned", _("计划投产日期不能早于计划竣工日期"))
    return {
        "start_planned": start,
        "completion_planned": completion,
        "production_planned": production,
    }


def _parent_goal(plan, parent_code: str) -> Item:
    parent = Item.objects.filter(plan=plan, code=(parent_code or "").strip()).first()
    if parent is None or parent.type != ItemType.GOAL:
        raise ValidationFailed.on("parent_code", _("请选择计划中的一项目标作为项目的归类"))
    return parent


def _next_code(parent: Item) -> str:
    depth = parent.code.count(".") + 1
    codes = Item.objects.filter(plan_id=parent.plan_id, parent=parent).values_list(
        "code", flat=True
    )
    numbers = [int(c.split(".")[depth]) for c in codes]
    return f"{parent.code}.{max(numbers, default=0) + 1}"


def _milestones_in_year(dates: dict, year: int) -> list[tuple[str, dt.date, str]]:
    """(kind, date, description) of the planned dates inside the plan year, in date order."""
    named = [
        (MilestoneKind.START, dates["start_planned"]),
        (MilestoneKind.COMPLETION, dates["completion_planned"]),
        (MilestoneKind.PRODUCTION, dates["production_planned"]),
    ]
    inside = [(k, d, str(MILESTONE_LABELS[k])) for k, d in named if d and d.year == year]
    return sorted(inside, key=lambda row: row[1])


def _snapshot(project) -> dict:
    return {
        "code": project.code,
        "leader": project.leader.name,
        "lead_unit": project.lead_unit.code,
        "town": project.town.code if project.town_id else "",
        **{f: getattr(project, f) for f in EDITABLE if not f.endswith("_id")},
        "start_planned": project.start_planned,
        "completion_planned": project.completion_planned,
        "production_planned": project.production_planned,
    }


@transaction.atomic
def project_create(
    *,
    actor,
    plan,
    parent_code: str,
    code: str,
    name: str,
    leader,
    lead_unit,
    town=None,
    steps: dict | None = None,
    **values,
) -> KeyProject:
    """A key project: its goal task (with the in-year milestones and the lead assignment, via
    the goals services), the project's own facts and its four approval steps."""
    require_office(actor)
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise ValidationFailed.on("code", _("项目编号须为字母、数字或连字符，最多 40 个字符"))
    if KeyProject.objects.filter(code=code).exists():
        raise ValidationFailed.on("code", _("项目编号“%(code)s”已存在") % {"code": code})
    if leader is None:
        raise ValidationFailed.on("leader_id", _("请选择分管市领导"))
    if lead_unit is None:
        raise ValidationFailed.on("lead_unit_id", _("请选择牵头单位"))
    facts = _clean_facts(values)
    dates = _clean_dates(values)
    planned_steps = {
        kind: _date((steps or {}).get(kind), f"steps.{kind}", StepKind(kind).label, required=False)
        for kind in StepKind.values
    }
    parent = _parent_goal(plan, parent_code)
    inside = _milestones_in_year(dates, plan.year)
    milestones = [(day, text) for _k, day, text in inside] or [
        (dt.date(plan.year, 12, 31), _("完成年度计划投资"))
    ]
    item = goal_services.item_create(
        actor=actor,
        plan=plan,
        code=_next_code(parent),
        type=ItemType.TASK,
        name=name,
        category=_("重点项目"),
        milestones=milestones,
        lead_unit=lead_unit,
    )
    item.leaders.add(leader)
    by_position = {m.position: m for m in item.milestones.all()}
    links = {f"{kind}_milestone": by_position[i] for i, (kind, _d, _t) in enumerate(inside, 1)}
    project = KeyProject.objects.create(
        item=item,
        code=code,
        leader=leader,
        lead_unit=lead_unit,
        town=town,
        **facts,
        **dates,
        **links,
    )
    ApprovalStep.objects.bulk_create(
        ApprovalStep(project=project, kind=kind, position=i, planned_on=planned_steps[kind])
        for i, kind in enumerate(StepKind.values, 1)
    )
    audit_record(
        actor=actor,
        action="project.create",
        target=_target(project),
        changes=diff({}, {**_snapshot(project), "item": item.code, "name": item.name}),
    )
    return project


def _lock(project) -> KeyProject:
    return (
        KeyProject.objects.select_for_update(of=("self",))
        .select_related("item__plan", "leader", "lead_unit", "town")
        .get(pk=project.pk)
    )


@transaction.atomic
def project_update(
    *, actor, project, expected_version: int | None = None, name: str | None = None, **values
) -> KeyProject:
    """Change the project's facts (and the item's name through the goals). Planned dates are
    the item's milestones: after the plan is issued they change by a target adjustment."""
    require_office(actor)
    project = _lock(project)
    check_version(project, expected_version, PROJECT)
    before = {**_snapshot(project), "name": project.item.name}
    merged = {f: getattr(project, f) for f in EDITABLE if not f.endswith("_id")}
    merged.update({k: v for k, v in values.items() if k in merged})
    facts = _clean_facts(merged)
    for field, value in facts.items():
        setattr(project, field, value)
    if "leader" in values:
        if values["leader"] is None:
            raise ValidationFailed.on("leader_id", _("请选择分管市领导"))
        if values["leader"].pk != project.leader_id:
            project.item.leaders.remove(project.leader)
            project.item.leaders.add(values["leader"])
            project.leader = values["leader"]
    if "town" in values:
        project.town = values["town"]
    if name is not None and name.strip() != project.item.name:
        project.item = goal_services.item_update(actor=actor, item=project.item, name=name)
    after = {**_snapshot(project), "name": project.item.name}
    changes = diff(before, after)
    if not changes:
        return project
    project.version += 1
    project.save()
    audit_record(actor=actor, action="project.update", target=_target(project), changes=changes)
    return project


def _require_recorder(actor, project) -> None:
    if not may_record(actor, project):
        raise Forbidden(
            _("只有督查室或牵头单位%(unit)s可以登记该项目的手续和投资")
            % {"unit": project.lead_unit.name}
        )


@transaction.atomic
def step_record(
    *,
    actor,
    project,
    kind: str,
    expected_version: int | None = None,
    state: str,
    planned_on=None,
    done_on=None,
    document_number: str = "",
    reopen: bool = False,
    today: dt.date | None = None,
) -> ApprovalStep:
    """Record a pre-approval step: its state, planned date, and when done its date and 文号.
    A done step keeps its date and 文号 unless `reopen` says its record was a mistake: a form
    sent with its defaults must not erase them."""
    today = today or timezone.localdate()
    project = _lock(project)
    _require_recorder(actor, project)
    kind = _choice(kind, StepKind, "kind", _("前期手续"))
    step = ApprovalStep.objects.select_for_update().get(project=project, kind=kind)
    check_version(step, expected_version, _("前期手续"))
    state = _choice(state, StepState, "state", _("办理状态"))
    if step.state == StepState.DONE and state != StepState.DONE and not reopen:
        raise ValidationFailed.on(
            "state",
            _(
                "%(kind)s已于%(date)s办结（%(number)s），改为“%(state)s”会清除办结日期和批复文号；"
                "确属登记有误，请同时勾选“撤销办结登记”"
            )
            % {
                "kind": step.get_kind_display(),
                "date": date_format(step.done_on, "DATE_FORMAT") if step.done_on else "—",
                "number": step.document_number or "—",
                "state": StepState(state).label,
            },
        )
    # a planned date left out stays as it was
    planned_on = (
        _date(planned_on, "planned_on", _("计划办结日期"), required=False) or step.planned_on
    )
    done_on = _date(done_on, "done_on", _("实际办结日期"), required=False)
    number = (document_number or "").strip()[:100]
    if state == StepState.DONE:
        if done_on is None:
            raise ValidationFailed.on("done_on", _("已办结的手续请填写实际办结日期"))
        if done_on > today:
            raise ValidationFailed.on("done_on", _("实际办结日期不能晚于今天"))
        if not number:
            raise ValidationFailed.on("document_number", _("已办结的手续请填写批复文号"))
    elif done_on is not None:
        raise ValidationFailed.on("done_on", _("手续尚未办结，不能填写实际办结日期"))
    fields = ("state", "planned_on", "done_on", "document_number")
    before = {f: getattr(step, f) for f in fields}
    step.state, step.planned_on, step.done_on, step.document_number = (
        state,
        planned_on,
        done_on,
        number,
    )
    changes = diff(before, {f: getattr(step, f) for f in fields})
    if not changes:
        return step
    step.version += 1
    step.save()
    audit_record(
        actor=actor,
        action="project.step",
        target=_target(project),
        changes={f"{kind}.{k}": v for k, v in changes.items()},
    )
    return step


def parse_month(text, field: str = "month") -> dt.date:
    match = MONTH_RE.match(str(text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise ValidationFailed.on(field, _("月份须为 2026-05 这样的年月"))
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


@transaction.atomic
def investment_record(
    *,
    actor,
    project,
    month,
    planned=None,
    actual=None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> MonthlyInvestment:
    """Set a month's planned investment (the office) and/or its actual investment (the office
    or the lead unit, once the month has begun). A value left out stays as it was."""
    today = today or timezone.localdate()
    project = _lock(project)
    _require_recorder(actor, project)
    first = parse_month(month)
    planned = _money(planned, "planned", _("计划投资"), required=False)
    actual = _money(actual, "actual", _("完成投资"), required=False)
    if planned is None and actual is None:
        raise ValidationFailed.on("actual", _("请填写计划投资或完成投资"))
    if planned is not None and not is_office(actor):
        raise Forbidden(_("月度计划投资由督查室下达，牵头单位只登记完成投资"))
    if actual is not None and first > today:
        raise ValidationFailed.on("month", _("该月尚未开始，不能登记完成投资"))
    row = MonthlyInvestment.objects.select_for_update().filter(project=project, month=first).first()
    if row is None:
        if expected_version not in (None, 0):
            raise ValidationFailed.on("month", _("该月投资记录已不存在，请刷新页面后重试"))
        row = MonthlyInvestment(project=project, month=first, planned=Decimal(0))
        before = {}
    else:
        check_version(row, expected_version, _("月度投资"))
        before = {"planned": row.planned, "actual": row.actual}
        row.version += 1
    if planned is not None:
        row.planned = planned
    if actual is not None:
        row.actual = actual
    changes = diff(before, {"planned": row.planned, "actual": row.actual})
    if not changes:
        return row
    row.save()
    audit_record(
        actor=actor,
        action="project.investment",
        target=_target(project),
        changes={f"{first:%Y-%m}.{k}": v for k, v in changes.items()},
    )
    return row


@transaction.atomic
def milestone_complete(*, actor, project, kind: str, completed_on, at=None) -> ProgressReport:
    """Report a project milestone (开工/竣工/投产) done: the lead unit submits it in the goal
    task's progress report of the period it fell in (goals.services_reports), keeping the
    completions already in that report. The report is then reviewed like any other."""
    project = _lock(project)
    kind = _choice(kind, MilestoneKind, "kind", _("项目节点"))
    milestone = getattr(project, f"{kind}_milestone")
    if milestone is None:
        raise ValidationFailed.on("kind", _("该节点不在本年度计划内，无需在本年度报送"))
    completed_on = _date(completed_on, "completed_on", _("完成日期"))
    item = project.item
    if completed_on.year != item.plan.year:
        raise ValidationFailed.on("completed_on", _("完成日期须在计划年度内"))
    assignment = item.assignments.select_related("unit").get(role=GoalRole.LEAD)
    period = period_containing(completed_on, item.frequency).code
    current = ProgressReport.objects.filter(
        assignment=assignment, period=period, is_current=True
    ).first()
    completions = {}
    if current is not None:
        completions = dict(
            MilestoneCompletion.objects.filter(report=current).values_list(
                "milestone_id", "completed_on"
            )
        )
    completions[milestone.pk] = completed_on
    report = report_services.report_save_and_submit(
        actor=actor,
        assignment=assignment,
        period=period,
        expected_version=current.version if current else 0,
        narrative=current.narrative
        if current and current.narrative
        else str(_("%(milestone)s已完成") % {"milestone": MILESTONE_LABELS[kind]}),
        completions=completions,
        at=at,
    )
    audit_record(
        actor=actor,
        action="project.milestone",
        target=_target(project),
        changes=diff({}, {kind: completed_on}),
    )
    return report


def year_plan(project) -> Decimal:
    """The project's planned investment for its plan year: the months' plan when the office
    has spread it by month, else the annual plan entered with the project."""
    year = project.item.plan.year
    months = MonthlyInvestment.objects.filter(project=project, month__year=year)
    total = sum((m.planned for m in months), Decimal(0))
    return total or project.annual_plan


@transaction.atomic
def project_commit(*, actor, project, amount=None, budget_year=None, reason: str = ""):
    """计入财力承诺: a fiscal commitment of the project's lead unit for the plan year, of the
    year's planned investment unless another amount is given, made by the fiscal service (its
    rule, its permission, its audit): beyond the unit's capacity, without one, or against a
    later year's budget it needs the reason and waits for approval."""
    project = _lock(project)
    if amount in (None, ""):
        amount = year_plan(project)
    return fiscal_services.commitment_create(
        actor=actor,
        unit=project.lead_unit,
        year=project.item.plan.year,
        budget_year=budget_year,
        amount=amount,
        title=f"{project.code} {project.item.name}"[:200],
        kind=CommitmentKind.KEY_PROJECT,
        item=project.item,
        reason=reason,
    )
