"""The 量力而行 rule as a pure function: whether a new commitment stays within what the unit can
carry, and amounts as people type them (万元, at most two decimals)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ganchao.common.errors import ValidationFailed

ZERO = Decimal("0")
MAX_AMOUNT = Decimal("999999999999.99")  # the column holds 14 digits, 2 after the point
YEAR_MIN, YEAR_MAX = 2000, 2100


@dataclass(frozen=True)
class Assessment:
    """What a commitment would do to the unit's year: the part beyond the capacity, whether no
    capacity is recorded, and whether it draws on a later year's budget."""

    excess: Decimal
    no_capacity: bool
    future_budget: bool

    @property
    def needs_approval(self) -> bool:
        return self.no_capacity or self.excess > ZERO or self.future_budget


def assess(
    *, amount: Decimal, capacity: Decimal | None, live_total: Decimal, year: int, budget_year: int
) -> Assessment:
    """`live_total`: the unit's commitments of the year still holding money (effective,
    pending and approved). Without a capacity the whole amount is unbacked."""
    future = budget_year > year
    if capacity is None:
        return Assessment(excess=amount, no_capacity=True, future_budget=future)
    room = max(capacity - live_total, ZERO)
    return Assessment(excess=max(amount - room, ZERO), no_capacity=False, future_budget=future)


def parse_amount(value, field: str, label: str, *, allow_zero: bool = False) -> Decimal:
    """A sum in 万元: a finite number, above zero (or zero when allowed), at most two decimals."""
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", "")) if value is not None else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise ValidationFailed.on(field, _("%(label)s：请填写数字（万元）") % {"label": label})
    if number < ZERO or (number == ZERO and not allow_zero):
        message = _("%(label)s：不能小于0") if allow_zero else _("%(label)s：须大于0")
        raise ValidationFailed.on(field, message % {"label": label})
    if number > MAX_AMOUNT:
        raise ValidationFailed.on(field, _("%(label)s：数额过大") % {"label": label})
    cents = number.quantize(Decimal("0.01"))
    if cents != number:
        raise ValidationFailed.on(
            field, _("%(label)s：最多保留两位小数（万元）") % {"label": label}
        )
    return cents


def check_year(value, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
        raise ValidationFailed.on(
            field,
            _("%(label)s：须为%(low)d至%(high)d之间的年份")
            % {"label": label, "low": YEAR_MIN, "high": YEAR_MAX},
        )
    return value
