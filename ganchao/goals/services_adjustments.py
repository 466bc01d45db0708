"""Target adjustments (目标调整): once a plan is issued, a target, a staged target or a
milestone date changes only through a request that the office approves.

- adjustment_request: a user of the assignment's unit (or the office; the office alone for an
  item's own targets); a reason is required.
- adjustment_approve: the office; the new value is written to the stored field (the
  assignment's, the item's, or the milestone's due date) while the adjustment row keeps the old
  and new values, and the status is recomputed.
- adjustment_reject: the office, with a reason.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import Target, audit_record, diff
from ganchao.common.errors import Forbidden, ValidationFailed
from ganchao.goals.choices import (
    ADJUSTMENT_TRANSITIONS,
    AdjustmentField,
    AdjustmentState,
    ItemType,
    Nature,
    PlanState,
    Role,
)
from ganchao.goals.models import Assignment, Item, Milestone, TargetAdjustment
from ganchao.goals.permissions import is_office, may_request_adjustment
from ganchao.goals.service_base import (
    check_version,
    recompute,
    refuse_transition,
    require_office,
    text_of,
    to_decimal,
)

ADJUSTMENT = "目标调整"
QUARTERS = ("q1", "q2", "q3", "q4")


def _holder(item: Item, assignment: Assignment | None):
    return assignment if assignment is not None else item


def _check_subject(actor, item, assignment, milestone, field) -> None:
    if field not in AdjustmentField.values:
        raise ValidationFailed.on("field", _("请选择调整内容"))
    if item.plan.state != PlanState.ISSUED:
        raise ValidationFailed.on(
            "field",
            _("计划状态为“%(state)s”，无需办理目标调整") % {"state": item.plan.get_state_display()},
        )
    if assignment is None and not is_office(actor):
        raise Forbidden(_("目标任务本身的目标只能由督查室申请调整"))
    if assignment is not None and not may_request_adjustment(actor, assignment):
        raise Forbidden(_("您不能为%(unit)s申请调整目标") % {"unit": assignment.unit.name})
    if field == AdjustmentField.MILESTONE_DATE:
        if milestone is None or milestone.item_id != item.pk:
            raise ValidationFailed.on("milestone", _("请选择要调整时间的节点"))
    elif item.type != ItemType.INDICATOR or (assignment and assignment.role == Role.COOPERATING):
        raise ValidationFailed.on("field", _("该项没有可调整的目标值"))


def _new_value(item, assignment, milestone, field, raw):
    if field == AdjustmentField.MILESTONE_DATE:
        if not isinstance(raw, dt.date):
            raise ValidationFailed.on("new_value", _("请填写调整后的节点时间"))
        if raw.year != item.plan.year:
            raise ValidationFailed.on("new_value", _("节点时间须在计划年度内"))
        if raw == milestone.due_date:
            raise ValidationFailed.on("new_value", _("调整后的节点时间与原时间相同"))
        return milestone.due_date, raw
    value = to_decimal(raw, "new_value", _("调整后的数值"), required=True)
    holder = _holder(item, assignment)
    old = getattr(holder, field)
    if old == value:
        raise ValidationFailed.on("new_value", _("调整后的数值与原值相同"))
    staged = [value if q == field else getattr(holder, q) for q in QUARTERS]
    complete = all(v is not None for v in staged)
    decreasing = complete and any(b < a for a, b in zip(staged, staged[1:], strict=False))
    if item.nature == Nature.CUMULATIVE and decreasing:
        raise ValidationFailed.on("new_value", _("调整后累计值的分季度目标不能逐季减少"))
    return old, value


@transaction.atomic
def adjustment_request(
    *,
    actor,
    item: Item,
    field: str,
    new_value,
    reason: str,
    assignment: Assignment | None = None,
    milestone: Milestone | None = None,
) -> TargetAdjustment:
    item = Item.objects.select_related("plan").get(pk=item.pk)
    if assignment is not None:
        assignment = Assignment.objects.select_related("unit", "item__data_source_unit").get(
            pk=assignment.pk
        )
        if assignment.item_id != item.pk:
            raise ValidationFailed.on("assignment", _("任务分解不属于该目标任务"))
    _check_subject(actor, item, assignment, milestone, field)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("请填写调整理由"))
    old, new = _new_value(item, assignment, milestone, field, new_value)
    pending = TargetAdjustment.objects.filter(
        item=item,
        assignment=assignment,
        milestone=milestone,
        field=field,
        state=AdjustmentState.REQUESTED,
    )
    if pending.exists():
        raise ValidationFailed.on("field", _("同一内容已有待审批的调整申请，请等待审批结果"))
    adjustment = TargetAdjustment.objects.create(
        item=item,
        assignment=assignment,
        milestone=milestone,
        field=field,
        old_value=text_of(old),
        new_value=text_of(new),
        reason=reason,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="adjustment.request",
        target=Target.of(adjustment, "adjustment"),
        changes=diff(
            {},
            {"field": field, "old_value": adjustment.old_value, "new_value": adjustment.new_value},
        ),
        reason=reason,
    )
    return adjustment


def _lock(adjustment) -> TargetAdjustment:
    return (
        TargetAdjustment.objects.select_for_update(of=("self",))
        .select_related("item__plan", "assignment", "milestone")
        .get(pk=adjustment.pk)
    )


def _apply(adjustment: TargetAdjustment) -> tuple[dict, dict, list[int]]:
    """Write the new value to its field; the before/after and the assignments to recompute."""
    item = adjustment.item
    if adjustment.field == AdjustmentField.MILESTONE_DATE:
        milestone = Milestone.objects.select_for_update().get(pk=adjustment.milestone_id)
        before = {"milestone_date": milestone.due_date}
        milestone.due_date = dt.date.fromisoformat(adjustment.new_value)
        milestone.save(update_fields=["due_date"])
        return (
            before,
            {"milestone_date": milestone.due_date},
            list(item.assignments.values_list("pk", flat=True)),
        )
    holder_model = Assignment if adjustment.assignment_id else Item
    holder = holder_model.objects.select_for_update().get(pk=adjustment.assignment_id or item.pk)
    field = adjustment.field
    before = {field: getattr(holder, field)}
    setattr(holder, field, to_decimal(adjustment.new_value, "new_value", _("调整后的数值")))
    holder.version += 1
    holder.save(update_fields=[field, "version", "updated_at"])
    affected = (
        [holder.pk]
        if adjustment.assignment_id
        else list(item.assignments.values_list("pk", flat=True))
    )
    return before, {field: getattr(holder, field)}, affected


def _decide(adjustment, to_state, action_word):
    if to_state not in ADJUSTMENT_TRANSITIONS[AdjustmentState(adjustment.state)]:
        raise refuse_transition(ADJUSTMENT, adjustment.get_state_display(), action_word)


@transaction.atomic
def adjustment_approve(
    *, actor, adjustment, reason: str = "", expected_version: int | None = None
) -> TargetAdjustment:
    require_office(actor)
    adjustment = _lock(adjustment)
    check_version(adjustment, expected_version, ADJUSTMENT)
    _decide(adjustment, AdjustmentState.APPROVED, _("批准"))
    before, after, affected = _apply(adjustment)
    adjustment.state = AdjustmentState.APPROVED
    adjustment.decided_by = actor
    adjustment.decided_at = timezone.now()
    adjustment.decision_reason = (reason or "").strip()
    adjustment.version += 1
    adjustment.save()
    audit_record(
        actor=actor,
        action="adjustment.approve",
        target=Target.of(adjustment, "adjustment"),
        changes=diff(
            {"state": AdjustmentState.REQUESTED, **before}, {"state": adjustment.state, **after}
        ),
        reason=adjustment.decision_reason,
    )
    recompute(affected)
    return adjustment


@transaction.atomic
def adjustment_reject(
    *, actor, adjustment, reason: str, expected_version: int | None = None
) -> TargetAdjustment:
    require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("请填写不予批准的理由"))
    adjustment = _lock(adjustment)
    check_version(adjustment, expected_version, ADJUSTMENT)
    _decide(adjustment, AdjustmentState.REJECTED, _("不予批准"))
    adjustment.state = AdjustmentState.REJECTED
    adjustment.decided_by = actor
    adjustment.decided_at = timezone.now()
    adjustment.decision_reason = reason
    adjustment.version += 1
    adjustment.save()
    audit_record(
        actor=actor,
        action="adjustment.reject",
        target=Target.of(adjustment, "adjustment"),
        changes=diff({"state": AdjustmentState.REQUESTED}, {"state": adjustment.state}),
        reason=reason,
    )
    return adjustment
