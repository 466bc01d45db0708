"""Kinds of field visit and place, finding severities, and the four kinds of request the burden
meter counts (DESIGN.md part 1, 领着干)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    RESEARCH = "research", _("调研")
    SUPERVISION = "supervision", _("督导")


class PlaceKind(models.TextChoices):
    VILLAGE = "village", _("村/社区")
    PROJECT_SITE = "project_site", _("项目现场")
    WORKSHOP = "workshop", _("企业车间")


class Severity(models.TextChoices):
    MINOR = "minor", _("一般")
    SERIOUS = "serious", _("较重")
    SEVERE = "severe", _("严重")


class RequestKind(models.TextChoices):
    """What a grassroots unit receives: the burden meter's four columns."""

    NOTICE = "notice", _("通知")
    INSTRUCTION = "instruction", _("指示批示")
    REPORT_REQUEST = "report_request", _("报送要求")
    DATA_REQUEST = "data_request", _("数据索要")


# Messages that only deliver something counted on its own (a ladder alert, a matter's hop) are
# not counted again; of the rest, these kinds count as instructions and all others as notices.
DELIVERY_NOTIFICATION_KINDS = {
    "alert",
    "matter",
    "report_submitted",
    "report_returned",
    "matter_feedback",
    "extension",
}
INSTRUCTION_NOTIFICATION_KINDS = {"instruction"}

DEFAULT_MONTHLY_THRESHOLD = 30
DUPLICATE_WINDOW_WORKING_DAYS = 10
DUPLICATE_SIMILARITY = 0.8
