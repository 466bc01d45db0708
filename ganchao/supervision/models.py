"""Alerts of the escalation ladder. Each cause — (level, trigger, subject, period or deadline) —
fires at most once (a unique constraint); a dismissed proposal closes its cause."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.supervision.choices import Level, Trigger
from ganchao.supervision.matter_choices import (
    ExtensionState,
    FeedbackKind,
    HandlingRole,
    MatterState,
    Source,
    Urgency,
)


class Alert(models.Model):
    """A ladder event about an assignment or a supervised matter."""

    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    trigger = models.CharField(_("触发原因"), max_length=32, choices=Trigger.choices)
    assignment = models.ForeignKey(
        "goals.Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    matter = models.ForeignKey(
        "supervision.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    cause_key = models.CharField(_("期间或期限"), max_length=32)
    at = models.DateTimeField(_("时间"), db_index=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="alerts")
    message = models.TextField(_("内容"))
    response_due = models.DateField(_("回应期限"), null=True, blank=True)
    responded_at = models.DateTimeField(_("回应时间"), null=True, blank=True)
    response = models.TextField(_("书面说明"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "trigger", "assignment", "cause_key"], name="alert_cause_unique"
            ),
            models.UniqueConstraint(
                fields=["level", "trigger", "matter", "cause_key"],
                name="alert_matter_cause_unique",
            ),
        ]
        ordering = ["-at", "-id"]
        verbose_name = _("催督办")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_trigger_display()} {self.cause_key}"


# ---- supervised matters (督办事项) --------------------------------------------------------------


class Matter(models.Model):
    """A matter that must be answered: a leader's instruction, a meeting decision, a key work
    item, a proposal, a higher-level assignment or a public appeal. Its deadlines are computed
    from the urgency tier on the working-day calendar (matter_rules); `responded_at` stops the
    current response clock and is cleared when the matter is returned or reopened."""

    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("批示或交办内容"))
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices)
    state = models.CharField(
        _("状态"), max_length=16, choices=MatterState.choices, default=MatterState.DRAFT
    )
    leader = models.ForeignKey(
        "orgs.Leader", null=True, blank=True, on_delete=models.PROTECT, related_name="matters"
    )
    item = models.ForeignKey(
        "goals.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="matters"
    )
    report = models.ForeignKey(
        "goals.ProgressReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    lead_unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="led_matters"
    )
    milestones = models.JSONField(_("节点"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("立项时间"))
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    receipt_due = models.DateTimeField(_("签收期限"), null=True, blank=True)
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    response_due = models.DateTimeField(_("反馈期限"), null=True, blank=True)
    responded_at = models.DateTimeField(_("实质性反馈时间"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("首次实质性反馈时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("重启次数"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "response_due"], name="matter_state_due_idx")]
        verbose_name = _("督办事项")

    def __str__(self) -> str:
        return self.title


class MatterHop(models.Model):
    """One step of the chain: the matter handed to `to_unit` (交办 from the office when
    `from_unit` is empty, 转办 otherwise), with the person responsible there and the moments it
    was forwarded and received."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="hops")
    from_unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="matter_hops")
    role = models.CharField(_("承办角色"), max_length=16, choices=HandlingRole.choices)
    person = models.CharField(_("责任人"), max_length=50)
    note = models.TextField(_("转办意见"), blank=True)
    forwarded_at = models.DateTimeField(_("交办或转办时间"))
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    receipt_due = models.DateTimeField(_("签收期限"))
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["forwarded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "to_unit"], name="matter_hop_unit_unique")
        ]
        verbose_name = _("交办与转办")

    def __str__(self) -> str:
        return f"{self.matter_id} → {self.to_unit_id}"


class MatterFeedback(models.Model):
    """A unit's answer. A non-substantive one is kept as a note (substantive=False, with the
    reason told to the unit) and does not stop the response clock."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="feedbacks")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("反馈类型"), max_length=16, choices=FeedbackKind.choices)
    text = models.TextField(_("反馈内容"))
    # stored by the one checked store under a generated name; the uploader's name is kept in
    # attachment_name for display only, the hash re-verified on every download
    attachment = models.FileField(_("附件"), upload_to="matters/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    attachment_sha256 = models.CharField(_("附件SHA-256"), max_length=64, blank=True)
    attachment_content_type = models.CharField(_("附件类型"), max_length=100, blank=True)
    attachment_size = models.PositiveBigIntegerField(_("附件大小（字节）"), null=True, blank=True)
    substantive = models.BooleanField(_("实质性反馈"))
    judgement = models.TextField(_("判定说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("反馈时间"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("反馈")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.matter_id}"


class MatterExtension(models.Model):
    """A request for more time. The reason is required and no service edits or removes it."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="extensions")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("延期理由"))
    requested_due = models.DateTimeField(_("申请延至"))
    state = models.CharField(
        _("审批状态"),
        max_length=16,
        choices=ExtensionState.choices,
        default=ExtensionState.REQUESTED,
    )
    decision_note = models.TextField(_("审批意见"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("延期申请")

    def __str__(self) -> str:
        return f"{self.matter_id} {self.get_state_display()}"


class MatterEvent(models.Model):
    """The matter's own log of steps, shown as its history (the audit chain has the details)."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="events")
    verb = models.CharField(_("操作"), max_length=32)
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")

    def __str__(self) -> str:
        return f"{self.matter_id} {self.verb}"
