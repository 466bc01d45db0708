"""Fiscal capacity per unit and year, and the commitments drawn against it (DESIGN.md 3.14)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ganchao.common.models import TimeStamped
from ganchao.fiscal.choices import CommitmentKind, CommitmentState

AMOUNT_DIGITS = 14
AMOUNT_PLACES = 2


def amount_field(**kwargs):
    return models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, **kwargs)


class Capacity(TimeStamped):
    """What a unit can afford to commit in one year (可用财力, 万元), as set by the office or
    the unit's own staff, with the basis of the figure."""

    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="fiscal_capacities"
    )
    year = models.PositiveSmallIntegerField()
    amount = amount_field()
    basis = models.TextField(blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="fiscal_capacity_unit_year"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=Decimal("0")), name="fiscal_capacity_amount_ge_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year}年 可用财力"


class Commitment(TimeStamped):
    """One pledge of money by a unit (a key project or another promise): the year it is spent,
    the year's budget it draws on, and whether it stays within what the unit can carry. One
    that does not waits for an approval with its reason (`excess` and `future_budget` say why)."""

    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="fiscal_commitments"
    )
    year = models.PositiveSmallIntegerField()
    budget_year = models.PositiveSmallIntegerField()
    amount = amount_field()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=CommitmentKind.choices)
    item = models.ForeignKey(
        "goals.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=20, choices=CommitmentState.choices)
    reason = models.TextField(blank=True)
    # Why it needed an approval, fixed when it was made: the part beyond the capacity then
    # (the whole amount without a capacity) and whether it draws on a later year's budget.
    excess = amount_field(default=Decimal("0"))
    no_capacity = models.BooleanField(default=False)
    future_budget = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "year", "state"], name="fiscal_commit_unit_year"),
            models.Index(fields=["state", "year"], name="fiscal_commit_state_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=Decimal("0")), name="fiscal_commitment_amount_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_approval(self) -> bool:
        return bool(self.excess) or self.no_capacity or self.future_budget

    def approval_grounds(self) -> list:
        grounds = []
        if self.no_capacity:
            grounds.append(_("该年度未核定可用财力"))
        elif self.excess:
            grounds.append(_("超出可用财力 %(excess)s 万元") % {"excess": self.excess})
        if self.future_budget:
            grounds.append(_("占用%(year)d年预算（寅吃卯粮）") % {"year": self.budget_year})
        return grounds
