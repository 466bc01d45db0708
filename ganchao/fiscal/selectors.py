"""Reads of 量力而行, scoped to the actor: capacities, commitments, the approvals queue and the
per-unit overview of a year (one aggregate query)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ganchao.common.errors import NotFound
from ganchao.fiscal.choices import COMMITTED_STATES, CommitmentState
from ganchao.fiscal.models import Capacity, Commitment
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def capacities(actor, *, year: int | None = None, unit_id: int | None = None):
    rows = Capacity.objects.filter(scope_of(actor).unit_in_q("unit")).select_related("unit")
    if year is not None:
        rows = rows.filter(year=year)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    return rows.order_by("-year", "unit__path", "pk")


def capacity_of(actor, unit: Unit, year: int) -> Capacity | None:
    return capacities(actor, year=year, unit_id=unit.pk).first()


def commitments(
    actor,
    *,
    year: int | None = None,
    unit_id: int | None = None,
    state: str = "",
    kind: str = "",
):
    rows = Commitment.objects.filter(scope_of(actor).unit_in_q("unit")).select_related(
        "unit", "item", "created_by", "approver"
    )
    if year is not None:
        rows = rows.filter(year=year)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-pk")


def commitment_get(actor, pk: int) -> Commitment:
    commitment = commitments(actor).filter(pk=pk).first()
    if commitment is None:
        raise NotFound(_("承诺事项不存在"))
    return commitment


def approvals_queue(actor):
    """The commitments waiting for a decision that the actor may take: the office sees every
    one, a city leader those of the units they read; nobody else any."""
    from ganchao.fiscal.permissions import approves_anything

    if not approves_anything(actor):
        return Commitment.objects.none()
    return commitments(actor, state=CommitmentState.PENDING).order_by("created_at", "pk")


def unit_get(actor, pk: int | None, *, code: str = "") -> Unit:
    units = Unit.objects.filter(scope_of(actor).units_q(), active=True)
    unit = (units.filter(pk=pk) if pk is not None else units.filter(code=code)).first()
    if unit is None:
        raise NotFound(_("单位不存在或不在您的查看范围内"))
    return unit


@dataclass(frozen=True)
class OverviewRow:
    """One unit's year: its capacity (None when not recorded), what it has committed
    (effective and approved commitments), what waits for approval, the approved part beyond
    capacity, and the excess of the committed total over the capacity now."""

    unit_id: int
    code: str
    name: str
    capacity: Decimal | None
    committed: Decimal
    pending: Decimal
    approved_excess: Decimal
    future_budget: Decimal

    @property
    def excess(self) -> Decimal:
        if self.capacity is None:
            return self.committed
        return max(self.committed - self.capacity, ZERO)

    @property
    def remaining(self) -> Decimal | None:
        """What the unit may still commit without an approval: the capacity less what is
        committed and what waits for approval (None without a capacity)."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.committed - self.pending, ZERO)


def _sum(state_q: Q, field: str = "fiscal_commitments__amount"):
    return Coalesce(Sum(field, filter=state_q), Value(ZERO), output_field=MONEY)


def overview(actor, year: int, *, unit_id: int | None = None) -> list[OverviewRow]:
    """Every unit in the actor's scope with a capacity or a commitment that year, in unit
    order: one query, whatever the number of units and commitments."""
    of_year = Q(fiscal_commitments__year=year)
    state = "fiscal_commitments__state"
    capacity = Capacity.objects.filter(unit_id=OuterRef("pk"), year=year).values("amount")[:1]
    has_capacity = Capacity.objects.filter(year=year).values("unit_id")
    has_commitment = Commitment.objects.filter(year=year).values("unit_id")
    units = Unit.objects.filter(scope_of(actor).units_q()).filter(
        Q(pk__in=has_capacity) | Q(pk__in=has_commitment)
    )
    if unit_id is not None:
        units = units.filter(pk=unit_id)
    rows = (
        units.annotate(
            capacity_amount=Subquery(capacity, output_field=MONEY),
            committed=_sum(of_year & Q(**{f"{state}__in": COMMITTED_STATES})),
            pending=_sum(of_year & Q(**{state: CommitmentState.PENDING})),
            approved_excess=_sum(
                of_year & Q(**{state: CommitmentState.APPROVED}), "fiscal_commitments__excess"
            ),
            future=_sum(
                of_year
                & Q(**{f"{state}__in": COMMITTED_STATES})
                & Q(fiscal_commitments__future_budget=True)
            ),
        )
        .order_by("path")
        .values_list(
            "pk",
            "code",
            "name",
            "capacity_amount",
            "committed",
            "pending",
            "approved_excess",
            "future",
        )
    )
    return [OverviewRow(pk, code, name, *map(_cents, sums)) for pk, code, name, *sums in rows]


def _cents(value) -> Decimal | None:
    """SQLite hands sums back without their scale (100, not 100.00)."""
    return None if value is None else Decimal(value).quantize(CENT)


def overview_totals(rows: list[OverviewRow]) -> dict:
    return {
        "capacity": sum((r.capacity or ZERO for r in rows), ZERO),
        "committed": sum((r.committed for r in rows), ZERO),
        "pending": sum((r.pending for r in rows), ZERO),
        "excess": sum((r.excess for r in rows), ZERO),
        "approved_excess": sum((r.approved_excess for r in rows), ZERO),
        "over_units": sum(1 for r in rows if r.excess > ZERO),
    }
