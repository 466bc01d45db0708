"""Template filters of the 比着干 pages."""

from django import template

from ganchao.assessment import league

register = template.Library()


@register.filter
def period_label(code: str) -> str:
    """2026-Q2 → 2026年第二季度."""
    return league.period_label(str(code)) if code else ""
