"""Reads of field visits, scoped to the actor ("missing" and "not yours" are the same NotFound).

A visit is visible to the office (and administrators), to users whose read scope covers the
visited unit (the unit's own users, a leader's areas), to the leader who led it and to its
participants and recorder. Lists run a fixed number of queries whatever the data size.
"""

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils.translation import gettext as _

from ganchao.common.errors import NotFound
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Leader, Unit
from ganchao.orgs.scoping import scope_of
from ganchao.visits.models import Demand, FieldVisit, Finding, Guidance

NOT_FOUND = "调研督导记录不存在或不在您的查看范围内"


def visible_visits_q(actor) -> Q:
    scope = scope_of(actor)
    if not scope.is_staff_user:
        return Q(pk__in=[])
    query = scope.units_q("unit__") | Q(created_by_id=actor.pk)
    query |= Q(
        pk__in=FieldVisit.participants.through.objects.filter(user_id=actor.pk).values(
            "fieldvisit_id"
        )
    )
    if actor.leader_id and scope.has(Role.LEADER):
        query |= Q(leader_id=actor.leader_id)
    return query


def _count_of(model):
    rows = (
        model.objects.filter(visit_id=OuterRef("pk"))
        .order_by()
        .values("visit_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def visit_list(
    *,
    actor,
    leader_id: int | None = None,
    unit: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kind: str = "",
):
    """Visits the actor may see, newest first, with counts of findings, guidance and demands.
    `unit` is a unit code or exact name and matches visits to that unit and below it."""
    visits = (
        FieldVisit.objects.filter(visible_visits_q(actor))
        .select_related("leader", "unit")
        .annotate(
            finding_count=_count_of(Finding),
            guidance_count=_count_of(Guidance),
            demand_count=_count_of(Demand),
        )
        .order_by("-visited_on", "-id")
    )
    if leader_id is not None:
        visits = visits.filter(leader_id=leader_id)
    if unit:
        paths = Unit.objects.filter(Q(code=unit) | Q(name=unit)).values_list("path", flat=True)
        match = Q(pk__in=[])
        for path in paths[:20]:
            match |= Q(unit__path__startswith=path)
        visits = visits.filter(match)
    if date_from is not None:
        visits = visits.filter(visited_on__gte=date_from)
    if date_to is not None:
        visits = visits.filter(visited_on__lte=date_to)
    if kind:
        visits = visits.filter(kind=kind)
    return visits


def visit_get(*, actor, pk: int) -> FieldVisit:
    visit = (
        FieldVisit.objects.filter(visible_visits_q(actor), pk=pk)
        .select_related("leader", "unit", "created_by")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("unit")),
            "guidance",
            "demands",
            "participants",
        )
        .first()
    )
    if visit is None:
        raise NotFound(NOT_FOUND)
    return visit


# ---- the leader's page: guidance given against demands made ("只督导、不指导") ----------------


def may_read_leader_page(actor, leader_id: int | None) -> bool:
    """The office reads every leader's page; a leader reads their own. Pages link a leader's
    name to it only when this holds."""
    scope = scope_of(actor)
    return leader_id is not None and (
        scope.has(Role.OFFICE) or (scope.has(Role.LEADER) and actor.leader_id == leader_id)
    )


def leader_visible(actor, leader_id: int) -> Leader:
    """The leader's page for those who may read it; others get NotFound."""
    allowed = may_read_leader_page(actor, leader_id)
    leader = Leader.objects.filter(pk=leader_id).first() if allowed else None
    if leader is None:
        raise NotFound(_("领导不存在"))
    return leader


def _leader_visits(leader_id: int, year: int):
    return FieldVisit.objects.filter(leader_id=leader_id, visited_on__year=year)


def guidance_meter(*, actor, leader_id: int, year: int) -> dict:
    """Per month of `year`: visits, findings, guidance and demands of the leader's visits, and
    the share of guidance among guidance and demands (four queries)."""
    leader_visible(actor, leader_id)
    visits = _leader_visits(leader_id, year)
    months = {
        m: {"month": m, "visits": 0, "findings": 0, "guidance": 0, "demands": 0}
        for m in range(1, 13)
    }
    for key, model in (("findings", Finding), ("guidance", Guidance), ("demands", Demand)):
        rows = (
            model.objects.filter(visit__in=visits)
            .annotate(m=ExtractMonth("visit__visited_on"))
            .values("m")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            months[row["m"]][key] = row["n"]
    for row in visits.annotate(m=ExtractMonth("visited_on")).values("m").annotate(n=Count("pk")):
        months[row["m"]]["visits"] = row["n"]
    rows = list(months.values())
    totals = {
        key: sum(r[key] for r in rows) for key in ("visits", "findings", "guidance", "demands")
    }
    return {"year": year, "months": rows, "totals": totals, **meter_verdict(totals)}


def meter_verdict(totals: dict) -> dict:
    """The share of guidance and a plain-language verdict (a word, never a colour alone)."""
    given, demanded = totals["guidance"], totals["demands"]
    share = round(100 * given / (given + demanded)) if given + demanded else None
    if not totals["visits"]:
        verdict, level = _("本年度尚无调研督导记录"), "none"
    elif demanded and not given:
        verdict, level = _("只提要求、未记录指导事项（只督导、不指导）"), "warn"
    elif share is not None and share < 30:
        verdict, level = _("指导事项偏少"), "low"
    else:
        verdict, level = _("督导与指导兼顾"), "ok"
    return {"guidance_share": share, "verdict": verdict, "verdict_level": level}


def leader_meter_rows(*, actor, year: int) -> list[dict]:
    """Every active leader with the year's visits, guidance and demands (office; four queries)."""
    if not scope_of(actor).has(Role.OFFICE):
        raise NotFound(_("页面不存在"))
    counts: dict[int, dict] = {}
    base = FieldVisit.objects.filter(visited_on__year=year, leader__isnull=False)
    for key, model in (("findings", Finding), ("guidance", Guidance), ("demands", Demand)):
        rows = (
            model.objects.filter(visit__in=base).values("visit__leader_id").annotate(n=Count("pk"))
        )
        for row in rows:
            counts.setdefault(row["visit__leader_id"], {})[key] = row["n"]
    for row in base.values("leader_id").annotate(n=Count("pk")):
        counts.setdefault(row["leader_id"], {})["visits"] = row["n"]
    result = []
    for leader in Leader.objects.filter(active=True):
        totals = {
            k: counts.get(leader.pk, {}).get(k, 0)
            for k in ("visits", "findings", "guidance", "demands")
        }
        result.append(
            {
                "id": leader.pk,
                "name": leader.name,
                "title": leader.title,
                **totals,
                **meter_verdict(totals),
            }
        )
    return result


def burden_item(actor, code: str, sent_on: dt.date | None):
    """The goal item a recorded request relates to, by its 编号 in the plan year of `sent_on`;
    none when no code was given. A code that is not one visible item of that year is an error
    naming the field (page and API alike)."""
    from ganchao.common.errors import ValidationFailed
    from ganchao.goals import selectors as goal_selectors
    from ganchao.goals.models import Item

    code = (code or "").strip()
    if not code:
        return None
    message = _("关联目标任务编号：该年度找不到唯一的这一编号")
    year = sent_on.year if sent_on else None
    candidates = list(
        Item.objects.filter(code=code, plan__year=year).values_list("pk", flat=True)[:2]
    )
    if len(candidates) != 1:
        raise ValidationFailed.on("item_code", message)
    try:
        return goal_selectors.item_get(actor, candidates[0])
    except NotFound:
        raise ValidationFailed.on("item_code", message) from None
