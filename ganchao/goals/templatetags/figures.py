"""`{{ value|figure:item.display_places }}`: an indicator's figure to its display precision
(goals.precision), the one rule pages share with sheets and bulletins; "" for no number."""

from django import template

from ganchao.goals.periods import parse_period
from ganchao.goals.precision import DEFAULT_PLACES
from ganchao.goals.precision import figure as figure_text

register = template.Library()


@register.filter
def figure(value, places=DEFAULT_PLACES) -> str:
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = DEFAULT_PLACES
    return figure_text(value, places)


@register.filter
def period_label(code) -> str:
    """`{{ report.period|period_label }}`: 2026-10 → 2026年10月, 2026-Q3 → 2026年第三季度 (a key
    that is neither stays as it is)."""
    period = parse_period(str(code or ""))
    return period.label if period else (code or "")
