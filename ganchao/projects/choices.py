"""Categories, funding sources, approval steps and their states, and the project health words."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    INDUSTRY = "industry", _("产业项目")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    LIVELIHOOD = "livelihood", _("社会民生")
    ECOLOGY = "ecology", _("生态环保")
    URBAN = "urban", _("城市更新")
    OTHER = "other", _("其他")


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", _("财政资金")
    SPECIAL_BOND = "special_bond", _("专项债")
    PRIVATE = "private", _("社会投资")
    BANK_LOAN = "bank_loan", _("银行贷款")
    OTHER = "other", _("其他")


class StepKind(models.TextChoices):
    """The pre-approval steps (前期手续), in the order a project goes through them."""

    APPROVAL = "approval", _("立项")
    LAND = "land", _("用地")
    EIA = "eia", _("环评")
    PERMIT = "permit", _("施工许可")


class StepState(models.TextChoices):
    PENDING = "pending", _("未办理")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已办结")
    NOT_NEEDED = "not_needed", _("无需办理")


# A step that needs nothing more (neither lags nor waits).
SETTLED_STEP_STATES = {StepState.DONE, StepState.NOT_NEEDED}


class MilestoneKind(models.TextChoices):
    START = "start", _("开工")
    COMPLETION = "completion", _("竣工")
    PRODUCTION = "production", _("投产")


class Health(models.TextChoices):
    """Always shown as a light and a word."""

    ON_TRACK = "on_track", _("正常推进")
    LAGGING = "lagging", _("滞后")
    BLOCKED = "blocked", _("受阻")
