"""Reads of levels 3–5, scoped to the actor: a unit sees its issued notices, the office sees
everything including proposals, a leader sees the notices of their areas and their 约谈."""

import datetime as dt

from django.db.models import Count, Prefetch, Q

from ganchao.common.errors import NotFound
from ganchao.ladder.choices import OPEN_STATES, VISIBLE_TO_UNITS, NoticeState, TalkState
from ganchao.ladder.models import BulletinListing, NoticeResponse, SupervisionNotice, TalkProposal
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import scope_of
from ganchao.supervision.choices import Level
from ganchao.supervision.models import Alert

DESK_ROWS = 50


def notices_visible(actor):
    scope = scope_of(actor)
    query = SupervisionNotice.objects.filter(scope.units_q("unit__")).select_related(
        "unit", "assignment__item", "matter", "bulletin"
    )
    if not scope.has(Role.OFFICE):
        query = query.filter(state__in=VISIBLE_TO_UNITS)
    return query


def notice_list(*, actor, state: str = "", unit: str = ""):
    query = notices_visible(actor)
    if state in NoticeState.values:
        query = query.filter(state=state)
    if unit:
        query = query.filter(Q(unit__code=unit) | Q(unit__name=unit))
    return query.order_by("-proposed_at", "-id")


def notice_get(*, actor, pk: int) -> SupervisionNotice:
    found = (
        notices_visible(actor)
        .select_related("issued_by", "issuer_unit", "dismissed_by")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=NoticeResponse.objects.select_related("submitted_by", "decided_by"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("督办单不存在")
    return found


def proposals(*, actor):
    if not scope_of(actor).has(Role.OFFICE):
        raise NotFound("督办建议只对督查室开放")
    return notices_visible(actor).filter(state=NoticeState.PROPOSED).order_by("proposed_at", "id")


def bulletins_visible(actor):
    """通报 listings of the notices the actor may read."""
    visible = notices_visible(actor).values("pk")
    return BulletinListing.objects.filter(notice__in=visible).select_related(
        "unit", "leader", "notice"
    )


def talks_visible(actor):
    scope = scope_of(actor)
    query = TalkProposal.objects.select_related("unit", "leader", "bulletin__notice")
    if scope.has(Role.OFFICE):
        return query
    if actor.leader_id and scope.has(Role.LEADER):
        return query.filter(leader_id=actor.leader_id)
    return query.none()


def talk_get(*, actor, pk: int) -> TalkProposal:
    found = talks_visible(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("约谈建议不存在")
    return found


def desk(*, actor, today: dt.date) -> dict:
    """The office's 督办台: a fixed number of queries whatever the data size."""
    if not scope_of(actor).has(Role.OFFICE):
        raise NotFound("督办台只对督查室开放")
    notices = notices_visible(actor)
    return {
        "proposals": list(proposals(actor=actor)[:DESK_ROWS]),
        "proposal_count": notices.filter(state=NoticeState.PROPOSED).count(),
        "to_review": list(
            notices.filter(state=NoticeState.ANSWERED).order_by("response_due")[:DESK_ROWS]
        ),
        "overdue": list(
            notices.filter(state__in=OPEN_STATES, response_due__lt=today).order_by(
                "response_due", "id"
            )[:DESK_ROWS]
        ),
        "bulletins": list(
            BulletinListing.objects.filter(year=today.year)
            .select_related("unit", "leader", "notice__assignment__item", "notice__matter")
            .order_by("-dated", "-id")[:DESK_ROWS]
        ),
        "talks": list(
            talks_visible(actor)
            .filter(state=TalkState.PROPOSED)
            .order_by("proposed_at")[:DESK_ROWS]
        ),
        "units": ladder_by_unit(today.year),
    }


def ladder_by_unit(year: int) -> list[dict]:
    """Per unit, counts by level this year: 催办, issued 督办单, 通报, held 约谈 (and proposed)."""
    counts: dict[int, dict] = {}

    def add(rows, name):
        for unit_id, n in rows:
            counts.setdefault(unit_id, {})[name] = n

    add(
        Alert.objects.filter(level=Level.URGE, at__year=year)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n"),
        "urges",
    )
    add(
        SupervisionNotice.objects.filter(number_year=year)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n"),
        "notices",
    )
    add(
        BulletinListing.objects.filter(year=year)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n"),
        "bulletins",
    )
    talks = (
        TalkProposal.objects.filter(year=year)
        .values_list("unit_id")
        .annotate(
            held=Count("pk", filter=Q(state=TalkState.HELD)),
            proposed=Count("pk", filter=Q(state=TalkState.PROPOSED)),
        )
        .values_list("unit_id", "held", "proposed")
    )
    for unit_id, held, proposed in talks:
        counts.setdefault(unit_id, {}).update(talks_held=held, talks_proposed=proposed)
    units = Unit.objects.filter(pk__in=list(counts)).values_list("pk", "code", "name", "path")
    rows = [
        {
            "unit_id": pk,
            "code": code,
            "name": name,
            "path": path,
            **{k: counts[pk].get(k, 0) for k in ("urges", "notices", "bulletins")},
            "talks_held": counts[pk].get("talks_held", 0),
            "talks_proposed": counts[pk].get("talks_proposed", 0),
        }
        for pk, code, name, path in units
    ]
    rows.sort(key=lambda r: (-r["bulletins"], -r["notices"], -r["urges"], r["path"]))
    return rows
