"""Commitments against a unit's fiscal capacity (量力而行): kinds, states and the allowed
transitions, declared as data."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitmentKind(models.TextChoices):
    KEY_PROJECT = "key_project", _("重点项目")
    OTHER = "other", _("其他承诺事项")


class CommitmentState(models.TextChoices):
    EFFECTIVE = "effective", _("已生效")
    PENDING = "pending_approval", _("待审批")
    APPROVED = "approved", _("已批准超出")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


S = CommitmentState
# Commitments that hold money: what a new commitment is added to when checked against the
# capacity (a pending one is counted too, so that two pledges cannot each pass alone).
LIVE_STATES = frozenset({S.EFFECTIVE, S.PENDING, S.APPROVED})
# Commitments the unit is bound by: what the page calls 已承诺.
COMMITTED_STATES = frozenset({S.EFFECTIVE, S.APPROVED})


@dataclass(frozen=True)
class Transition:
    label: object
    sources: frozenset
    target: str


COMMITMENT_TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(_("批准"), frozenset({S.PENDING}), S.APPROVED),
    "reject": Transition(_("不予批准"), frozenset({S.PENDING}), S.REJECTED),
    "withdraw": Transition(_("撤回"), frozenset({S.EFFECTIVE, S.PENDING, S.APPROVED}), S.WITHDRAWN),
}
