"""Enterprises, their service commissioners (服务专员) and visits, and the enterprises' appeals
(诉求) with the three tier clocks of DESIGN.md 3.14 and the one-time satisfaction link."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.models import TimeStamped
from ganchao.enterprises.choices import (
    AppealCategory,
    AppealState,
    Channel,
    EventKind,
    Scale,
    Sector,
)


class EnterpriseSettings(models.Model):
    """The appeal clocks (one row, pk=1, kept by the office). A change applies to appeals
    received afterwards; each appeal keeps the deadlines computed when it was received."""

    acknowledge_hours = models.PositiveSmallIntegerField(_("响应时限（工作小时）"), default=2)
    plan_days = models.PositiveSmallIntegerField(_("制定方案时限（工作日）"), default=3)
    resolve_days = models.PositiveSmallIntegerField(_("解决时限（工作日）"), default=15)
    rating_link_days = models.PositiveSmallIntegerField(_("评价链接有效期（日）"), default=30)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("企业服务设置")

    def __str__(self) -> str:
        return f"{self.acknowledge_hours}h / {self.plan_days}d / {self.resolve_days}d"

    @classmethod
    def load(cls) -> "EnterpriseSettings":
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class Enterprise(TimeStamped):
    """An enterprise served in a town; its credit code is checked by GB 32100-2015."""

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    sector = models.CharField(_("行业"), max_length=16, choices=Sector.choices)
    scale = models.CharField(_("规模"), max_length=8, choices=Scale.choices)
    town = models.ForeignKey(
        "orgs.Unit", verbose_name=_("所在镇街"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["town", "name"], name="enterprise_town_name_idx")]

    def __str__(self) -> str:
        return self.name


class Commissioner(models.Model):
    """A user serving an enterprise (服务专员) from `start_on` until `end_on` (open when null)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="commissioners"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="served_enterprises"
    )
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "pk"]
        indexes = [models.Index(fields=["user", "end_on"], name="commissioner_user_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.user}"


class EnterpriseVisit(models.Model):
    """A commissioner's visit to the enterprise (走访): who went, what was said and found."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("走访日期"))
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    participants = models.CharField(_("参加人员"), max_length=200, blank=True)
    notes = models.TextField(_("走访情况"))
    findings = models.TextField(_("发现的问题"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"


class Appeal(TimeStamped):
    """An enterprise's appeal (诉求) with its deadlines fixed when received (3.14 tiers)."""

    number = models.CharField(_("诉求编号"), max_length=20, unique=True)
    year = models.PositiveIntegerField()
    seq = models.PositiveIntegerField()
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="appeals")
    title = models.CharField(_("诉求事项"), max_length=200)
    content = models.TextField(_("诉求内容"))
    category = models.CharField(_("诉求类别"), max_length=16, choices=AppealCategory.choices)
    channel = models.CharField(_("受理渠道"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("受理时间"))
    owner_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务专员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=AppealState.choices,
        default=AppealState.RECEIVED,
        db_index=True,
    )
    acknowledge_due = models.DateTimeField(_("响应时限"))
    plan_due = models.DateTimeField(_("方案时限"))
    resolve_due = models.DateTimeField(_("解决时限"))
    calendar_provisional = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    plan = models.TextField(_("办理方案"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    # Office hours from receipt to resolution, fixed when resolved (the scorecard's median).
    resolve_hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    rating_comment = models.TextField(_("企业评价"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("问题台账"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "resolve_due"], name="appeal_state_due_idx"),
            models.Index(fields=["owner_unit", "state"], name="appeal_unit_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="appeal_year_seq"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="appeal_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AppealEvent(models.Model):
    """The appeal's timeline."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


class RatingLink(models.Model):
    """A one-time satisfaction link: only the SHA-256 of its token is kept; it answers once,
    until `expires_at`."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="rating_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.expires_at:%Y-%m-%d}"
