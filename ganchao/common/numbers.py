"""Decimals as people write them on pages, sheets and documents: rounded half up when asked,
without trailing zeros and never in exponent form (3650.0000 → 3650, not 3.65E+3)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def finite(value) -> Decimal | None:
    """The value as a finite Decimal, or None (None, "", text, NaN, Infinity)."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def rounded(value, places: int = 2) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fixed(value, places: int = 2) -> str:
    """9.5 → "9.50": a score shown to `places` decimals ("" for no number)."""
    number = finite(value)
    return "" if number is None else str(rounded(number, places))


def plain(value, places: int | None = None) -> str:
    """12000.0000 → "12000", 7.50 → "7.5"; rounded to `places` first when given ("" for no
    number)."""
    number = finite(value)
    if number is None:
        return ""
    if places is not None:
        number = rounded(number, places)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def signed(value) -> str:
    """A net adjustment: +1.00 / −2.00 (a true minus sign), or — when zero or missing."""
    number = finite(value)
    if not number:
        return "—"
    return f"+{rounded(number)}" if number > 0 else f"−{rounded(-number)}"
