"""Supervised matters (督办事项): sources, urgency tiers, states and the allowed transitions
(DESIGN.md glossary: 交办 / 签收 / 反馈 / 延期 / 退办 / 办结 / 销号)."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    INSTRUCTION = "instruction", _("领导批示")
    MEETING = "meeting", _("会议决定")
    KEY_WORK = "key_work", _("重点工作")
    PROPOSAL = "proposal", _("建议提案")
    HIGHER_LEVEL = "higher_level", _("上级交办")
    PUBLIC_APPEAL = "public_appeal", _("群众诉求")


class Urgency(models.TextChoices):
    EXTRA_URGENT = "extra_urgent", _("特急")
    URGENT = "urgent", _("急")
    NORMAL = "normal", _("一般")
    LONG_TERM = "long_term", _("长期")


class MatterState(models.TextChoices):
    DRAFT = "draft", _("已立项")
    ASSIGNED = "assigned", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    AWAITING_REVIEW = "awaiting_review", _("待审核办结")
    RETURNED = "returned", _("已退办")
    COMPLETED = "completed", _("已办结")
    CLOSED = "closed", _("已销号")


class HandlingRole(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    COOPERATING = "cooperating", _("协办单位")
    FORWARDED = "forwarded", _("转办单位")


class FeedbackKind(models.TextChoices):
    PROGRESS = "progress", _("阶段反馈")
    FINAL = "final", _("办结反馈")


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class Actor(models.TextChoices):
    """Who may take a step: the office, the issuing leader, or a unit handling the matter."""

    OFFICE = "office", _("督查部门")
    ISSUER = "issuer", _("交办领导")
    HANDLER = "handler", _("承办单位")


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset
    target: str | None  # None: the state does not change (per-unit steps)
    actors: frozenset


S = MatterState
_OPEN = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.RETURNED})

# The workflow as data. The services look a verb up here before anything else, so a refused
# step always says which state it needs.
MATTER_TRANSITIONS: dict[str, Transition] = {
    "assign": Transition(
        _("交办"), frozenset({S.DRAFT}), S.ASSIGNED, frozenset({"office", "issuer"})
    ),
    "receive": Transition(_("签收"), _OPEN | {S.AWAITING_REVIEW}, None, frozenset({"handler"})),
    # a co-handling unit may act on its own receipt before the lead unit has signed
    "forward": Transition(_("转办"), _OPEN, None, frozenset({"handler"})),
    "respond": Transition(_("反馈"), _OPEN, None, frozenset({"handler"})),
    "request_extension": Transition(_("申请延期"), _OPEN, None, frozenset({"handler"})),
    "decide_extension": Transition(
        _("审批延期"), _OPEN | {S.AWAITING_REVIEW}, None, frozenset({"office"})
    ),
    "return": Transition(
        _("退办"), frozenset({S.IN_PROGRESS, S.AWAITING_REVIEW}), S.RETURNED, frozenset({"office"})
    ),
    "complete": Transition(
        _("办结"), frozenset({S.AWAITING_REVIEW}), S.COMPLETED, frozenset({"office"})
    ),
    "close": Transition(_("销号"), frozenset({S.COMPLETED}), S.CLOSED, frozenset({"issuer"})),
    "reopen": Transition(
        _("再批示"), frozenset({S.COMPLETED}), S.IN_PROGRESS, frozenset({"issuer"})
    ),
}
# The state a final feedback moves the matter to, and the one the lead unit's receipt moves to.
FINAL_FEEDBACK_TARGET = S.AWAITING_REVIEW
RECEIPT_TARGET = S.IN_PROGRESS
