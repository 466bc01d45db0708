"""`{{ value|figure:item.display_places }}`: an indicator's figure to its display precision
(goals.precision), the one rule pages share with sheets and bulletins; "" for no number."""

from django import template

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
