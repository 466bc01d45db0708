"""The goal tree: plans, goals, indicators and tasks (items), milestones, assignments to units,
progress reports with evidence, and target adjustments.

Computed status fields (status, expected, actual, red_since, stale, status_at) are derived data
written by the status recompute (goals/status_engine via services), never typed in and not audited.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.crypto import EncryptedCharField
from ganchao.common.models import TimeStamped
from ganchao.goals.choices import (
    AdjustmentField,
    AdjustmentState,
    Direction,
    Frequency,
    ItemType,
    Nature,
    PlanState,
    ReportState,
    Role,
    Status,
)
from ganchao.goals.precision import MAX_PLACES, display_places

DECIMAL = {"max_digits": 20, "decimal_places": 4, "null": True, "blank": True}


class Plan(TimeStamped):
    """A year's plan of an owner unit (the city by default); drafted, then issued (下达)."""

    owner = models.ForeignKey(
        "orgs.Unit", verbose_name=_("编制单位"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT
    )
    issued_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    # Plan settings (DESIGN.md 3.8 thresholds); these are the defaults.
    report_due_working_days = models.PositiveSmallIntegerField(
        _("报送期限（期末后第几个工作日）"), default=5
    )
    yellow_gap = models.DecimalField(
        _("滞后与严重滞后的分界（差距比例）"), max_digits=6, decimal_places=4, default="0.1000"
    )
    red_overdue_working_days = models.PositiveSmallIntegerField(
        _("节点超期转为严重滞后的工作日数"), default=5
    )
    last_status_at = models.DateTimeField(_("状态计算时间"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "year"], name="plan_owner_year_unique")
        ]
        ordering = ["-year", "owner__path"]
        verbose_name = _("年度计划")

    def __str__(self) -> str:
        return self.name or f"{self.year}年度目标任务"


class Item(TimeStamped):
    """A node of the plan's tree: a goal (grouping), an indicator (quantitative leaf) or a task."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("编号"), max_length=64)
    sort_key = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=500)
    type = models.CharField(_("类型"), max_length=16, choices=ItemType.choices)
    category = models.CharField(_("类别"), max_length=50, blank=True)
    measure_unit = models.CharField(_("计量单位"), max_length=30, blank=True)
    # How many decimals the item's figures show; None: by its unit of measure (goals.precision).
    decimal_places = models.PositiveSmallIntegerField(
        _("小数位数"), null=True, blank=True, validators=[MaxValueValidator(MAX_PLACES)]
    )
    baseline = models.DecimalField(_("基期值"), **DECIMAL)
    target = models.DecimalField(_("目标值"), **DECIMAL)
    stretch_target = models.DecimalField(_("力争值"), **DECIMAL)
    direction = models.CharField(
        _("指标方向"), max_length=16, choices=Direction.choices, default=Direction.POSITIVE
    )
    nature = models.CharField(
        _("指标性质"), max_length=16, choices=Nature.choices, default=Nature.CUMULATIVE
    )
    frequency = models.CharField(
        _("报送频次"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    q1 = models.DecimalField(_("一季度"), **DECIMAL)
    q2 = models.DecimalField(_("二季度"), **DECIMAL)
    q3 = models.DecimalField(_("三季度"), **DECIMAL)
    q4 = models.DecimalField(_("四季度"), **DECIMAL)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    data_source_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("数据来源单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leaders = models.ManyToManyField(
        "orgs.Leader", verbose_name=_("分管市领导"), blank=True, related_name="items"
    )
    weight = models.DecimalField(_("权重"), max_digits=10, decimal_places=4, default=1)
    note = models.TextField(_("备注"), blank=True)
    # derived (the lead assignment's; goals keep counts instead)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, blank=True)
    expected = models.DecimalField(_("序时目标"), **DECIMAL)
    actual = models.DecimalField(_("实际完成"), **DECIMAL)
    stale = models.BooleanField(_("连续两期未报送"), default=False)
    status_counts = models.JSONField(default=dict, blank=True)
    on_track_ratio = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="item_plan_code_unique")
        ]
        indexes = [models.Index(fields=["plan", "sort_key"], name="item_plan_sort_idx")]
        ordering = ["plan", "sort_key"]
        verbose_name = _("目标任务")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @staticmethod
    def sort_key_for(code: str) -> str:
        return ".".join(f"{int(part):05d}" for part in code.split("."))

    @property
    def display_places(self) -> int:
        """Decimals its figures show: its own setting, else by its unit of measure."""
        return display_places(self.decimal_places, self.measure_unit)


class Milestone(models.Model):
    """A dated step of a task (节点), matched by position within its item."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    due_date = models.DateField(_("节点时间"))
    description = models.CharField(_("节点内容"), max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "position"], name="milestone_item_position_unique"
            )
        ]
        ordering = ["item", "position"]
        verbose_name = _("节点")

    def __str__(self) -> str:
        return f"{self.due_date:%Y-%m-%d}：{self.description}"


# Worst first: what a leader must look at before anything else.
STATUS_RANK = [
    Status.RED,
    Status.NOT_REPORTED,
    Status.YELLOW,
    Status.GREEN,
    Status.NOT_STARTED,
    Status.DONE,
]


def status_rank() -> models.Case:
    """An expression ordering statuses worst first (STATUS_RANK), blank last. The statuses
    list orders by it and an index on it (assignment_rank_idx) serves that order, so the two
    must stay the same expression."""
    return models.Case(
        *[models.When(status=s, then=models.Value(i)) for i, s in enumerate(STATUS_RANK)],
        default=models.Value(len(STATUS_RANK)),
        output_field=models.IntegerField(),
    )


class Assignment(TimeStamped):
    """An item bound to a unit with a role, its own targets and named people."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    target = models.DecimalField(_("目标值"), **DECIMAL)
    q1 = models.DecimalField(_("一季度"), **DECIMAL)
    q2 = models.DecimalField(_("二季度"), **DECIMAL)
    q3 = models.DecimalField(_("三季度"), **DECIMAL)
    q4 = models.DecimalField(_("四季度"), **DECIMAL)
    weight = models.DecimalField(_("权重"), max_digits=10, decimal_places=4, default=1)
    responsible_leader = models.CharField(_("责任领导"), max_length=50, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)
    # derived
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, blank=True, db_index=True
    )
    expected = models.DecimalField(_("序时目标"), **DECIMAL)
    actual = models.DecimalField(_("实际完成"), **DECIMAL)
    red_since = models.DateField(_("严重滞后起始日"), null=True, blank=True)
    stale = models.BooleanField(_("连续两期未报送"), default=False)
    status_period = models.CharField(_("据以计算的期间"), max_length=8, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="assignment_item_unit_unique")
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="assignment_unit_status_idx"),
            # the statuses list: one status, longest red spell first; and worst first
            models.Index(fields=["status", "red_since"], name="assignment_status_red_idx"),
            models.Index(status_rank(), "red_since", name="assignment_rank_idx"),
        ]
        verbose_name = _("任务分解")

    def __str__(self) -> str:
        return f"{self.item.code} → {self.unit}"


class ProgressReport(TimeStamped):
    """A report of an assignment for one data period (2026-04 or 2026-Q2); versioned, never
    overwritten once accepted. `is_current` marks the newest version of its period."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    period = models.CharField(_("数据期间"), max_length=8)
    period_end = models.DateField(_("期末日期"))
    revision = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(default=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    value = models.DecimalField(_("数值"), **DECIMAL)
    narrative = models.TextField(_("进展说明"), blank=True)
    late = models.BooleanField(_("逾期报送"), default=False)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period", "revision"], name="report_period_revision_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["assignment", "period_end", "is_current"], name="report_lookup_idx"
            ),
            # an assignment's reports list: newest period and version first
            models.Index(
                fields=["assignment", "-period_end", "-revision"], name="report_newest_idx"
            ),
            # the work list's current report of a row's period (and whether it counts)
            models.Index(
                fields=["assignment", "period", "state"],
                condition=models.Q(is_current=True),
                name="wb_report_current_idx",
            ),
        ]
        ordering = ["assignment", "period_end", "revision"]
        verbose_name = _("进展报送")

    def __str__(self) -> str:
        return f"{self.assignment} {self.period} v{self.revision}"


class MilestoneCompletion(models.Model):
    """A milestone reported complete (with its date) in a task's report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="completions")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(_("完成日期"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "milestone"], name="completion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.milestone} ✓ {self.completed_on}"


class Evidence(models.Model):
    """An evidence file of a report: type checked by content, hashed on upload, re-verified on download."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name


class TargetAdjustment(TimeStamped):
    """A requested change of a target, a staged target or a milestone date (目标调整).

    `assignment` is null for the item's own targets; `milestone` is set for a date change.
    Old and new values are kept as text so that both stay visible after approval.
    """

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="adjustments")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="adjustments"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="adjustments"
    )
    field = models.CharField(_("调整内容"), max_length=16, choices=AdjustmentField.choices)
    old_value = models.CharField(_("原值"), max_length=40)
    new_value = models.CharField(_("调整为"), max_length=40)
    reason = models.TextField(_("调整理由"))
    state = models.CharField(
        _("状态"), max_length=16, choices=AdjustmentState.choices, default=AdjustmentState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("目标调整")

    def __str__(self) -> str:
        return f"{self.item.code} {self.get_field_display()} {self.old_value} → {self.new_value}"


class MonthlyStatus(models.Model):
    """An assignment's status as of the end of a month, kept for trends and heat maps."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="monthly_statuses"
    )
    month = models.DateField(_("月末"))
    status = models.CharField(max_length=16, choices=Status.choices)
    reported_on_time = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "month"], name="monthly_status_unique")
        ]
        indexes = [models.Index(fields=["month", "status"], name="monthly_status_month_idx")]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.month} {self.status}"
