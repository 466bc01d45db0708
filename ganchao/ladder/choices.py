"""States and allowed transitions of levels 3–5 of the escalation ladder (DESIGN.md 3.9),
declared as data next to the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    NOTICE = "notice", _("督办单")
    BULLETIN = "bulletin", _("通报")


# The 文号 prefix of each document type: 赶督〔2026〕7号.
NUMBER_PREFIX = {DocumentType.NOTICE: "赶督", DocumentType.BULLETIN: "赶督通"}


class NoticeState(models.TextChoices):
    PROPOSED = "proposed", _("待签发")
    DISMISSED = "dismissed", _("不予督办")
    ISSUED = "issued", _("已签发待回复")
    ANSWERED = "answered", _("已回复待审核")
    RETURNED = "returned", _("回复被退回")
    ACCEPTED = "accepted", _("回复已认可")


NOTICE_TRANSITIONS: dict[str, dict[str, str]] = {
    "issue": {NoticeState.PROPOSED: NoticeState.ISSUED},
    "dismiss": {NoticeState.PROPOSED: NoticeState.DISMISSED},
    "respond": {
        NoticeState.ISSUED: NoticeState.ANSWERED,
        NoticeState.RETURNED: NoticeState.ANSWERED,
    },
    "accept": {NoticeState.ANSWERED: NoticeState.ACCEPTED},
    "return": {NoticeState.ANSWERED: NoticeState.RETURNED},
}

# Issued notices still waiting for an accepted response.
OPEN_STATES = (NoticeState.ISSUED, NoticeState.ANSWERED, NoticeState.RETURNED)
# States a unit sees: a proposal is the office's business until it is issued.
VISIBLE_TO_UNITS = (*OPEN_STATES, NoticeState.ACCEPTED)


class ResponseState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已认可")
    RETURNED = "returned", _("已退回")


class TalkState(models.TextChoices):
    PROPOSED = "proposed", _("建议约谈")
    HELD = "held", _("已约谈")
    DISMISSED = "dismissed", _("不予约谈")


TALK_TRANSITIONS: dict[str, dict[str, str]] = {
    "hold": {TalkState.PROPOSED: TalkState.HELD},
    "dismiss": {TalkState.PROPOSED: TalkState.DISMISSED},
}
