"""The 驾驶舱 (home dashboard of the office and leaders) and the unit summary on other users' home
page: aggregations in the database over the plan's items, assignments and monthly statuses,
returned as plain rows. A fixed number of queries whatever the data size.

Every figure of the 驾驶舱 comes from one selection, the items the actor reads (narrowed to a
leader's own areas by the "我分管的" filter): the cards and the status chart count those items
by their status (the lead assignment's), the monthly trend and "滞后最多的单位" count the same
items by their lead assignments, and the punctuality figures cover the items' lead and
responsible assignments the actor may see. So the red card equals the red bars summed over
the units, and each figure links to the tree page showing the same items.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.prepared import Prepared
from ganchao.goals.choices import ItemType, Role, Status
from ganchao.goals.models import Assignment, Item, MonthlyStatus, Plan
from ganchao.goals.selectors import key_in_q, own_assignments_q, visible_assignments_q
from ganchao.goals.tree_selectors import (
    ASSIGNMENT_ROW_FIELDS,
    COLOURED_ROLES,
    ON_TRACK,
    STATUS_RANK,
    _in_scope_q,
    leader_items_q,
    leader_row,
    percent_text,
    status_badge,
    status_rank,
)
from ganchao.orgs.scoping import scope_of

LAGGING_UNITS = 10
HEATMAP_UNITS = 12
WORST_ROWS = 10


def _ids_of(rows, key: str) -> Q:
    """A filter on `key` by the ids of `rows` (a queryset), looked up once and then read by
    the key's index: the monthly statuses of a few hundred assignments are read by assignment,
    not all of the year's hundreds of thousands hashed against them."""
    return key_in_q(key, rows.order_by().values("id"))


def dashboard_items(*, actor, plan: Plan, leader_id: int | None = None):
    """The page's selection: indicators and tasks of the plan the actor reads directly, only
    those of the leader's areas (and those naming the leader) when `leader_id` is given."""
    items = Item.objects.filter(plan=plan).exclude(type=ItemType.GOAL)
    condition = _in_scope_q(actor)
    if condition is not None:
        items = items.filter(condition)
    if leader_id:
        items = items.filter(leader_items_q(leader_id))
    return items


def lead_assignments(items):
    """The lead assignment of each selected item: the item's status is its lead's."""
    return Assignment.objects.filter(_ids_of(items, "item_id"), role=Role.LEAD)


def dashboard_assignments(*, actor, items):
    """Lead and responsible assignments of the selected items that the actor may see."""
    rows = Assignment.objects.filter(_ids_of(items, "item_id"), role__in=COLOURED_ROLES)
    condition = visible_assignments_q(actor)
    return rows if condition is None else rows.filter(condition)


def _ratio(weights: dict[str, Decimal]) -> Decimal | None:
    started = {s: w for s, w in weights.items() if s and s != Status.NOT_STARTED}
    total = sum(started.values(), Decimal(0))
    if not total:
        return None
    return sum((w for s, w in started.items() if s in ON_TRACK), Decimal(0)) / total


def status_summary(items) -> dict:
    """Counts by status and the weighted on-track ratio of an item queryset (one query)."""
    rows = items.order_by().values("status").annotate(n=Count("id"), w=Sum("weight"))
    counts = {r["status"]: r["n"] for r in rows}
    weights = {r["status"]: r["w"] or Decimal(0) for r in rows}
    return {
        "counts": [{**status_badge(s), "n": counts.get(s, 0)} for s in STATUS_RANK],
        "total": sum(counts.values()),
        "ratio": _ratio(weights),
    }


def punctuality_cells(assignments, year: int) -> list[dict]:
    """Reports due and on time per unit and month of the plan year, over `assignments` (one
    query): what the series' punctuality and the heat map are both summed from, so the year's
    monthly statuses are read once, not three times."""
    return list(
        MonthlyStatus.objects.filter(
            _ids_of(assignments, "assignment_id"), month__year=year, reported_on_time__isnull=False
        )
        .order_by()
        .values("assignment__unit_id", "assignment__unit__code", "assignment__unit__name", "month")
        .annotate(total=Count("id"), on_time=Count("id", filter=Q(reported_on_time=True)))
    )


def monthly_series(leads, cells: list[dict], year: int) -> list[dict]:
    """Per month of the plan year: the on-track ratio of the items and their red and
    not-reported counts (from `leads`, the items' lead assignments), and the share of
    reports on time (from `cells`, punctuality_cells of the selection's assignments)."""
    statuses = MonthlyStatus.objects.filter(month__year=year).order_by()
    by_status = (
        statuses.filter(_ids_of(leads, "assignment_id"))
        .values("month", "status")
        .annotate(n=Count("id"), w=Sum("assignment__item__weight"))
    )
    months: dict[dt.date, dict] = {}

    def month_of(day: dt.date) -> dict:
        return months.setdefault(
            day, {"month": day, "weights": {}, "red": 0, "not_reported": 0, "on_time": 0, "due": 0}
        )

    for row in by_status:
        month = month_of(row["month"])
        month["weights"][row["status"]] = row["w"] or 0
        month["red"] += row["n"] if row["status"] == Status.RED else 0
        month["not_reported"] += row["n"] if row["status"] == Status.NOT_REPORTED else 0
    for cell in cells:
        month = month_of(cell["month"])
        month["on_time"] += cell["on_time"]
        month["due"] += cell["total"]
    series = []
    for month in sorted(months.values(), key=lambda m: m["month"]):
        ratio = _ratio(month.pop("weights"))
        punctual = Decimal(month["on_time"]) / month["due"] if month["due"] else None
        series.append(
            {**month, "ratio": ratio, "punctual": punctual, "label": f"{month['month'].month}月"}
        )
    return series


def lagging_units(leads, limit: int | None = LAGGING_UNITS) -> list[dict]:
    """Lead units with the most red, then yellow items of the selection (one query); the
    counts are of items, as on the cards, by the item's status."""
    lagging = [Status.RED, Status.YELLOW]
    rows = (
        leads.filter(item__status__in=lagging)
        .order_by()
        .values("unit_id", "unit__code", "unit__name", "unit__path")
        .annotate(
            red=Count("item_id", filter=Q(item__status=Status.RED), distinct=True),
            yellow=Count("item_id", filter=Q(item__status=Status.YELLOW), distinct=True),
        )
        .order_by("-red", "-yellow", "unit__path")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        {"code": r["unit__code"], "name": r["unit__name"], "red": r["red"], "yellow": r["yellow"]}
        for r in rows
    ]


def punctuality_heatmap(cells: list[dict], limit: int = HEATMAP_UNITS) -> dict:
    """Units × months: share of reports on time, for the units with the lowest share over the
    year (lowest share, then most reports due, then unit code), summed from `cells`
    (punctuality_cells of the selection's assignments)."""
    units: dict[int, dict] = {}
    for cell in cells:
        unit = units.setdefault(
            cell["assignment__unit_id"],
            {"code": cell["assignment__unit__code"], "name": cell["assignment__unit__name"],
             "total": 0, "on_time": 0},
        )  # fmt: skip
        unit["total"] += cell["total"]
        unit["on_time"] += cell["on_time"]
    worst = sorted(
        units.items(),
        key=lambda pair: (
            pair[1]["on_time"] / pair[1]["total"],
            -pair[1]["total"],
            pair[1]["code"],
        ),
    )[:limit]
    index = {unit_id: i for i, (unit_id, _unit) in enumerate(worst)}
    shown = [c for c in cells if c["assignment__unit_id"] in index]
    months = sorted({c["month"] for c in shown})
    column = {month: i for i, month in enumerate(months)}
    return {
        "units": [{"code": unit["code"], "name": unit["name"]} for _unit_id, unit in worst],
        "months": [f"{m.month}月" for m in months],
        "cells": sorted(
            [
                column[c["month"]],
                index[c["assignment__unit_id"]],
                round(100 * c["on_time"] / c["total"]),
            ]
            for c in shown
        ),
    }


def _previous_month(series: list[dict], today: dt.date) -> dict | None:
    """The latest monthly point before the current month (the comparison for trends)."""
    earlier = [m for m in series if m["month"] < today.replace(day=1)]
    return earlier[-1] if earlier else None


def _trend(now, before, *, percent: bool = False) -> dict | None:
    """The change since last month: percentage points for a ratio, a count otherwise."""
    if now is None or before is None:
        return None
    delta = now - before
    size = f"{abs(delta) * 100:.1f}" if percent else f"{abs(delta):d}"
    if percent and size == "0.0" or not percent and delta == 0:
        text = _("持平")
    elif percent:
        word = _("上升%(n)s个百分点") if delta > 0 else _("下降%(n)s个百分点")
        text = word % {"n": size}
    else:
        text = (_("增加%(n)s") if delta > 0 else _("减少%(n)s")) % {"n": size}
    return {"delta": delta, "up": delta > 0, "down": delta < 0, "text": text}


def dashboard(
    *, actor, plan: Plan, today: dt.date | None = None, leader_id: int | None = None
) -> dict:
    """Everything the 驾驶舱 shows, as plain rows and numbers, over one selection of items
    (a leader's own areas when `leader_id` is given: the "我分管的" filter)."""
    today = today or timezone.localdate()
    items = dashboard_items(actor=actor, plan=plan, leader_id=leader_id)
    leads = lead_assignments(items)
    assignments = dashboard_assignments(actor=actor, items=items)
    summary = status_summary(items)
    cells = punctuality_cells(assignments, plan.year)
    series = monthly_series(leads, cells, plan.year)
    last = _previous_month(series, today)
    counts = {c["status"]: c["n"] for c in summary["counts"]}
    return {
        "summary": summary,
        "ratio_text": percent_text(summary["ratio"]),
        "ratio_trend": _trend(summary["ratio"], last and last["ratio"], percent=True),
        "red_trend": _trend(counts[Status.RED], last and last["red"]),
        "not_reported_trend": _trend(counts[Status.NOT_REPORTED], last and last["not_reported"]),
        "last_month": last,
        "series": series,
        "lagging": lagging_units(leads),
        "heatmap": punctuality_heatmap(cells),
    }


_UNIT_COUNTS = Prepared(Assignment, None, plan_id=int)
_UNIT_WORST = Prepared(Assignment, None, plan_id=int)


def unit_summary(*, actor, plan: Plan) -> dict:
    """For a unit user's home: counts by status of their own units' assignments and the ones
    that lag most (two queries)."""
    scope = scope_of(actor)

    def assignments(plan_id):
        own = Q(pk__in=[])
        for path in scope.own_paths:
            own |= Q(unit__path__startswith=path)
        return Assignment.objects.filter(
            own_assignments_q(actor), own, item__plan_id=plan_id, role__in=COLOURED_ROLES
        )

    def counted(plan_id):
        return (
            assignments(plan_id)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )

    def lagging(plan_id):
        return (
            assignments(plan_id)
            .filter(status__in=[Status.RED, Status.NOT_REPORTED, Status.YELLOW])
            .annotate(rank=status_rank())
            .order_by("rank", "red_since", "item__sort_key", "unit__path")
            .values(*ASSIGNMENT_ROW_FIELDS)[:WORST_ROWS]
        )

    # Compiled once per process and scope (common.prepared); the plan is a value.
    counts = dict(_UNIT_COUNTS.fetch(("unit_summary", scope), build=counted, plan_id=plan.pk))
    worst = _UNIT_WORST.fetch(("unit_summary", scope), build=lagging, plan_id=plan.pk)
    return {
        "counts": [{**status_badge(s), "n": counts.get(s, 0)} for s in STATUS_RANK],
        "total": sum(counts.values()),
        "worst": [leader_row(row) for row in worst],
    }
