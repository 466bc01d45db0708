"""Template filters of the 比着干 pages."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ganchao.assessment import periods, scorecard
from ganchao.common import numbers

register = template.Library()

# Grades are stored as the words of DESIGN.md 3.10 (the JSON contract); shown translated.
GRADE_WORDS = {
    gettext_noop("优秀"),
    gettext_noop("良好"),
    gettext_noop("合格"),
    gettext_noop("不合格"),
}


@register.filter
def period_label(code: str) -> str:
    """2026-Q2 → 2026年第二季度."""
    return periods.period_label(str(code)) if code else ""


@register.filter
def grade_label(grade: str) -> str:
    """The grade word in the interface language (the stored word is Chinese)."""
    return _(grade) if grade in GRADE_WORDS else grade


@register.filter
def plain_number(value) -> str:
    """8.0100 → 8.01, 3650.0000 → 3650 (never 3.65E+3); other values unchanged."""
    return numbers.plain(value) if numbers.finite(value) is not None else value


@register.filter
def kind_method(kind: str) -> str:
    """How a component of a fixed-method kind (督办情况, 评议打分, 节点完成) scores."""
    return scorecard.kind_method(kind)


@register.filter
def score(value) -> str:
    """A score with two places, rounded half up: 9.5 → 9.50, 10 → 10.00; other values
    unchanged."""
    return numbers.fixed(value) if numbers.finite(value) is not None else value


@register.filter
def net_adjustment(row: dict) -> str:
    """A row's bonus minus deduction as +1.00 / −2.00, or — when there is none."""
    bonus, deduction = numbers.finite(row.get("bonus")), numbers.finite(row.get("deduction"))
    return numbers.signed((bonus or 0) - (deduction or 0))
