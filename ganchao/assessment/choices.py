"""Period types, component kinds and methods, item kinds and scheme states of the assessment."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.assessment import engine


class PeriodType(models.TextChoices):
    YEAR = "year", _("年度")
    QUARTER = "quarter", _("季度")
    MONTH = "month", _("月度")


class ComponentKind(models.TextChoices):
    INDICATORS = engine.INDICATORS, _("指标完成")
    MILESTONES = engine.MILESTONES, _("节点完成")
    SUPERVISION = engine.SUPERVISION, _("督办情况")
    MANUAL = engine.MANUAL, _("评议打分")
    ENTERPRISE_SERVICE = engine.ENTERPRISE_SERVICE, _("服务企业")


class Method(models.TextChoices):
    RATIO = engine.RATIO, _("按完成率")
    LINEAR_FLOOR = engine.LINEAR_FLOOR, _("设保底线性")
    ALL_OR_NOTHING = engine.ALL_OR_NOTHING, _("完成得分否则不得分")


class EmptyComponent(models.TextChoices):
    """How a work component with nothing to assess for a unit is filled (DESIGN.md 3.10)."""

    PRORATE = engine.PRORATE, _("按本单位其他考核项得分率折算")
    AVERAGE = engine.AVERAGE, _("按同类单位该项平均得分率折算")


class ItemKind(models.TextChoices):
    BONUS = "bonus", _("加分")
    DEDUCTION = "deduction", _("扣分")
    VETO = "veto", _("一票否决")


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("启用")
    RETIRED = "retired", _("停用")


SCHEME_TRANSITIONS = {
    SchemeState.DRAFT: {SchemeState.ACTIVE},
    SchemeState.ACTIVE: {SchemeState.RETIRED},
    SchemeState.RETIRED: set(),
}


class AppealState(models.TextChoices):
    SUBMITTED = "submitted", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("不予采纳")


APPEAL_TRANSITIONS = {
    AppealState.SUBMITTED: {AppealState.ACCEPTED, AppealState.REJECTED},
    AppealState.ACCEPTED: set(),
    AppealState.REJECTED: set(),
}
APPEAL_WINDOW_WORKING_DAYS = 5
