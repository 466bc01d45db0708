"""Writes on plans, items (goals, indicators, tasks), milestones and assignments. Each runs in
one transaction and records its audit event there.

Reports and evidence are in services_reports.py, target adjustments in services_adjustments.py.
Before a plan is issued its targets are edited directly; afterwards a change of a target, a
staged target or a milestone date is refused with "请通过目标调整办理" (DESIGN.md 3.5).
"""

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import Target, audit_record, diff
from ganchao.common.errors import ValidationFailed
from ganchao.goals.choices import (
    PLAN_TRANSITIONS,
    Direction,
    Frequency,
    ItemType,
    Nature,
    PlanState,
    Role,
)
from ganchao.goals.models import Assignment, Item, Milestone, Plan
from ganchao.goals.precision import MAX_PLACES
from ganchao.goals.service_base import (
    TARGET_FIELDS,
    check_version,
    recompute,
    refuse_transition,
    require_office,
    to_decimal,
)

CODE_RE = re.compile(r"^[1-9]\d{0,4}(\.[1-9]\d{0,4}){0,7}$")
ITEM_FIELDS = (
    "name",
    "type",
    "category",
    "measure_unit",
    "decimal_places",
    "baseline",
    "target",
    "stretch_target",
    "direction",
    "nature",
    "frequency",
    "q1",
    "q2",
    "q3",
    "q4",
    "deadline",
    "data_source_unit_id",
    "weight",
    "note",
)
ASSIGNMENT_FIELDS = (
    "role",
    "target",
    "q1",
    "q2",
    "q3",
    "q4",
    "weight",
    "responsible_leader",
    "responsible_person",
    "contact",
    "contact_phone",
)
VIA_ADJUSTMENT = "请通过目标调整办理"


def _snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _milestone_snapshot(item) -> list[str]:
    return [f"{m.due_date:%Y-%m-%d}：{m.description}" for m in item.milestones.order_by("position")]


# ---- plans -------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor, owner, year: int, name: str = "", report_due_working_days: int = 5
) -> Plan:
    require_office(actor)
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed.on("year", _("年度须在 2000 至 2100 之间"))
    if Plan.objects.filter(owner=owner, year=year).exists():
        raise ValidationFailed.on(
            "year", _("%(owner)s已有%(year)s年度计划") % {"owner": owner.name, "year": year}
        )
    if not 1 <= int(report_due_working_days) <= 30:
        raise ValidationFailed.on("report_due_working_days", _("报送期限须在 1 至 30 个工作日之间"))
    if len(name.strip()) > Plan._meta.get_field("name").max_length:
        raise ValidationFailed.on("name", _("名称最多 200 个字符"))
    plan = Plan.objects.create(
        owner=owner,
        year=year,
        name=name.strip(),
        report_due_working_days=report_due_working_days,
    )
    audit_record(
        actor=actor,
        action="plan.create",
        target=Target.of(plan, "plan"),
        changes=diff({}, {"owner": owner.code, "year": year, "name": plan.name}),
    )
    return plan


@transaction.atomic
def plan_issue(*, actor, plan: Plan, expected_version: int | None = None) -> Plan:
    """Draft → issued (下达). From then on targets change only through adjustments."""
    require_office(actor)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    check_version(plan, expected_version, _("计划"))
    if PlanState.ISSUED not in PLAN_TRANSITIONS[PlanState(plan.state)]:
        raise refuse_transition(_("计划"), plan.get_state_display(), _("下达"))
    leaves = plan.items.exclude(type=ItemType.GOAL)
    if not leaves.exists():
        raise ValidationFailed.on("plan", _("计划中还没有指标或任务，不能下达"))
    unassigned = leaves.exclude(assignments__role=Role.LEAD).order_by("sort_key")[:5]
    if unassigned:
        codes = "、".join(item.code for item in unassigned)
        raise ValidationFailed.on(
            "plan", _("以下目标任务尚未确定牵头单位，不能下达：%(codes)s") % {"codes": codes}
        )
    plan.state = PlanState.ISSUED
    plan.issued_at = timezone.now()
    plan.version += 1
    plan.save(update_fields=["state", "issued_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="plan.issue",
        target=Target.of(plan, "plan"),
        changes=diff({"state": PlanState.DRAFT}, {"state": PlanState.ISSUED}),
    )
    from ganchao.goals import status

    status.recompute_plan(plan)
    return plan


@transaction.atomic
def plan_close(*, actor, plan: Plan, expected_version: int | None = None, reason: str = "") -> Plan:
    """Issued → closed (结束): the year's work is over; nothing in the plan changes after it.
    Reports already made stay; a draft plan cannot be closed (it was never issued)."""
    require_office(actor)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    check_version(plan, expected_version, _("计划"))
    if PlanState.CLOSED not in PLAN_TRANSITIONS[PlanState(plan.state)]:
        raise refuse_transition(_("计划"), plan.get_state_display(), _("结束"))
    before = plan.state
    plan.state = PlanState.CLOSED
    plan.version += 1
    plan.save(update_fields=["state", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="plan.close",
        target=Target.of(plan, "plan"),
        changes=diff({"state": before}, {"state": PlanState.CLOSED}),
        reason=(reason or "").strip(),
    )
    return plan


def _require_open(plan: Plan) -> None:
    if plan.state == PlanState.CLOSED:
        raise ValidationFailed.on("plan", _("该计划已结束，不能再修改"))


# ---- items -------------------------------------------------------------------------------


def _clean_targets(values: dict, nature: str, *, prefix: str = "") -> dict:
    """Numbers parsed; staged targets all four or none; for 累计值 never decreasing and
    四季度 equal to 目标值 (DESIGN.md 3.5)."""
    labels = {
        "target": _("目标值"),
        "q1": _("一季度目标"),
        "q2": _("二季度目标"),
        "q3": _("三季度目标"),
        "q4": _("四季度目标"),
    }
    cleaned = {
        name: to_decimal(values.get(name), prefix + name, labels[name]) for name in TARGET_FIELDS
    }
    staged = [cleaned[q] for q in ("q1", "q2", "q3", "q4")]
    given = [v is not None for v in staged]
    if any(given) and not all(given):
        raise ValidationFailed.on(prefix + "q1", _("分季度目标须四个季度都填写，或都不填"))
    if all(given) and nature == Nature.CUMULATIVE:
        if any(later < earlier for earlier, later in zip(staged, staged[1:], strict=False)):
            raise ValidationFailed.on(prefix + "q1", _("累计值的分季度目标不能逐季减少"))
        if cleaned["target"] is not None and staged[3] != cleaned["target"]:
            raise ValidationFailed.on(prefix + "q4", _("累计值的四季度目标须等于目标值"))
    return cleaned


def _clean_milestones(milestones, year: int) -> list[tuple[dt.date, str]]:
    cleaned = []
    for number, (day, description) in enumerate(milestones, start=1):
        description = (description or "").strip()
        if not isinstance(day, dt.date):
            raise ValidationFailed.on("milestones", _("第%(n)d个节点缺少日期") % {"n": number})
        if not description:
            raise ValidationFailed.on("milestones", _("第%(n)d个节点缺少内容") % {"n": number})
        if day.year != year:
            raise ValidationFailed.on(
                "milestones", _("第%(n)d个节点的日期不在计划年度内") % {"n": number}
            )
        cleaned.append((day, description[:500]))
    return cleaned


def _check_placement(plan: Plan, code: str, type: str) -> Item | None:
    if not CODE_RE.match(code):
        raise ValidationFailed.on("code", _("编号须为 1、1.2、1.2.3 这样的数字编号"))
    if type not in ItemType.values:
        raise ValidationFailed.on("type", _("类型须为目标、指标或任务"))
    if "." not in code:
        if type != ItemType.GOAL:
            raise ValidationFailed.on("type", _("一级编号只能是目标"))
        return None
    parent = Item.objects.filter(plan=plan, code=code.rsplit(".", 1)[0]).first()
    if parent is None:
        raise ValidationFailed.on(
            "code", _("上级编号“%(code)s”不存在") % {"code": code.rsplit(".", 1)[0]}
        )
    allowed = {ItemType.GOAL: set(ItemType.values), ItemType.TASK: {ItemType.TASK}}
    if type not in allowed.get(parent.type, set()):
        raise ValidationFailed.on(
            "type",
            _("%(parent)s下不能设%(child)s")
            % {"parent": parent.get_type_display(), "child": ItemType(type).label},
        )
    return parent


def _decimal_places(value) -> int | None:
    """小数位数: None (by the unit of measure) or a whole number from 0 to MAX_PLACES."""
    if value is None or value == "":
        return None
    try:
        places = int(str(value).strip())
    except ValueError:
        places = -1
    if not 0 <= places <= MAX_PLACES:
        raise ValidationFailed.on(
            "decimal_places", _("小数位数须为 0 至 %(max)d 的整数，或留空") % {"max": MAX_PLACES}
        )
    return places


def _item_values(values: dict, type: str) -> dict:
    """The plain fields of an item, checked."""
    name = (values.get("name") or "").strip()
    if not name:
        raise ValidationFailed.on("name", _("请填写名称"))
    nature = values.get("nature") or Nature.CUMULATIVE
    cleaned = {
        "name": name[:500],
        "category": (values.get("category") or "").strip()[:50],
        "measure_unit": (values.get("measure_unit") or "").strip()[:30],
        "decimal_places": _decimal_places(values.get("decimal_places")),
        "baseline": to_decimal(values.get("baseline"), "baseline", _("基期值")),
        "stretch_target": to_decimal(values.get("stretch_target"), "stretch_target", _("力争值")),
        "direction": values.get("direction") or Direction.POSITIVE,
        "nature": nature,
        "frequency": values.get("frequency") or Frequency.MONTHLY,
        "deadline": values.get("deadline"),
        "data_source_unit": values.get("data_source_unit"),
        "weight": to_decimal(values.get("weight", 1), "weight", _("权重"), required=True),
        "note": (values.get("note") or "").strip(),
        **_clean_targets(values, nature),
    }
    if cleaned["weight"] <= 0:
        raise ValidationFailed.on("weight", _("权重须大于 0"))
    if type == ItemType.INDICATOR:
        if not cleaned["measure_unit"]:
            raise ValidationFailed.on("measure_unit", _("指标须填写计量单位"))
        if cleaned["target"] is None:
            raise ValidationFailed.on("target", _("指标须填写目标值"))
    return cleaned


@transaction.atomic
def item_create(
    *, actor, plan: Plan, code: str, type: str, milestones=(), lead_unit=None, **values
) -> Item:
    """A goal, indicator or task and, when `lead_unit` is given, its lead assignment: both
    written or neither (the page and the API both offer the lead unit with the item)."""
    require_office(actor)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_open(plan)
    code = (code or "").strip()
    parent = _check_placement(plan, code, type)
    if Item.objects.filter(plan=plan, code=code).exists():
        raise ValidationFailed.on("code", _("编号“%(code)s”已存在") % {"code": code})
    cleaned = _item_values(values, type)
    steps = _clean_milestones(milestones, plan.year)
    if type == ItemType.TASK and not steps:
        if not cleaned["deadline"]:
            raise ValidationFailed.on("milestones", _("任务须填写节点安排或完成时限"))
        steps = [(cleaned["deadline"], _("完成"))]
    item = Item.objects.create(
        plan=plan, parent=parent, code=code, sort_key=Item.sort_key_for(code), type=type, **cleaned
    )
    for position, (day, description) in enumerate(steps, start=1):
        Milestone.objects.create(
            item=item, position=position, due_date=day, description=description
        )
    after = {**_snapshot(item, ITEM_FIELDS), "code": code, "milestones": _milestone_snapshot(item)}
    audit_record(
        actor=actor, action="item.create", target=Target.of(item, "item"), changes=diff({}, after)
    )
    if lead_unit is not None:
        assignment_create(actor=actor, item=item, unit=lead_unit, role=Role.LEAD)
    return item


@transaction.atomic
def item_update(
    *, actor, item: Item, expected_version: int | None = None, milestones=None, **values
) -> Item:
    """Change an item's fields (and, with `milestones`, its milestones matched by position)."""
    require_office(actor)
    item = Item.objects.select_for_update(of=("self",)).select_related("plan").get(pk=item.pk)
    check_version(item, expected_version, _("目标任务"))
    _require_open(item.plan)
    before = {**_snapshot(item, ITEM_FIELDS), "milestones": _milestone_snapshot(item)}
    merged = {**_snapshot(item, ITEM_FIELDS), "data_source_unit": item.data_source_unit, **values}
    cleaned = _item_values(merged, item.type)
    issued = item.plan.state != PlanState.DRAFT
    if issued and any(cleaned[f] != getattr(item, f) for f in TARGET_FIELDS):
        raise ValidationFailed.on(
            "target", _("计划已下达，目标值和分季度目标%(how)s") % {"how": VIA_ADJUSTMENT}
        )
    for name, value in cleaned.items():
        setattr(item, name, value)
    if milestones is not None:
        _replace_milestones(item, _clean_milestones(milestones, item.plan.year), issued)
    after = {**_snapshot(item, ITEM_FIELDS), "milestones": _milestone_snapshot(item)}
    changes = diff(before, after)
    if not changes:
        return item
    item.version += 1
    item.save()
    audit_record(actor=actor, action="item.update", target=Target.of(item, "item"), changes=changes)
    recompute(list(item.assignments.values_list("pk", flat=True)))
    return item


def _replace_milestones(item: Item, steps, issued: bool) -> None:
    existing = list(item.milestones.order_by("position"))
    if issued and (
        len(steps) != len(existing)
        or any(day != m.due_date for (day, _d), m in zip(steps, existing, strict=False))
    ):
        raise ValidationFailed.on(
            "milestones", _("计划已下达，节点时间%(how)s") % {"how": VIA_ADJUSTMENT}
        )
    for position, (day, description) in enumerate(steps, start=1):
        if position <= len(existing):
            milestone = existing[position - 1]
            if (milestone.due_date, milestone.description) != (day, description):
                milestone.due_date, milestone.description = day, description
                milestone.save(update_fields=["due_date", "description"])
        else:
            Milestone.objects.create(
                item=item, position=position, due_date=day, description=description
            )
    for milestone in existing[len(steps) :]:
        if milestone.completions.exists():
            raise ValidationFailed.on(
                "milestones",
                _("节点“%(name)s”已有完成记录，不能删除") % {"name": milestone.description},
            )
        milestone.delete()


# ---- assignments -------------------------------------------------------------------------


def _assignment_values(item: Item, values: dict) -> dict:
    role = values.get("role")
    if role not in Role.values:
        raise ValidationFailed.on("role", _("角色须为牵头单位、责任单位或配合单位"))
    cleaned = {
        "role": role,
        # 分解到单位's 权重, defaulting to the item's (DESIGN.md 3.10 splits points by it)
        "weight": to_decimal(
            item.weight if values.get("weight") in (None, "") else values["weight"],
            "weight",
            _("权重"),
            required=True,
        ),
        **{
            name: (values.get(name) or "").strip()[:50]
            for name in ("responsible_leader", "responsible_person", "contact")
        },
        "contact_phone": (values.get("contact_phone") or "").strip()[:30],
    }
    if cleaned["weight"] <= 0:
        raise ValidationFailed.on("weight", _("权重须大于 0"))
    if item.type == ItemType.INDICATOR and role != Role.COOPERATING:
        own = {name: values.get(name) for name in TARGET_FIELDS}
        if all(v in (None, "") for v in own.values()):
            own = {name: getattr(item, name) for name in TARGET_FIELDS}
        cleaned.update(_clean_targets(own, item.nature))
    else:
        cleaned.update(dict.fromkeys(TARGET_FIELDS))
    return cleaned


def _check_single_lead(item: Item, role: str, assignment: Assignment | None = None) -> None:
    if role != Role.LEAD:
        return
    others = item.assignments.filter(role=Role.LEAD).exclude(pk=getattr(assignment, "pk", None))
    if others.exists():
        raise ValidationFailed.on("role", _("每项目标任务只能有一个牵头单位"))


@transaction.atomic
def assignment_create(*, actor, item: Item, unit, **values) -> Assignment:
    """Bind an item to a unit. An indicator's lead and responsible units carry their own targets
    (the item's when none are given)."""
    require_office(actor)
    item = Item.objects.select_for_update(of=("self",)).select_related("plan").get(pk=item.pk)
    _require_open(item.plan)
    if item.type == ItemType.GOAL:
        raise ValidationFailed.on("item", _("目标只作归类，请分解到其下的指标或任务"))
    cleaned = _assignment_values(item, values)
    _check_single_lead(item, cleaned["role"])
    if item.assignments.filter(unit=unit).exists():
        raise ValidationFailed.on("unit", _("%(unit)s已承担该项目标任务") % {"unit": unit.name})
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(item=item, unit=unit, **cleaned)
    except IntegrityError:
        raise ValidationFailed.on(
            "unit", _("%(unit)s已承担该项目标任务") % {"unit": unit.name}
        ) from None
    audit_record(
        actor=actor,
        action="assignment.create",
        target=Target.of(assignment, "assignment"),
        changes=diff({}, {**_snapshot(assignment, ASSIGNMENT_FIELDS), "unit": unit.code}),
    )
    recompute([assignment.pk])
    return assignment


@transaction.atomic
def assignment_update(
    *, actor, assignment: Assignment, expected_version: int | None = None, **values
) -> Assignment:
    require_office(actor)
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("item__plan", "unit")
        .get(pk=assignment.pk)
    )
    check_version(assignment, expected_version, _("任务分解"))
    item = assignment.item
    _require_open(item.plan)
    before = _snapshot(assignment, ASSIGNMENT_FIELDS)
    merged = {**before, **values}
    cleaned = _assignment_values(item, merged)
    _check_single_lead(item, cleaned["role"], assignment)
    issued = item.plan.state != PlanState.DRAFT
    if issued and any(cleaned[f] != getattr(assignment, f) for f in TARGET_FIELDS):
        raise ValidationFailed.on(
            "target", _("计划已下达，目标值和分季度目标%(how)s") % {"how": VIA_ADJUSTMENT}
        )
    for name, value in cleaned.items():
        setattr(assignment, name, value)
    changes = diff(before, _snapshot(assignment, ASSIGNMENT_FIELDS))
    if not changes:
        return assignment
    assignment.version += 1
    assignment.save()
    audit_record(
        actor=actor,
        action="assignment.update",
        target=Target.of(assignment, "assignment"),
        changes=changes,
    )
    recompute([assignment.pk])
    return assignment
