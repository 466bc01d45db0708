"""Reads of appeals (申诉): the window of a published result, a component of a unit in its
snapshot, and appeals scoped to the actor — the office (and leaders, who read every result)
see all; everyone else sees the appeals of the units in their read scope. "Missing" and "not
yours" are the same NotFound."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from ganchao.assessment import permissions
from ganchao.assessment.choices import APPEAL_WINDOW_WORKING_DAYS, AppealState
from ganchao.assessment.models import Appeal, AppealEvidence, Result, Scheme
from ganchao.common import workdays
from ganchao.common.errors import NotFound
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of

NOT_FOUND = "对象不存在或不在您的查看范围内"
# A result is open for appeals at most this many calendar days (5 working days, a holiday
# week included); used only to bound the search for appealable results.
WINDOW_SEARCH_DAYS = 21


def chinese_date(day: dt.date) -> str:
    """2026年7月14日 (the interface's DATE_FORMAT; English reads it its own way)."""
    return date_format(day, "DATE_FORMAT")


def appeal_deadline(result: Result) -> dt.date:
    """The last day (until 23:59:59 Asia/Shanghai) on which the result may be appealed."""
    published = timezone.localtime(result.published_at).date()
    return workdays.add_working_days(published, APPEAL_WINDOW_WORKING_DAYS)


def window_open(result: Result, at: dt.datetime | None = None) -> bool:
    return timezone.localtime(at or timezone.now()).date() <= appeal_deadline(result)


def unit_row(result: Result, unit_code: str) -> dict | None:
    return next((row for row in result.snapshot if row["unit_code"] == unit_code), None)


def result_row(result: Result, unit_code: str, component_code: str) -> dict | None:
    """The unit's component in the result's snapshot (code, name, points, score, details)."""
    row = unit_row(result, unit_code)
    if row is None:
        return None
    return next((c for c in row["components"] if c["code"] == component_code), None)


def appeals_visible(actor) -> QuerySet[Appeal]:
    appeals = Appeal.objects.select_related("unit", "result__scheme", "submitted_by", "decided_by")
    scope = scope_of(actor)
    if actor is None or permissions.sees_drafts(actor):
        return appeals
    if not scope.is_staff_user:
        return appeals.none()
    return appeals.filter(scope.units_q("unit__"))


def appeal_list(actor, *, state: str = "", scheme_code: str = "", period: str = ""):
    appeals = appeals_visible(actor)
    if state in AppealState.values:
        appeals = appeals.filter(state=state)
    if scheme_code:
        appeals = appeals.filter(scheme_code=scheme_code)
    if period:
        appeals = appeals.filter(period=period.strip().upper())
    return appeals.order_by("-submitted_at", "-id")


def appeal_filters(actor) -> dict:
    """The schemes (code, name) and periods that occur among the visible appeals (filter
    choices; a scheme shows by its name, not its code)."""
    rows = appeals_visible(actor).values_list("scheme_code", "period").distinct()
    pairs = sorted(set(rows))
    codes = sorted({code for code, _period in pairs})
    names = dict(Scheme.objects.filter(code__in=codes).values_list("code", "name"))
    return {
        "schemes": [(code, names.get(code, code)) for code in codes],
        "periods": sorted({period for _code, period in pairs}, reverse=True),
    }


def appeal_get(actor, pk) -> Appeal:
    appeal = appeals_visible(actor).filter(pk=pk).first()
    if appeal is None:
        raise NotFound(NOT_FOUND)
    return appeal


def appeal_evidence_get(actor, appeal_pk, pk) -> AppealEvidence:
    appeal = appeal_get(actor, appeal_pk)
    evidence = appeal.evidence.filter(pk=pk).first()
    if evidence is None:
        raise NotFound(NOT_FOUND)
    return evidence


def appealable_units(actor) -> list[Unit]:
    """Units the actor may appeal for: their own unit and their posts' units."""
    scope = scope_of(actor)
    if not scope.has(Role.LIAISON, Role.UNIT_HEAD):
        return []
    units = Unit.objects.filter(scope.units_q(write=True), active=True, category__isnull=False)
    return [u for u in units.order_by("code")[:200] if permissions.may_appeal(actor, u)]


def appealable_results(actor, at: dt.datetime | None = None) -> list[dict]:
    """Latest published revisions still open for appeal that list one of the actor's units:
    [{"result", "unit", "row", "deadline"}]. Two queries besides the actor's scope (a later
    revision is always published later, so the latest one of a period is among the recent)."""
    units = {u.code: u for u in appealable_units(actor)}
    if not units:
        return []
    since = timezone.now() - dt.timedelta(days=WINDOW_SEARCH_DAYS)
    recent = (
        Result.objects.select_related("scheme")
        .filter(published_at__gte=since)
        .order_by("scheme_code", "period", "-result_revision")
    )
    latest: dict[tuple[str, str], Result] = {}
    for result in recent:
        latest.setdefault((result.scheme_code, result.period), result)
    rows = []
    for result in latest.values():
        if not window_open(result, at):
            continue
        for row in result.snapshot:
            if row["unit_code"] in units:
                rows.append(_appealable(result, units[row["unit_code"]], row))
    return rows


def _appealable(result: Result, unit: Unit, row: dict) -> dict:
    return {"result": result, "unit": unit, "row": row, "deadline": appeal_deadline(result)}


def component_choices(result: Result, unit_code: str) -> list[tuple[str, str]]:
    row = unit_row(result, unit_code)
    if row is None:
        return []
    return [
        (c["code"], f"{c['name']}（{c['score']} / {c['points']} 分）") for c in row["components"]
    ]


def original_of(component: dict) -> Decimal | None:
    """The computed score kept in the breakdown when an appeal adjusted the component."""
    for detail in component.get("details", []):
        if "appeal" in detail:
            return Decimal(str(detail["original"]))
    return None
