"""Key projects (重点项目).

A key project IS a goal item (goals.Item, a task of an issued or draft plan) with its lead
assignment and milestones; this app keeps only what a project has beyond that:

- `KeyProject`: the project's code, leader in charge, lead unit, town and place, category,
  funding source, total and annual planned investment, and its planned start, completion
  and production dates. A planned date inside the plan's year is the item's goal milestone
  (`*_milestone`), completed through the goals' progress reports like any task's milestone,
  and from then on the milestone's date is the one read (a target adjustment moves it; the
  field keeps the date entered); a date in another year has no milestone in this year's plan
  and is shown as planned only.
- `ApprovalStep`: the pre-approval steps 立项、用地、环评、施工许可.
- `MonthlyInvestment`: planned and actual investment per month, the one source of the
  project's investment figures (the goal item carries no investment values).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.models import TimeStamped
from ganchao.projects.choices import Category, FundingSource, StepKind, StepState

MONEY = {"max_digits": 16, "decimal_places": 2}


class KeyProject(TimeStamped):
    """What a key project adds to its goal item."""

    item = models.OneToOneField("goals.Item", on_delete=models.PROTECT, related_name="key_project")
    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    leader = models.ForeignKey(
        "orgs.Leader",
        verbose_name=_("分管市领导"),
        on_delete=models.PROTECT,
        related_name="key_projects",
    )
    lead_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("所在镇街"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.CharField(_("建设地点"), max_length=200, blank=True)
    category = models.CharField(_("项目类别"), max_length=20, choices=Category.choices)
    funding_source = models.CharField(_("资金来源"), max_length=20, choices=FundingSource.choices)
    total_investment = models.DecimalField(_("总投资（万元）"), **MONEY)
    annual_plan = models.DecimalField(_("年度计划投资（万元）"), **MONEY)
    start_planned = models.DateField(_("计划开工日期"))
    completion_planned = models.DateField(_("计划竣工日期"))
    production_planned = models.DateField(_("计划投产日期"), null=True, blank=True)
    start_milestone = models.OneToOneField(
        "goals.Milestone", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_milestone = models.OneToOneField(
        "goals.Milestone", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    production_milestone = models.OneToOneField(
        "goals.Milestone", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("建设内容"), blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["leader", "code"], name="keyproject_leader_idx")]
        verbose_name = _("重点项目")

    def __str__(self) -> str:
        return f"{self.code} {self.item.name}" if self.item_id else self.code


class ApprovalStep(TimeStamped):
    """A pre-approval step of a project (立项、用地、环评、施工许可), one of each kind."""

    project = models.ForeignKey(KeyProject, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("手续"), max_length=16, choices=StepKind.choices)
    position = models.PositiveSmallIntegerField()
    planned_on = models.DateField(_("计划办结日期"), null=True, blank=True)
    done_on = models.DateField(_("实际办结日期"), null=True, blank=True)
    document_number = models.CharField(_("批复文号"), max_length=100, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=StepState.choices, default=StepState.PENDING
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="approvalstep_kind_unique")
        ]
        ordering = ["project", "position"]
        verbose_name = _("前期手续")

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_kind_display()}"


class MonthlyInvestment(TimeStamped):
    """Planned and actual investment of one month (`month` is its first day), in 万元."""

    project = models.ForeignKey(KeyProject, on_delete=models.PROTECT, related_name="months")
    month = models.DateField(_("月份"))
    planned = models.DecimalField(_("计划投资（万元）"), default=0, **MONEY)
    actual = models.DecimalField(_("完成投资（万元）"), null=True, blank=True, **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="monthlyinv_month_unique")
        ]
        ordering = ["project", "month"]
        verbose_name = _("月度投资")

    def __str__(self) -> str:
        return f"{self.project.code} {self.month:%Y-%m}"
