"""Reads of the inputs page: a scheme's items of one period and the manual-score grid, in a
fixed number of queries whatever the number of units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator

from ganchao.assessment import selectors
from ganchao.assessment.choices import ItemKind
from ganchao.assessment.models import Component, ManualScore, Scheme, ScoreItem
from ganchao.assessment.periods import AssessmentPeriod, parse
from ganchao.assessment.services_inputs import existing_scores, manual_components, plain
from ganchao.common.errors import NotFound
from ganchao.orgs.models import Unit

GRID_PAGE_SIZE = 100


def scheme_period(code: str, period: str) -> tuple[Scheme, AssessmentPeriod]:
    """The latest version of the scheme and the period, or NotFound (a page's 404)."""
    scheme = selectors.scheme_get(code)
    span = parse(period, scheme.period_type)
    if span is None:
        raise NotFound(f"考核期间“{period}”与方案不符")
    return scheme, span


def period_neighbours(scheme: Scheme, span: AssessmentPeriod) -> tuple[str, str]:
    """The codes of the previous and the next period of the scheme's type."""
    year = span.year
    if scheme.period_type == "year":
        return str(year - 1), str(year + 1)
    if scheme.period_type == "quarter":
        index = int(span.code[-1])
        before = f"{year - 1}-Q4" if index == 1 else f"{year}-Q{index - 1}"
        after = f"{year + 1}-Q1" if index == 4 else f"{year}-Q{index + 1}"
        return before, after
    month = span.start.month
    before = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    after = f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"
    return before, after


def period_items(scheme: Scheme, span: AssessmentPeriod) -> list[ScoreItem]:
    """The period's items: pending first (they need a decision), then approved, newest first."""
    return list(
        ScoreItem.objects.filter(scheme_code=scheme.code, period=span.code)
        .select_related("unit")
        .order_by("approved", "-created_at", "-id")
    )


def item_totals(items: list[ScoreItem]) -> dict[str, object]:
    approved = [i for i in items if i.approved]
    return {
        "pending": sum(1 for i in items if not i.approved),
        "bonus": sum((i.points for i in approved if i.kind == ItemKind.BONUS), Decimal(0)),
        "deduction": sum((i.points for i in approved if i.kind == ItemKind.DEDUCTION), Decimal(0)),
        "vetoes": sum(1 for i in approved if i.kind == ItemKind.VETO),
    }


def two(value: Decimal) -> str:
    """A stored score as shown in the grid: 9.5 → 9.50, 10 → 10.00."""
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


@dataclass
class GridRow:
    unit: Unit
    cells: list[dict]


def category_units(scheme: Scheme):
    """The scheme's participants: the category's active units minus those it excludes."""
    return (
        Unit.objects.filter(category_id=scheme.category_id, active=True)
        .exclude(pk__in=scheme.excluded_units.values("pk"))
        .order_by("code")
    )


def manual_grid(scheme: Scheme, span: AssessmentPeriod, page_number, posted=None, errors=None):
    """One page of the grid: a row per unit, a cell per manual component with the stored score,
    or what was posted (with its error) when a save failed."""
    components: list[Component] = manual_components(scheme)
    page = Paginator(category_units(scheme), GRID_PAGE_SIZE).get_page(page_number)
    units = list(page.object_list)
    stored = existing_scores(scheme, span.code, [u.pk for u in units])
    posted, errors = posted or {}, errors or {}
    rows = []
    for unit in units:
        cells = []
        for component in components:
            name = f"score-{unit.code}-{component.code}"
            value = stored.get((unit.pk, component.code))
            shown = posted.get((unit.code, component.code), "" if value is None else two(value))
            cells.append({"name": name, "value": shown, "error": errors.get(name, ""),
                          "component": component})  # fmt: skip
        rows.append(GridRow(unit, cells))
    filled = ManualScore.objects.filter(scheme_code=scheme.code, period=span.code).count()
    headers = [{"name": c.name, "points": plain(c.points)} for c in components]
    return {"components": components, "headers": headers, "rows": rows, "page": page,
            "filled": filled}  # fmt: skip
