"""Dates kept as ISO text (the frozen meeting packet's record references) shown as the project's
date format, 2026年4月1日, like every date rendered with |date."""

import datetime as dt

from django import template
from django.template.defaultfilters import date as date_filter

register = template.Library()


@register.filter
def isodate(value):
    """'2026-04-01' (or a date) → 2026年4月1日; anything else unchanged."""
    if isinstance(value, dt.date):
        return date_filter(value, "DATE_FORMAT")
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return value
    return date_filter(day, "DATE_FORMAT")
