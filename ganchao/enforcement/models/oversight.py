"""Oversight of enforcement (the mechanism's warnings and B11, B13): complaints and inspections
by place (监管缺位), the clocks' escalation to the agency's leader in charge, and the annual
statistics."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.enforcement.choices import ClockName, ComplaintState
from ganchao.supervision.choices import Level

USER = settings.AUTH_USER_MODEL


class Complaint(models.Model):
    """A complaint or report (投诉举报) about a place; the complainant is not kept here."""

    agency = models.ForeignKey(
        "enforcement.Agency", on_delete=models.PROTECT, related_name="complaints"
    )
    place = models.CharField(_("地点"), max_length=200)
    place_key = models.CharField(_("地点标识"), max_length=200, db_index=True)
    received_on = models.DateField(_("收到日期"), db_index=True)
    channel = models.CharField(_("渠道"), max_length=50, blank=True)
    summary = models.TextField(_("反映问题"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ComplaintState.choices, default=ComplaintState.OPEN
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("投诉举报")

    def __str__(self) -> str:
        return f"{self.place} {self.received_on}"


class Inspection(models.Model):
    """An inspection of a place, with or without a case (日常检查、双随机抽查)."""

    agency = models.ForeignKey(
        "enforcement.Agency", on_delete=models.PROTECT, related_name="inspections"
    )
    matter = models.ForeignKey(
        "enforcement.EnforcementMatter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    place = models.CharField(_("地点"), max_length=200)
    place_key = models.CharField(_("地点标识"), max_length=200, db_index=True)
    inspected_on = models.DateField(_("检查日期"), db_index=True)
    random = models.BooleanField(_("双随机抽查"), default=False)
    result = models.TextField(_("检查结果"))
    case = models.ForeignKey(
        "enforcement.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("执法检查")

    def __str__(self) -> str:
        return f"{self.place} {self.inspected_on}"


class ClockAlert(models.Model):
    """An overdue clock of a case on the escalation ladder (DESIGN.md 3.9 levels): 催办 to the
    agency when it falls due unmet, 督办 to the agency's leader in charge after the configured
    working days. One row per cause (case, clock, due date, level); a tick never repeats it."""

    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, related_name="alerts")
    clock = models.CharField(_("时限"), max_length=24, choices=ClockName.choices)
    due = models.DateField(_("期限"))
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        "orgs.Leader", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "clock", "due", "level"], name="enf_clock_alert_unique"
            )
        ]
        verbose_name = _("执法时限催督办")

    def __str__(self) -> str:
        return f"{self.case_id} {self.clock} {self.level}"


class AnnualReport(models.Model):
    """B13: an agency's published statistics of the previous year, due 31 January."""

    agency = models.ForeignKey(
        "enforcement.Agency", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveIntegerField(_("统计年度"))
    figures = models.JSONField(_("统计数据"), default=dict)
    note = models.TextField(_("说明"), blank=True)
    published_at = models.DateTimeField(_("公开时间"))
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "agency"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="enf_annual_report_unique")
        ]
        verbose_name = _("年度执法数据")

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}"
