"""The 量力而行 rule as a pure function: whether a new commitment stays within what the unit can
carry, and amounts as people type them (万元, at most two decimals)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ganchao.common.errors import ValidationFailed
from ganchao.goals.service_base import to_decimal

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


def parse_amount(
    value,
    field: str,
    label: str,
    *,
    allow_zero: bool = False,
    required: bool = True,
    limit: Decimal = MAX_AMOUNT,
) -> Decimal | None:
    """A sum in 万元 as typed or sent: read by the goals' shared number parser
    (`service_base.to_decimal`: thousands separators allowed, its messages for a blank, a
    non-number or a huge number), then above zero (or zero when allowed), within `limit` (what
    the column holds) and with at most two decimals, in the same words as the key projects'
    sums. None only when not `required` and left blank."""
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "").replace("，", "") if value is not None else ""
    try:
        exact = Decimal(text) if text else None
    except (InvalidOperation, ValueError):
        exact = None
    number = to_decimal(value, field, label, required=required)
    if number is None:
        return None
    if number < ZERO:
        raise ValidationFailed.on(field, _("%(label)s不能为负数") % {"label": label})
    if number == ZERO and not allow_zero:
        raise ValidationFailed.on(field, _("%(label)s须大于0") % {"label": label})
    if number > limit:
        raise ValidationFailed.on(field, _("%(label)s超出允许范围") % {"label": label})
    # the exact figure typed, not the parser's four-place rounding, decides the decimals
    if exact is not None and exact != exact.quantize(Decimal("0.01")):
        raise ValidationFailed.on(field, _("%(label)s最多保留两位小数") % {"label": label})
    return number.quantize(Decimal("0.01"))


def check_year(value, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
        raise ValidationFailed.on(
            field,
            _("%(label)s：须为%(low)d至%(high)d之间的年份")
            % {"label": label, "low": YEAR_MIN, "high": YEAR_MAX},
        )
    return value
