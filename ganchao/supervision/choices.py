"""Escalation ladder levels and triggers (DESIGN.md 3.9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    REMIND = 1, _("提醒")
    URGE = 2, _("催办")
    SUPERVISE = 3, _("督办")
    BULLETIN = 4, _("通报")
    TALK = 5, _("约谈")


class Trigger(models.TextChoices):
    TURNED_YELLOW = "turned_yellow", _("转为滞后")
    REPORT_DUE_SOON = "report_due_soon", _("报送期限将至")
    TURNED_RED = "turned_red", _("转为严重滞后")
    REPORT_LATE = "report_late", _("逾期未报送")
    RED_TEN_DAYS = "red_ten_days", _("严重滞后满10个工作日")
    URGE_UNANSWERED = "urge_unanswered", _("催办未回应")
    MATTER_RESPONSE_DUE_SOON = "matter_response_due_soon", _("督办事项反馈期限将至")
    MATTER_RECEIPT_LATE = "matter_receipt_late", _("督办事项逾期未签收")
    MATTER_RESPONSE_LATE = "matter_response_late", _("督办事项逾期未反馈")
