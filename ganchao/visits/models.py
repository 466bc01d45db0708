"""Field visits (调研/督导) with their findings, guidance (指导事项) and demands (要求事项), and
the burden meter's hand-recorded requests and threshold.

Guidance and demands are separate tables on purpose: the leader's page sets one against the
other ("只督导、不指导"). A finding may become a matter (督办事项) of the supervision app;
`matter_id` holds that matter's id once it has been created.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.models import TimeStamped
from ganchao.visits.choices import (
    DEFAULT_MONTHLY_THRESHOLD,
    PlaceKind,
    RequestKind,
    Severity,
    VisitKind,
)


class FieldVisit(TimeStamped):
    """Who went (a leader and/or users), where (a unit and a place), when, and why."""

    kind = models.CharField(
        _("类型"), max_length=16, choices=VisitKind.choices, default=VisitKind.RESEARCH
    )
    leader = models.ForeignKey(
        "orgs.Leader",
        verbose_name=_("带队市级领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参加人员"), blank=True, related_name="visits"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("走访单位"), on_delete=models.PROTECT, related_name="visits"
    )
    place_kind = models.CharField(_("地点类型"), max_length=16, choices=PlaceKind.choices)
    place_name = models.CharField(_("地点名称"), max_length=200)
    visited_on = models.DateField(_("日期"), db_index=True)
    purpose = models.TextField(_("调研督导事由"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["leader", "visited_on"], name="visit_leader_date_idx")]
        verbose_name = _("调研督导")

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.place_name}"


class Finding(models.Model):
    """A problem found on the visit, with its severity; may become a matter for a unit."""

    visit = models.ForeignKey(FieldVisit, on_delete=models.PROTECT, related_name="findings")
    position = models.PositiveSmallIntegerField()
    description = models.TextField(_("发现问题"))
    severity = models.CharField(
        _("严重程度"), max_length=16, choices=Severity.choices, default=Severity.MINOR
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visit_findings",
    )
    matter_id = models.PositiveIntegerField(_("督办事项"), null=True, blank=True)

    class Meta:
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="finding_position_unique")
        ]
        verbose_name = _("发现问题")

    def __str__(self) -> str:
        return self.description[:60]


class Guidance(models.Model):
    """指导事项: help given on the spot (a method, a contact, a resource), not a demand."""

    visit = models.ForeignKey(FieldVisit, on_delete=models.PROTECT, related_name="guidance")
    position = models.PositiveSmallIntegerField()
    content = models.TextField(_("指导事项"))

    class Meta:
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="guidance_position_unique")
        ]
        verbose_name = _("指导事项")

    def __str__(self) -> str:
        return self.content[:60]


class Demand(models.Model):
    """要求事项: what the unit was told to do."""

    visit = models.ForeignKey(FieldVisit, on_delete=models.PROTECT, related_name="demands")
    position = models.PositiveSmallIntegerField()
    content = models.TextField(_("要求事项"))

    class Meta:
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="demand_position_unique")
        ]
        verbose_name = _("要求事项")

    def __str__(self) -> str:
        return self.content[:60]


class BurdenRequest(models.Model):
    """A request to grassroots units recorded by hand (a department's data request, a form)."""

    title = models.CharField(_("标题"), max_length=300)
    kind = models.CharField(
        _("类型"), max_length=16, choices=RequestKind.choices, default=RequestKind.DATA_REQUEST
    )
    from_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("发出单位"), on_delete=models.PROTECT, related_name="+"
    )
    to_units = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("接收单位"), related_name="burden_requests"
    )
    sent_on = models.DateField(_("发出日期"), db_index=True)
    item = models.ForeignKey(
        "goals.Item",
        verbose_name=_("关联目标任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="burden_requests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("下发要求登记")

    def __str__(self) -> str:
        return self.title


class BurdenSetting(models.Model):
    """The burden meter's settings: one row (pk 1); absent means the defaults."""

    monthly_threshold = models.PositiveIntegerField(
        _("每月警示阈值"), default=DEFAULT_MONTHLY_THRESHOLD
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("基层负担设置")

    def __str__(self) -> str:
        return f"{self.monthly_threshold}"
