"""Choices of 服务企业 and the appeal's allowed transitions, declared as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("农林牧渔业")
    MINING = "mining", _("采矿业")
    MANUFACTURING = "manufacturing", _("制造业")
    UTILITIES = "utilities", _("电力、热力、燃气及水生产和供应业")
    CONSTRUCTION = "construction", _("建筑业")
    TRADE = "trade", _("批发和零售业")
    LOGISTICS = "logistics", _("交通运输、仓储和邮政业")
    HOSPITALITY = "hospitality", _("住宿和餐饮业")
    SOFTWARE = "software", _("信息传输、软件和信息技术服务业")
    FINANCE = "finance", _("金融业")
    REAL_ESTATE = "real_estate", _("房地产业")
    BUSINESS = "business", _("租赁和商务服务业")
    RESEARCH = "research", _("科学研究和技术服务业")
    OTHER = "other", _("其他行业")


class Scale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class AppealCategory(models.TextChoices):
    POLICY = "policy", _("政策咨询兑现")
    APPROVAL = "approval", _("审批服务")
    LAND = "land", _("用地用房")
    UTILITY = "utility", _("水电气保障")
    LABOUR = "labour", _("用工招聘")
    FINANCING = "financing", _("融资信贷")
    INFRASTRUCTURE = "infrastructure", _("基础设施配套")
    LEGAL = "legal", _("法律权益")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    COMMISSIONER = "commissioner", _("专员走访")
    HOTLINE = "hotline", _("12345热线")
    ONLINE = "online", _("网上平台")
    MEETING = "meeting", _("政企座谈会")
    LETTER = "letter", _("来信来访")


class AppealState(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ACKNOWLEDGED = "acknowledged", _("已响应")
    PLANNED = "planned", _("已制定方案")
    RESOLVED = "resolved", _("已解决")
    UNRESOLVED = "unresolved", _("未能解决")
    CLOSED = "closed", _("已办结")


TRANSITIONS: dict[str, set[str]] = {
    AppealState.RECEIVED: {AppealState.ACKNOWLEDGED},
    AppealState.ACKNOWLEDGED: {AppealState.PLANNED},
    AppealState.PLANNED: {AppealState.RESOLVED, AppealState.UNRESOLVED},
    AppealState.RESOLVED: {AppealState.CLOSED},
    AppealState.UNRESOLVED: {AppealState.CLOSED},
    AppealState.CLOSED: set(),
}
OPEN_STATES = (AppealState.RECEIVED, AppealState.ACKNOWLEDGED, AppealState.PLANNED)


class Tier(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("响应")
    PLAN = "plan", _("制定方案")
    RESOLVE = "resolve", _("解决")


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")
    MET = "met", _("按时完成")
    LATE = "late", _("超期完成")


class EventKind(models.TextChoices):
    RECEIVED = "received", _("受理")
    ACKNOWLEDGED = "acknowledged", _("响应")
    PLANNED = "planned", _("制定方案")
    RESOLVED = "resolved", _("解决")
    UNRESOLVED = "unresolved", _("未能解决")
    CLOSED = "closed", _("办结")
    RATING_LINK = "rating_link", _("发送评价链接")
    RATED = "rated", _("企业评价")
    PROBLEM = "problem", _("转入问题台账")
