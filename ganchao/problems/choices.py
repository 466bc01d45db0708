"""Problem ledger (问题台账, DESIGN.md 3.14): the sources, places, categories, severities and
states of a problem, and the allowed state transitions as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    VISIT = "visit", _("领导调研")
    ENTERPRISE = "enterprise", _("企业诉求")
    CITIZEN = "citizen", _("群众反映")
    INSPECTION = "inspection", _("督查检查")
    ENFORCEMENT = "enforcement", _("行政执法")
    HIGHER_LEVEL = "higher_level", _("上级反馈")


class PlaceType(models.TextChoices):
    VILLAGE = "village", _("村庄社区")
    PROJECT_SITE = "project_site", _("项目现场")
    ENTERPRISE = "enterprise", _("企业车间")
    OTHER = "other", _("其他")


class Category(models.TextChoices):
    PROJECT = "project", _("项目建设")
    ENTERPRISE = "enterprise", _("企业发展")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    ENVIRONMENT = "environment", _("生态环境")
    SAFETY = "safety", _("安全生产")
    LIVELIHOOD = "livelihood", _("民生服务")
    GOVERNANCE = "governance", _("社会治理")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    SEVERE = "severe", _("严重")


class State(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    VERIFYING = "verifying", _("待核验")
    CLOSED = "closed", _("已销号")
    REOPENED = "reopened", _("已重新打开")


# open → rectifying (plan entered) → verifying (reported with evidence) → closed (销号);
# a rejected verification goes back to rectifying; a closed problem that recurs is reopened.
TRANSITIONS: dict[str, set[str]] = {
    State.OPEN: {State.RECTIFYING},
    State.REOPENED: {State.RECTIFYING},
    State.RECTIFYING: {State.VERIFYING},
    State.VERIFYING: {State.CLOSED, State.RECTIFYING},
    State.CLOSED: {State.REOPENED},
}
# The plan is entered on a problem not yet being rectified; a rejected verification goes back
# to rectifying with the plan it had.
PLANNABLE_STATES = frozenset({State.OPEN, State.REOPENED})
UNCLOSED_STATES = frozenset({State.OPEN, State.REOPENED, State.RECTIFYING, State.VERIFYING})


class EventKind(models.TextChoices):
    CREATED = "created", _("登记")
    PLANNED = "planned", _("制定整改措施")
    REPORTED = "reported", _("报告整改")
    VERIFIED = "verified", _("核验")
    REJECTED = "rejected", _("核验未通过")
    CLOSED = "closed", _("销号")
    REOPENED = "reopened", _("重新打开")
    RECURRED = "recurred", _("问题复发")
    EDITED = "edited", _("修改")
    ESCALATED = "escalated", _("逾期催督办")
    PHOTO_ADDED = "photo_added", _("上传照片")


class PhotoStage(models.TextChoices):
    FOUND = "found", _("发现")
    RECTIFIED = "rectified", _("整改后")


class AgeBucket(models.TextChoices):
    """Days since a problem was found, as the ledger's filter and chart group them."""

    D0_5 = "0-5", _("5天以内")
    D6_20 = "6-20", _("6至20天")
    D21_60 = "21-60", _("21至60天")
    D61_180 = "61-180", _("61至180天")
    OVER_180 = "180+", _("180天以上")


# (bucket, lowest age, highest age or None)
AGE_BUCKET_BOUNDS: list[tuple[str, int, int | None]] = [
    (AgeBucket.D0_5, 0, 5),
    (AgeBucket.D6_20, 6, 20),
    (AgeBucket.D21_60, 21, 60),
    (AgeBucket.D61_180, 61, 180),
    (AgeBucket.OVER_180, 181, None),
]
