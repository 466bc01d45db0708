"""对标一流, the read side: how far each unit is from the first-class value of an indicator.

For every lead or responsible assignment of an indicator with an active benchmark, the unit's
latest reported value (the latest counting report of its latest data period, as the scoring
selectors take it) is compared with the benchmark:

- 正向: gap = benchmark − actual (positive: behind), ratio = actual / benchmark;
- 逆向: gap = actual − benchmark (positive: behind), ratio = benchmark / actual;
- 累计值 whose latest data period ends before 31 December: the benchmark (a whole year's
  value) is pro-rated by elapsed days like 序时进度 in DESIGN.md 3.8, and the row says so.

Rows are plain dicts (no model instances) so that any page may show them. Three queries
whatever the number of units and indicators.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from ganchao.assessment.models import Benchmark
from ganchao.goals import status_rules as rules
from ganchao.goals.choices import (
    COUNTING_REPORT_STATES,
    Direction,
    ItemType,
    Nature,
    PlanState,
    Role,
)
from ganchao.goals.models import Assignment, Item, ProgressReport
from ganchao.goals.selectors import visible_assignments_q

FOUR = Decimal("0.0001")
TENTH = Decimal("0.1")
COMPARED_ROLES = (Role.LEAD, Role.RESPONSIBLE)


# ---- pure arithmetic -----------------------------------------------------------------------


def compared_value(value: Decimal, nature: str, period_end: dt.date | None):
    """(the benchmark value to compare with, pro-rated?) for data ending on `period_end`."""
    if nature != Nature.CUMULATIVE or period_end is None:
        return value, False
    if (period_end.month, period_end.day) == (12, 31):
        return value, False
    days = 366 if calendar.isleap(period_end.year) else 365
    return value * Decimal(rules.elapsed(period_end)) / Decimal(days), True


def gap_and_ratio(direction: str, actual: Decimal | None, compared: Decimal):
    """(gap, ratio, reached): gap positive means behind the benchmark; None without data."""
    if actual is None:
        return None, None, False
    if direction == Direction.NEGATIVE:
        gap, numerator, denominator = actual - compared, compared, actual
    else:
        gap, numerator, denominator = compared - actual, actual, compared
    ratio = None if denominator == 0 else numerator / denominator
    return gap, ratio, gap <= 0


def _q(value: Decimal | None, step: Decimal = FOUR) -> Decimal | None:
    return None if value is None else value.quantize(step, rounding=ROUND_HALF_UP)


# ---- queries -------------------------------------------------------------------------------


def _assignments(condition: Q) -> list[Assignment]:
    benchmarked = Benchmark.objects.filter(active=True).values("item_id")
    return list(
        Assignment.objects.filter(condition, role__in=COMPARED_ROLES)
        .filter(item__type=ItemType.INDICATOR, item_id__in=benchmarked)
        .exclude(item__plan__state=PlanState.DRAFT)
        .select_related("item__plan", "unit")
        .order_by("item__plan__year", "item__sort_key", "unit__code", "id")
    )


def _latest_reports(assignment_ids) -> dict[int, tuple[dt.date, str, Decimal]]:
    """assignment id → (period end, period, value) of its latest counting report."""
    latest: dict[int, tuple[dt.date, str, Decimal]] = {}
    rows = (
        ProgressReport.objects.filter(
            assignment_id__in=assignment_ids,
            state__in=COUNTING_REPORT_STATES,
            value__isnull=False,
        )
        .order_by("assignment_id", "period_end", "revision")
        .values_list("assignment_id", "period_end", "period", "value")
    )
    for assignment_id, end, period, value in rows:
        latest[assignment_id] = (end, period, value)  # the latest period's latest revision
    return latest


def _benchmarks(item_ids) -> dict[int, list[Benchmark]]:
    result: dict[int, list[Benchmark]] = defaultdict(list)
    for benchmark in Benchmark.objects.filter(item_id__in=item_ids, active=True):
        result[benchmark.item_id].append(benchmark)  # model ordering: -year, region
    return result


# ---- rows ----------------------------------------------------------------------------------


def _row(assignment: Assignment, benchmark: Benchmark, latest) -> dict:
    item = assignment.item
    end, period, actual = latest if latest else (None, "", None)
    compared, prorated = compared_value(benchmark.value, item.nature, end)
    gap, ratio, reached = gap_and_ratio(item.direction, actual, compared)
    return {
        "unit_code": assignment.unit.code,
        "unit": assignment.unit.name,
        "role": assignment.get_role_display(),
        "item_id": item.pk,
        "indicator_code": item.code,
        "indicator": item.name,
        "measure_unit": item.measure_unit,
        "places": item.display_places,  # 小数位数 of every figure of the row
        "direction": item.direction,
        "direction_label": Direction(item.direction).label,
        "nature_label": Nature(item.nature).label,
        "actual": actual,
        "period": period,
        "period_end": end,
        "benchmark_id": benchmark.pk,
        "region": benchmark.region,
        "benchmark_year": benchmark.year,
        "benchmark_value": benchmark.value,
        "source": benchmark.source,
        "definition": benchmark.definition,
        "compared": _q(compared),
        "prorated": prorated,
        "note": _("按序时折算") if prorated else "",
        "gap": _q(gap),
        "ratio": _q(ratio),
        "percent": _q(ratio * 100, TENTH) if ratio is not None else None,
        "reached": reached,
    }


def _gap_rows(condition: Q, actor=None) -> list[dict]:
    visible = visible_assignments_q(actor) if actor is not None else None
    assignments = _assignments(condition if visible is None else condition & visible)
    latest = _latest_reports([a.pk for a in assignments])
    benchmarks = _benchmarks({a.item_id for a in assignments})
    return [
        _row(assignment, benchmark, latest.get(assignment.pk))
        for assignment in assignments
        for benchmark in benchmarks[assignment.item_id]
    ]


def unit_gaps(unit, year: int) -> list[dict]:
    """The unit's gaps to first-class on its benchmarked indicators of the plan year."""
    return _gap_rows(Q(unit=unit, item__plan__year=year))


def indicator_gaps(item, *, actor=None) -> list[dict]:
    """Every lead and responsible unit's gap on one indicator, by unit code; with `actor`,
    only the units whose assignments the actor reads."""
    return _gap_rows(Q(item=item), actor)


def gaps_by_item(item_ids, *, actor=None) -> dict[int, list[dict]]:
    """indicator_gaps for many indicators at once (the register page), in the same 3 queries."""
    result: dict[int, list[dict]] = defaultdict(list)
    for row in _gap_rows(Q(item_id__in=list(item_ids)), actor):
        result[row["item_id"]].append(row)
    return result


def chart_data(rows: list[dict]) -> dict:
    """One indicator's chart: each unit's latest value, and each benchmark as a line at every
    value it is compared with (a cumulative one pro-rated per data period)."""
    units: dict[str, dict] = {}
    lines: dict[tuple[int, Decimal], str] = {}
    for row in rows:
        units.setdefault(row["unit_code"], {"name": row["unit"], "value": row["actual"]})
        lines.setdefault((row["benchmark_id"], row["compared"]), _line_name(row))
    return {
        "names": [u["name"] for u in units.values()],
        "values": [None if u["value"] is None else float(u["value"]) for u in units.values()],
        "lines": [{"name": name, "value": float(value)} for (_id, value), name in lines.items()],
        "unit": rows[0]["measure_unit"] if rows else "",
    }


def _line_name(row: dict) -> str:
    name = f"{row['region']} {row['benchmark_year']}"
    if row["prorated"]:
        return f"{name}（{row['period']} {row['note']}）"
    return name


# ---- the register --------------------------------------------------------------------------


def benchmark_years() -> list[int]:
    """Plan years that have an indicator with an active benchmark, newest first."""
    years = Item.objects.filter(benchmarks__active=True).values_list("plan__year", flat=True)
    return sorted(set(years), reverse=True)


def benchmarked_items(actor, year: int):
    """Indicators of the year's issued plans with an active benchmark that the actor reads,
    in 编号 order, with their active benchmarks prefetched."""
    items = (
        Item.objects.filter(type=ItemType.INDICATOR, plan__year=year, benchmarks__active=True)
        .exclude(plan__state=PlanState.DRAFT)
        .select_related("plan")
        .prefetch_related(
            Prefetch("benchmarks", queryset=Benchmark.objects.filter(active=True), to_attr="live")
        )
        .distinct()
        .order_by("plan__owner_id", "sort_key", "id")
    )
    visible = visible_assignments_q(actor, "")
    if visible is not None:
        items = items.filter(pk__in=Assignment.objects.filter(visible).values("item_id"))
    return items


def indicator_choices():
    """Indicators of issued plans, newest plan first, for the register's form."""
    return (
        Item.objects.filter(type=ItemType.INDICATOR)
        .exclude(plan__state=PlanState.DRAFT)
        .select_related("plan")
        .order_by("-plan__year", "plan__owner_id", "sort_key")
    )
