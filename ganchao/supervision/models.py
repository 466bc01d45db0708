"""Alerts of the escalation ladder. Each cause — (level, trigger, subject, period or deadline) —
fires at most once (a unique constraint); a dismissed proposal closes its cause."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.supervision.choices import Level, Trigger


class Alert(models.Model):
    """A ladder event about an assignment (later issues add matters)."""

    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    trigger = models.CharField(_("触发原因"), max_length=32, choices=Trigger.choices)
    assignment = models.ForeignKey(
        "goals.Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
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
        ]
        ordering = ["-at", "-id"]
        verbose_name = _("催督办")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_trigger_display()} {self.cause_key}"
