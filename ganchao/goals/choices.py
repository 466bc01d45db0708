"""Item types, indicator direction and nature, report frequency, roles, states and statuses,
and the allowed transitions of plans, reports and adjustments (declared as data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已下达")
    CLOSED = "closed", _("已结束")


PLAN_TRANSITIONS = {
    PlanState.DRAFT: {PlanState.ISSUED},
    PlanState.ISSUED: {PlanState.CLOSED},
    PlanState.CLOSED: set(),
}


class ItemType(models.TextChoices):
    GOAL = "goal", _("目标")
    INDICATOR = "indicator", _("指标")
    TASK = "task", _("任务")


ITEM_TYPE_BY_WORD = {"目标": ItemType.GOAL, "指标": ItemType.INDICATOR, "任务": ItemType.TASK}


class Direction(models.TextChoices):
    POSITIVE = "positive", _("正向")
    NEGATIVE = "negative", _("逆向")


class Nature(models.TextChoices):
    CUMULATIVE = "cumulative", _("累计值")
    LEVEL = "level", _("水平值")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("月度")
    QUARTERLY = "quarterly", _("季度")


class Role(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    RESPONSIBLE = "responsible", _("责任单位")
    COOPERATING = "cooperating", _("配合单位")


class Status(models.TextChoices):
    """红黄绿灯 (DESIGN.md 3.8); always shown as a light and a word."""

    GREEN = "green", pgettext_lazy("status", "正常")
    YELLOW = "yellow", _("滞后")
    RED = "red", _("严重滞后")
    NOT_REPORTED = "not_reported", _("未报送")
    NOT_STARTED = "not_started", _("未开始")
    DONE = "done", _("已完成")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已审核")
    RETURNED = "returned", _("已退回")


REPORT_TRANSITIONS = {
    ReportState.DRAFT: {ReportState.SUBMITTED},
    ReportState.SUBMITTED: {ReportState.ACCEPTED, ReportState.RETURNED},
    ReportState.RETURNED: {ReportState.SUBMITTED},
    ReportState.ACCEPTED: set(),  # a correction is a new version
}
# States whose value counts for status (DESIGN.md 3.8).
COUNTING_REPORT_STATES = {ReportState.SUBMITTED, ReportState.ACCEPTED}


class AdjustmentState(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


ADJUSTMENT_TRANSITIONS = {
    AdjustmentState.REQUESTED: {AdjustmentState.APPROVED, AdjustmentState.REJECTED},
    AdjustmentState.APPROVED: set(),
    AdjustmentState.REJECTED: set(),
}


class AdjustmentField(models.TextChoices):
    TARGET = "target", _("目标值")
    Q1 = "q1", _("一季度目标")
    Q2 = "q2", _("二季度目标")
    Q3 = "q3", _("三季度目标")
    Q4 = "q4", _("四季度目标")
    MILESTONE_DATE = "milestone_date", _("节点时间")
