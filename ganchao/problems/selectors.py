"""Reads of the problem ledger, scoped to the actor: the office sees every problem, a leader the
problems owned or found by the units of their area, a unit's users the problems their units own
or found, and anyone the problems they found themselves. Outside that scope a problem does not
exist (404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import NotFound
from ganchao.common.views import query_int
from ganchao.orgs.scoping import scope_of
from ganchao.problems.choices import (
    AGE_BUCKET_BOUNDS,
    UNCLOSED_STATES,
    Category,
    PlaceType,
    Severity,
    State,
)
from ganchao.problems.models import Problem, ProblemEvent, ProblemPhoto

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def problems_visible(actor) -> QuerySet[Problem]:
    """Every problem the actor may read, unordered and unjoined (callers add what they show)."""
    scope = scope_of(actor)
    if not scope.is_staff_user:
        return Problem.objects.none()
    if scope.reads_all:
        return Problem.objects.all()
    return Problem.objects.filter(
        scope.unit_in_q("owner_unit") | scope.unit_in_q("found_by_unit") | Q(found_by=actor)
    )


def problem_get(actor, pk) -> Problem:
    """One problem with its links, timeline and photos; 404 when missing or outside scope."""
    events = ProblemEvent.objects.select_related("actor").order_by("at", "id")
    photos = ProblemPhoto.objects.select_related("uploaded_by").order_by("uploaded_at", "id")
    pk = query_int(pk)
    problem = (
        problems_visible(actor)
        .filter(pk=pk)
        .select_related(
            "owner_unit",
            "found_by",
            "found_by_unit",
            "place_unit",
            "closed_by",
            "item",
            "matter",
            "case",
            "recurrence_of",
            "finding",
        )
        .prefetch_related(Prefetch("events", queryset=events), Prefetch("photos", queryset=photos))
        .first()
        if pk is not None
        else None
    )
    if problem is None:
        raise NotFound(_("问题不存在"))
    return problem


def photo_get(actor, problem_pk, photo_pk) -> ProblemPhoto:
    problem = problem_get(actor, problem_pk)
    photo = next((p for p in problem.photos.all() if str(p.pk) == str(photo_pk)), None)
    if photo is None:
        raise NotFound(_("照片不存在"))
    return photo


def age_range(bucket: str, today: dt.date) -> Q | None:
    """The found_on condition of an age bucket (days since found), or None for an unknown one."""
    for value, low, high in AGE_BUCKET_BOUNDS:
        if value == bucket:
            query = Q(found_on__lte=today - dt.timedelta(days=low))
            if high is not None:
                query &= Q(found_on__gte=today - dt.timedelta(days=high))
            return query
    return None


def _flag(value) -> bool | None:
    text = str(value or "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def ledger_unit(params):
    """The unit the `unit` filter names by its code (with name and path, for the page to show),
    or None when the filter is empty or names no unit: one query, to pass to ledger_filter."""
    from ganchao.orgs.models import Unit

    code = (params.get("unit") or "").strip()
    if not code:
        return None
    return Unit.objects.filter(code=code).only("pk", "code", "name", "path").first()


LOOK_UP = object()  # ledger_filter's `unit` when the caller has not looked it up


def ledger_filter(
    qs: QuerySet[Problem], params, today: dt.date | None = None, *, unit=LOOK_UP
) -> QuerySet[Problem]:
    """The ledger's filters from query parameters (a dict or QueryDict); unknown or empty values
    are ignored: place_type, unit (a unit code, sub-units included; `unit` given when the caller
    already looked it up with ledger_unit), category, severity, state, age (bucket), legacy,
    overdue, blocks_project, source, open (=1: unclosed only, a chart bar's rows), q (number,
    place or description)."""
    today = today or timezone.localdate()
    get = params.get
    for name, choices in (
        ("place_type", PlaceType),
        ("category", Category),
        ("severity", Severity),
        ("state", State),
    ):
        value = get(name) or ""
        if value in choices.values:
            qs = qs.filter(**{name: value})
    source = get("source") or ""
    if source:
        qs = qs.filter(source=source)
    if get("open") == "1":
        qs = qs.filter(state__in=UNCLOSED_STATES)
    if (get("unit") or "").strip():
        unit = ledger_unit(params) if unit is LOOK_UP else unit
        qs = qs.filter(owner_unit__path__startswith=unit.path) if unit else qs.none()
    age = age_range(get("age") or "", today)
    if age is not None:
        qs = qs.filter(age)
    for name in ("legacy", "blocks_project"):
        flag = _flag(get(name))
        if flag is not None:
            qs = qs.filter(**{name: flag})
    overdue = _flag(get("overdue"))
    if overdue is not None:
        late = Q(state__in=UNCLOSED_STATES, deadline__lt=today)
        qs = qs.filter(late if overdue else ~late)
    text = (get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(number__icontains=text) | Q(place__icontains=text) | Q(description__icontains=text)
        )
    return qs


def open_by_age(actor, params=None, today: dt.date | None = None, *, unit=LOOK_UP) -> list[dict]:
    """Unclosed problems in scope (after the ledger's filters) counted per age bucket, in bucket
    order, each also per severity (`by_severity`, for the ledger's stacked chart): one query."""
    today = today or timezone.localdate()
    qs = problems_visible(actor).filter(state__in=UNCLOSED_STATES)
    if params:
        qs = ledger_filter(qs, params, today, unit=unit)
    aggregates = {}
    for index, (value, _low, _high) in enumerate(AGE_BUCKET_BOUNDS):
        bucket = age_range(value, today)
        for severity in Severity.values:
            aggregates[f"b{index}_{severity}"] = Count("pk", filter=bucket & Q(severity=severity))
    counts = qs.aggregate(**aggregates)
    rows = []
    for index, (value, _low, _high) in enumerate(AGE_BUCKET_BOUNDS):
        by_severity = {s: counts[f"b{index}_{s}"] for s in Severity.values}
        rows.append(
            {"bucket": value, "count": sum(by_severity.values()), "by_severity": by_severity}
        )
    return rows


def is_overdue(problem, today: dt.date | None = None) -> bool:
    return problem.state in UNCLOSED_STATES and problem.deadline < (today or timezone.localdate())
