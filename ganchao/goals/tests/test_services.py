"""Plans, items, assignments and target adjustments through their services."""

import datetime as dt
from decimal import Decimal

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.goals import services, services_adjustments
from ganchao.goals.choices import AdjustmentState, ItemType, PlanState, Role
from ganchao.goals.tests.factories import make_plan


def test_plan_create_item_create_and_issue(city):
    plan = services.plan_create(actor=city.office, owner=city.root, year=2027)
    with pytest.raises(ValidationFailed, match="已有2027年度计划"):
        services.plan_create(actor=city.office, owner=city.root, year=2027)
    with pytest.raises(ValidationFailed, match="没有指标或任务"):
        services.plan_issue(actor=city.office, plan=plan)
    services.item_create(
        actor=city.office, plan=plan, code="1", type=ItemType.GOAL, name="经济发展"
    )
    item = services.item_create(
        actor=city.office,
        plan=plan,
        code="1.1",
        type=ItemType.INDICATOR,
        name="地区生产总值增速",
        measure_unit="%",
        target="6.5",
        nature="level",
    )
    with pytest.raises(ValidationFailed, match="牵头单位"):
        services.plan_issue(actor=city.office, plan=plan)
    services.assignment_create(actor=city.office, item=item, unit=city.town_a, role=Role.LEAD)
    plan = services.plan_issue(actor=city.office, plan=plan)
    assert plan.state == PlanState.ISSUED
    with pytest.raises(Conflict, match="已下达"):
        services.plan_issue(actor=city.office, plan=plan)
    assert AuditEvent.objects.filter(action="plan.issue").count() == 1


def test_only_the_office_plans(city):
    with pytest.raises(Forbidden):
        services.plan_create(actor=city.liaison_a, owner=city.root, year=2027)


@pytest.mark.parametrize(
    "code, type, values, message",
    [
        ("1", ItemType.INDICATOR, {"measure_unit": "个", "target": 1}, "一级编号只能是目标"),
        ("9.1", ItemType.TASK, {"deadline": dt.date(2026, 6, 1)}, "上级编号"),
        ("1.1.1", ItemType.TASK, {"deadline": dt.date(2026, 6, 1)}, "指标下不能设任务"),
        ("1.9", ItemType.INDICATOR, {"target": 1}, "计量单位"),
        ("1.9", ItemType.INDICATOR, {"measure_unit": "个", "target": "abc"}, "不是数字"),
        ("1.9", ItemType.INDICATOR, {"measure_unit": "个", "target": 10, "q1": 1}, "四个季度"),
        (
            "1.9",
            ItemType.INDICATOR,
            {"measure_unit": "个", "target": 10, "q1": 5, "q2": 3, "q3": 8, "q4": 10},
            "逐季减少",
        ),
        (
            "1.9",
            ItemType.INDICATOR,
            {"measure_unit": "个", "target": 10, "q1": 1, "q2": 3, "q3": 8, "q4": 9},
            "等于目标值",
        ),
        ("1.9", ItemType.TASK, {}, "节点安排或完成时限"),
        ("1.x", ItemType.TASK, {}, "数字编号"),
    ],
)
def test_item_create_refusals(city, code, type, values, message):
    tree = make_plan(city, issued=False)
    with pytest.raises(ValidationFailed, match=message):
        services.item_create(
            actor=city.office, plan=tree.plan, code=code, type=type, name="新项", **values
        )


def test_targets_edit_directly_before_issue_and_refused_after(city):
    tree = make_plan(city, issued=False)
    item = services.item_update(
        actor=city.office,
        item=tree.level_indicator,
        target="5.0",
        expected_version=tree.level_indicator.version,
    )
    assert item.target == Decimal("5.0")
    services.assignment_update(actor=city.office, assignment=tree.level_lead, target="4.8")
    tree.plan.state = PlanState.ISSUED
    tree.plan.save()
    with pytest.raises(ValidationFailed, match="请通过目标调整办理"):
        services.item_update(actor=city.office, item=item, target="4.0")
    with pytest.raises(ValidationFailed, match="请通过目标调整办理"):
        services.assignment_update(actor=city.office, assignment=tree.level_lead, target="4.0")
    milestones = [(m.due_date, m.description) for m in tree.milestones]
    milestones[0] = (dt.date(2026, 4, 30), milestones[0][1])
    with pytest.raises(ValidationFailed, match="请通过目标调整办理"):
        services.item_update(actor=city.office, item=tree.task, milestones=milestones)
    renamed = services.item_update(actor=city.office, item=item, name="城镇调查失业率（季度）")
    assert renamed.name.endswith("（季度）")


def test_stale_item_version_conflicts(city):
    tree = make_plan(city, issued=False)
    services.item_update(actor=city.office, item=tree.indicator, name="改一", expected_version=1)
    with pytest.raises(Conflict, match="已被他人修改"):
        services.item_update(
            actor=city.office, item=tree.indicator, name="改二", expected_version=1
        )


def test_assignment_rules(city):
    tree = make_plan(city, issued=False)
    with pytest.raises(ValidationFailed, match="只能有一个牵头单位"):
        services.assignment_create(
            actor=city.office, item=tree.indicator, unit=city.stats, role=Role.LEAD
        )
    with pytest.raises(ValidationFailed, match="已承担"):
        services.assignment_create(
            actor=city.office, item=tree.indicator, unit=city.town_a, role=Role.RESPONSIBLE
        )
    with pytest.raises(ValidationFailed, match="目标只作归类"):
        services.assignment_create(
            actor=city.office, item=tree.goal, unit=city.stats, role=Role.LEAD
        )
    created = services.assignment_create(
        actor=city.office, item=tree.indicator, unit=city.stats, role=Role.RESPONSIBLE
    )
    assert created.target == tree.indicator.target  # the item's targets by default


# ---- adjustments ------------------------------------------------------------------------------


def test_adjustment_approval_changes_the_effective_target_and_keeps_the_original(city):
    tree = make_plan(city)
    adjustment = services_adjustments.adjustment_request(
        actor=city.liaison_a,
        item=tree.indicator,
        assignment=tree.ind_lead,
        field="q4",
        new_value="11000",
        reason="重点企业减产",
    )
    with pytest.raises(ValidationFailed, match="待审批"):
        services_adjustments.adjustment_request(
            actor=city.liaison_a,
            item=tree.indicator,
            assignment=tree.ind_lead,
            field="q4",
            new_value="10000",
            reason="再调",
        )
    approved = services_adjustments.adjustment_approve(actor=city.office, adjustment=adjustment)
    tree.ind_lead.refresh_from_db()
    assert tree.ind_lead.q4 == Decimal("11000")
    assert (approved.state, approved.old_value, approved.new_value) == (
        AdjustmentState.APPROVED,
        "12000",
        "11000",
    )
    with pytest.raises(Conflict, match="已批准"):
        services_adjustments.adjustment_reject(
            actor=city.office, adjustment=approved, reason="晚了"
        )
    assert AuditEvent.objects.filter(action="adjustment.approve").count() == 1


def test_milestone_date_adjustment(city):
    tree = make_plan(city)
    milestone = tree.milestones[1]
    adjustment = services_adjustments.adjustment_request(
        actor=city.liaison_a,
        item=tree.task,
        assignment=tree.task_lead,
        milestone=milestone,
        field="milestone_date",
        new_value=dt.date(2026, 8, 31),
        reason="用地审批延后",
    )
    services_adjustments.adjustment_approve(actor=city.office, adjustment=adjustment)
    milestone.refresh_from_db()
    assert milestone.due_date == dt.date(2026, 8, 31) and adjustment.old_value == "2026-06-30"


def test_adjustment_reject_needs_a_reason_and_changes_nothing(city):
    tree = make_plan(city)
    adjustment = services_adjustments.adjustment_request(
        actor=city.liaison_a,
        item=tree.indicator,
        assignment=tree.ind_lead,
        field="target",
        new_value="1",
        reason="难",
    )
    with pytest.raises(ValidationFailed, match="理由"):
        services_adjustments.adjustment_reject(actor=city.office, adjustment=adjustment, reason="")
    rejected = services_adjustments.adjustment_reject(
        actor=city.office, adjustment=adjustment, reason="理由不充分"
    )
    tree.ind_lead.refresh_from_db()
    assert rejected.state == AdjustmentState.REJECTED and tree.ind_lead.target == Decimal("12000")
    with pytest.raises(Conflict, match="未批准"):
        services_adjustments.adjustment_approve(actor=city.office, adjustment=rejected)


@pytest.mark.parametrize(
    "who, assignment_name, values, error",
    [
        ("liaison_b", "ind_lead", {"field": "target", "new_value": "1"}, Forbidden),
        ("liaison_a", None, {"field": "target", "new_value": "1"}, Forbidden),
        ("liaison_a", "ind_lead", {"field": "target", "new_value": "12000"}, ValidationFailed),
        ("liaison_a", "ind_lead", {"field": "q2", "new_value": "100"}, ValidationFailed),
        (
            "liaison_a",
            "ind_lead",
            {"field": "target", "new_value": "1", "reason": ""},
            ValidationFailed,
        ),
        ("liaison_b", "task_coop", {"field": "target", "new_value": "1"}, ValidationFailed),
    ],
)
def test_adjustment_request_refusals(city, who, assignment_name, values, error):
    tree = make_plan(city)
    assignment = getattr(tree, assignment_name) if assignment_name else None
    item = assignment.item if assignment else tree.indicator
    with pytest.raises(error):
        services_adjustments.adjustment_request(
            actor=getattr(city, who),
            item=item,
            assignment=assignment,
            **{"reason": "理由", **values},
        )


def test_no_adjustments_before_issue(city):
    tree = make_plan(city, issued=False)
    with pytest.raises(ValidationFailed, match="无需办理目标调整"):
        services_adjustments.adjustment_request(
            actor=city.office, item=tree.indicator, field="target", new_value="1", reason="改"
        )
