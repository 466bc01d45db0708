"""Reads of the burden meter: what each grassroots unit (town, street, park, village,
community) receives per month, with likely duplicates and the monthly warning.

Counted, per unit and month of the year:
- notices and instructions: in-app messages received by the unit's users, one per message
  (title and time) however many of its users got it; messages that carry a ladder alert are
  counted once, as the alert;
- report requests: progress-report obligations, one per assignment and data period, in the
  month the report falls due (DESIGN.md 3.8);
- notices: level 1–2 alerts (提醒、催办) of the ladder;
- instructions: matters (督办事项), one per hop that hands or forwards one to the unit (their
  inbox messages are not counted again);
- whatever was recorded by hand (BurdenRequest), under its own kind.

Every row is plain data (dicts), for the office's page, the API and the dashboard. A fixed
number of queries whatever the data size.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ganchao.common import workdays
from ganchao.goals.choices import PlanState
from ganchao.goals.models import Assignment
from ganchao.goals.periods import due_date, periods_of_year
from ganchao.notifications.models import Notification
from ganchao.orgs.choices import GRASSROOTS_TYPES, UnitType
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of
from ganchao.supervision.choices import Level
from ganchao.supervision.models import Alert, MatterHop
from ganchao.visits.burden_rules import Request, find_duplicates
from ganchao.visits.choices import (
    DEFAULT_MONTHLY_THRESHOLD,
    DELIVERY_NOTIFICATION_KINDS,
    INSTRUCTION_NOTIFICATION_KINDS,
    RequestKind,
)
from ganchao.visits.models import BurdenRequest, BurdenSetting

KINDS = [kind.value for kind in RequestKind]
MONTHS = range(1, 13)


def monthly_threshold() -> int:
    setting = BurdenSetting.objects.filter(pk=1).values_list("monthly_threshold", flat=True)
    return next(iter(setting), DEFAULT_MONTHLY_THRESHOLD)


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


class _Tally:
    """Counts by (unit, month, kind) and the titled requests the duplicate rule looks at."""

    def __init__(self):
        self.counts: dict[tuple[int, int, str], int] = defaultdict(int)
        self.titled: list[Request] = []
        self.kinds: dict[str, str] = {}

    def add(self, unit_id: int, month: int, kind: str, n: int = 1) -> None:
        self.counts[(unit_id, month, kind)] += n

    def add_titled(self, request: Request, kind: str) -> None:
        self.add(request.unit_id, request.day.month, kind)
        self.titled.append(request)
        self.kinds[request.key] = kind


def _notifications(tally: _Tally, units_q: Q, year: int) -> None:
    start, end = _year_bounds(year)
    rows = (
        Notification.objects.filter(units_q, alert__isnull=True)
        .exclude(kind__in=DELIVERY_NOTIFICATION_KINDS)
        .filter(created_at__gte=start, created_at__lt=end)
        .values_list("user__unit_id", "kind", "title", "created_at")
        .distinct()
    )
    for unit_id, kind, title, created_at in rows:
        day = timezone.localtime(created_at).date()
        category = (
            RequestKind.INSTRUCTION
            if kind in INSTRUCTION_NOTIFICATION_KINDS
            else RequestKind.NOTICE
        )
        key = f"n:{unit_id}:{created_at.isoformat()}:{title}"
        tally.add_titled(Request(key, unit_id, day, title), category)


def _report_obligations(tally: _Tally, units_q: Q, year: int, cal) -> None:
    """Assignments × data periods whose report falls due in `year` (last year's December or Q4
    report falls due in January)."""
    rows = (
        Assignment.objects.filter(units_q)
        .filter(item__plan__state__in=[PlanState.ISSUED, PlanState.CLOSED])
        .filter(item__plan__year__in=[year - 1, year])
        .values(
            "unit_id", "item__frequency", "item__plan__year", "item__plan__report_due_working_days"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    due_months: dict[tuple, list[int]] = {}
    for row in rows:
        shape = (
            row["item__frequency"],
            row["item__plan__year"],
            row["item__plan__report_due_working_days"],
        )
        if shape not in due_months:
            frequency, plan_year, due_days = shape
            dues = [due_date(p, cal, due_days) for p in periods_of_year(plan_year, frequency)]
            due_months[shape] = [d.month for d in dues if d.year == year]
        for month in due_months[shape]:
            tally.add(row["unit_id"], month, RequestKind.REPORT_REQUEST, row["n"])


def _alerts(tally: _Tally, units_q: Q, year: int) -> None:
    start, end = _year_bounds(year)
    rows = (
        Alert.objects.filter(
            units_q, level__in=[Level.REMIND, Level.URGE], at__gte=start, at__lt=end
        )
        .annotate(month=TruncMonth("at"))
        .values("unit_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        tally.add(row["unit_id"], row["month"].month, RequestKind.NOTICE, row["n"])


def _matters(tally: _Tally, units_q: Q, year: int) -> None:
    """Matters (督办事项) handed or forwarded to a unit, one per hop, as instructions; the
    duplicate rule sees their titles and goal items."""
    start, end = _year_bounds(year)
    rows = MatterHop.objects.filter(
        units_q, forwarded_at__gte=start, forwarded_at__lt=end
    ).values_list("pk", "to_unit_id", "forwarded_at", "matter__title", "matter__item_id")
    for pk, unit_id, forwarded_at, title, item_id in rows:
        day = timezone.localtime(forwarded_at).date()
        tally.add_titled(Request(f"m:{pk}", unit_id, day, title, item_id), RequestKind.INSTRUCTION)


def _recorded(tally: _Tally, units_q: Q, year: int) -> None:
    through = BurdenRequest.to_units.through
    rows = through.objects.filter(units_q, burdenrequest__sent_on__year=year).values_list(
        "unit_id",
        "burdenrequest_id",
        "burdenrequest__title",
        "burdenrequest__kind",
        "burdenrequest__sent_on",
        "burdenrequest__item_id",
    )
    for unit_id, request_id, title, kind, sent_on, item_id in rows:
        request = Request(f"r:{request_id}:{unit_id}", unit_id, sent_on, title, item_id)
        tally.add_titled(request, kind)


def _units(scope, unit_type: str, q: str) -> list[dict]:
    types = [unit_type] if unit_type in GRASSROOTS_TYPES else list(GRASSROOTS_TYPES)
    units = Unit.objects.filter(scope.units_q(), type__in=types, active=True)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return list(units.order_by("path").values("id", "code", "name", "type"))


def burden_summary(*, actor, year: int, unit_type: str = "", q: str = "") -> dict:
    """The year's burden per grassroots unit in the actor's read scope, as plain rows:
    {"year", "threshold", "rows": [{unit…, "months": [12 cells], "total", "duplicates",
    "over_months"}], "by_month": [12 totals], "duplicates": [pairs]}."""
    scope = scope_of(actor)
    tally = _Tally()
    cal = workdays.current_calendar()
    if scope.is_staff_user:
        _notifications(tally, _under("user__unit__", scope), year)
        _report_obligations(tally, _under("unit__", scope), year, cal)
        _alerts(tally, _under("unit__", scope), year)
        _matters(tally, _under("to_unit__", scope), year)
        _recorded(tally, _under("unit__", scope), year)
        units = _units(scope, unit_type, q)
    else:
        units = []
    duplicates = find_duplicates(tally.titled, cal)
    return _assemble(year, units, tally, duplicates, monthly_threshold())


def _under(prefix: str, scope) -> Q:
    return scope.units_q(prefix) & Q(**{f"{prefix}type__in": list(GRASSROOTS_TYPES)})


def _assemble(year, units, tally, duplicates, threshold) -> dict:
    repeated: dict[tuple[int, int], int] = defaultdict(int)
    for pair in duplicates:
        repeated[(pair.later.unit_id, pair.later.day.month)] += 1
    names = {unit["id"]: unit["name"] for unit in units}
    rows = [_unit_row(unit, tally, repeated, threshold) for unit in units]
    by_month = [
        {
            "month": m,
            **{
                k: sum(r["months"][m - 1][k] for r in rows) for k in (*KINDS, "total", "duplicates")
            },
            "units_over": sum(1 for r in rows if r["months"][m - 1]["over"]),
        }
        for m in MONTHS
    ]
    pairs = [
        {
            "unit_id": p.later.unit_id,
            "unit": names[p.later.unit_id],
            "earlier_title": p.earlier.title,
            "earlier_day": p.earlier.day,
            "later_title": p.later.title,
            "later_day": p.later.day,
            "reason": p.reason,
            "similarity": round(p.similarity, 2),
        }
        for p in sorted(duplicates, key=lambda p: (p.later.day, p.later.key), reverse=True)
        if p.later.unit_id in names
    ]
    return {
        "year": year,
        "threshold": threshold,
        "rows": rows,
        "by_month": by_month,
        "duplicates": pairs,
    }


def _unit_row(unit: dict, tally: _Tally, repeated: dict, threshold: int) -> dict:
    months = []
    for m in MONTHS:
        cell = {k: tally.counts.get((unit["id"], m, k), 0) for k in KINDS}
        cell["month"] = m
        cell["total"] = sum(cell[k] for k in KINDS)
        cell["duplicates"] = repeated.get((unit["id"], m), 0)
        cell["over"] = cell["total"] > threshold
        months.append(cell)
    return {
        "unit_id": unit["id"],
        "unit_code": unit["code"],
        "unit_name": unit["name"],
        "unit_type": str(UnitType(unit["type"]).label),
        "months": months,
        "total": sum(c["total"] for c in months),
        "duplicates": sum(c["duplicates"] for c in months),
        "over_months": sum(1 for c in months if c["over"]),
    }


def chart_data(summary: dict) -> dict:
    """What the burden chart partial draws: totals per kind per month and units over the line."""
    months = summary["by_month"]
    return {
        "year": summary["year"],
        "threshold": summary["threshold"],
        "months": [f"{m['month']}月" for m in months],
        "series": [
            {"name": str(label), "data": [m[value] for m in months]}
            for value, label in RequestKind.choices
        ],
        "duplicates": [m["duplicates"] for m in months],
        "units_over": [m["units_over"] for m in months],
        "url": f"/visits/burden/?year={summary['year']}&over=1",
    }
