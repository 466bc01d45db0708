"""Reads of 服务企业, scoped to the actor (404 outside scope) and joined in advance.

Who sees an enterprise: the office (all), anyone whose read scope covers its town (the town's
staff, the leaders in charge of it), and its commissioners. Who sees an appeal: those who see
its enterprise, and the owner unit's staff and handler."""

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common import workdays
from ganchao.common.errors import NotFound
from ganchao.common.views import query_int
from ganchao.enterprises.choices import OPEN_STATES, AppealState, Scale, Sector
from ganchao.enterprises.models import (
    Appeal,
    Commissioner,
    Enterprise,
    EnterpriseSettings,
    EnterpriseVisit,
)
from ganchao.orgs.scoping import scope_of


def _serving(actor, enterprise_ref="pk", on=None):
    on = on or timezone.localdate()
    return Exists(
        Commissioner.objects.filter(
            enterprise=OuterRef(enterprise_ref), user_id=actor.pk, start_on__lte=on
        ).filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
    )


def enterprises_visible(actor):
    scope = scope_of(actor)
    if not scope.is_staff_user:
        return Enterprise.objects.none()
    qs = Enterprise.objects.select_related("town")
    if scope.reads_all:
        return qs
    return qs.filter(scope.unit_in_q("town") | Q(_serving(actor)))


def enterprise_get(actor, pk) -> Enterprise:
    enterprise = enterprises_visible(actor).filter(pk=pk).first() if query_int(pk) else None
    if enterprise is None:
        raise NotFound(_("企业不存在或不在您的范围内"))
    return enterprise


def enterprise_filter(qs, params):
    sector = params.get("sector") or ""
    if sector in Sector.values:
        qs = qs.filter(sector=sector)
    scale = params.get("scale") or ""
    if scale in Scale.values:
        qs = qs.filter(scale=scale)
    town = query_int(params.get("town"))
    if town:
        qs = qs.filter(town_id=town)
    text = (params.get("q") or "").strip()[:100]
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(credit_code__icontains=text.upper()))
    active = params.get("active")
    if active in ("0", "1"):
        qs = qs.filter(active=active == "1")
    return qs


def enterprise_list(actor, params):
    """(rows, count): each row with its open appeals and current commissioners counted."""
    today = timezone.localdate()
    qs = enterprise_filter(enterprises_visible(actor), params)
    count = qs.count()
    rows = qs.annotate(
        open_appeals=Count("appeals", filter=Q(appeals__state__in=OPEN_STATES), distinct=True),
        commissioner_count=Count(
            "commissioners",
            filter=Q(commissioners__start_on__lte=today)
            & (Q(commissioners__end_on__isnull=True) | Q(commissioners__end_on__gt=today)),
            distinct=True,
        ),
    ).order_by("name", "pk")
    return rows, count


def commissioners_of(enterprise):
    return enterprise.commissioners.select_related("user", "user__unit").order_by(
        F("end_on").desc(nulls_first=True), "-start_on", "pk"
    )


def visits_of(enterprise):
    return EnterpriseVisit.objects.filter(enterprise=enterprise).select_related("commissioner")


def appeals_visible(actor):
    scope = scope_of(actor)
    if not scope.is_staff_user:
        return Appeal.objects.none()
    qs = Appeal.objects.select_related(
        "enterprise", "enterprise__town", "owner_unit", "handler", "commissioner"
    )
    if scope.reads_all:
        return qs
    return qs.filter(
        scope.unit_in_q("owner_unit")
        | scope.unit_in_q("enterprise__town")
        | Q(handler_id=actor.pk)
        | Q(commissioner_id=actor.pk)
        | Q(_serving(actor, "enterprise_id"))
    )


def appeal_get(actor, pk) -> Appeal:
    qs = appeals_visible(actor).select_related("problem")
    appeal = qs.filter(pk=pk).first() if query_int(pk) else None
    if appeal is None:
        raise NotFound(_("诉求不存在或不在您的范围内"))
    return appeal


def with_next_due(qs):
    """Annotates `next_due`: the deadline of the clock running now (none once resolved)."""
    return qs.annotate(
        next_due=Case(
            When(state=AppealState.RECEIVED, then=F("acknowledge_due")),
            When(state=AppealState.ACKNOWLEDGED, then=F("plan_due")),
            When(state=AppealState.PLANNED, then=F("resolve_due")),
            default=Value(None),
            output_field=DateTimeField(),
        )
    )


def appeal_filter(qs, params, now=None):
    state = params.get("state") or ""
    if state in AppealState.values:
        qs = qs.filter(state=state)
    elif state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    enterprise = query_int(params.get("enterprise"))
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    unit = query_int(params.get("unit"))
    if unit:
        qs = qs.filter(owner_unit_id=unit)
    if params.get("overdue") in ("1", "true", True):
        qs = with_next_due(qs).filter(next_due__lt=now or timezone.now())
    text = (params.get("q") or "").strip()[:100]
    if text:
        qs = qs.filter(
            Q(number__icontains=text)
            | Q(title__icontains=text)
            | Q(enterprise__name__icontains=text)
        )
    return qs


def appeal_list(actor, params, now=None):
    qs = appeal_filter(appeals_visible(actor), params, now)
    return qs.order_by("-received_at", "-pk"), qs.count()


def appeal_events(appeal):
    return appeal.events.select_related("actor").order_by("at", "pk")


def desk_enterprises(actor):
    """The enterprises the actor serves now, with their open appeals counted."""
    return (
        Enterprise.objects.filter(_serving(actor))
        .select_related("town")
        .annotate(
            open_appeals=Count("appeals", filter=Q(appeals__state__in=OPEN_STATES), distinct=True)
        )
        .order_by("name", "pk")
    )


def desk_appeals(actor):
    """Open appeals the actor serves or handles, the most urgent clock first."""
    qs = appeals_visible(actor).filter(state__in=OPEN_STATES)
    qs = qs.filter(
        Q(commissioner_id=actor.pk) | Q(handler_id=actor.pk) | Q(_serving(actor, "enterprise_id"))
    )
    return with_next_due(qs).order_by("next_due", "pk")


def settings_row() -> EnterpriseSettings:
    return EnterpriseSettings.load()


# ---- scorecards ------------------------------------------------------------------------------


@dataclass
class ScoreRow:
    key: int | None
    name: str
    appeals: int
    acknowledged_on_time: Decimal | None
    planned_on_time: Decimal | None
    resolved_on_time: Decimal | None
    median_hours: Decimal | None
    median_days: Decimal | None
    satisfaction: Decimal | None
    rated: int


def _rate(good: int, decided: int) -> Decimal | None:
    if not decided:
        return None
    return (Decimal(good) * 100 / decided).quantize(Decimal("0.1"))


GROUPS = {
    "commissioner": ("commissioner_id", "commissioner__full_name"),
    "unit": ("owner_unit_id", "owner_unit__name"),
}


def _aggregates(now):
    """A tier counts once it is decided: done, or its deadline passed. On time: done by then."""
    unresolvable = Q(state=AppealState.UNRESOLVED) | Q(
        state=AppealState.CLOSED, resolved_at__isnull=True
    )
    return {
        "appeals": Count("pk"),
        "ack_done": Count("pk", filter=Q(acknowledged_at__lte=F("acknowledge_due"))),
        "ack_decided": Count(
            "pk", filter=Q(acknowledged_at__isnull=False) | Q(acknowledge_due__lt=now)
        ),
        "plan_done": Count("pk", filter=Q(planned_at__lte=F("plan_due"))),
        "plan_decided": Count("pk", filter=Q(planned_at__isnull=False) | Q(plan_due__lt=now)),
        "resolve_done": Count("pk", filter=Q(resolved_at__lte=F("resolve_due"))),
        "resolve_decided": Count(
            "pk",
            filter=Q(resolved_at__isnull=False) | Q(resolve_due__lt=now) | unresolvable,
        ),
        "satisfaction": Avg("rating"),
        "rated": Count("rating"),
    }


def scorecard(actor, *, by="commissioner", start: dt.date | None = None, end=None, now=None):
    """Per commissioner (the one serving when the appeal was received) or per owner unit, over
    the visible appeals received between start and end (dates, inclusive): two queries, the
    aggregates grouped in one and the resolution times for the medians in the other."""
    now = now or timezone.now()
    key, name = GROUPS[by]
    qs = appeals_visible(actor)
    if start:
        qs = qs.filter(received_at__date__gte=start)
    if end:
        qs = qs.filter(received_at__date__lte=end)
    grouped = qs.order_by().values(key, name).annotate(**_aggregates(now)).order_by(name, key)
    hours: dict = {}
    for group, value in (
        qs.filter(resolve_hours__isnull=False).order_by().values_list(key, "resolve_hours")
    ):
        hours.setdefault(group, []).append(value)
    day_hours = Decimal(workdays.current_calendar().day_micros) / Decimal(3_600_000_000)
    rows = []
    for row in grouped:
        median = statistics.median(hours[row[key]]) if hours.get(row[key]) else None
        rows.append(
            ScoreRow(
                key=row[key],
                name=row[name] or _("（未指派专员）"),
                appeals=row["appeals"],
                acknowledged_on_time=_rate(row["ack_done"], row["ack_decided"]),
                planned_on_time=_rate(row["plan_done"], row["plan_decided"]),
                resolved_on_time=_rate(row["resolve_done"], row["resolve_decided"]),
                median_hours=Decimal(median).quantize(Decimal("0.1"))
                if median is not None
                else None,
                median_days=(Decimal(median) / day_hours).quantize(Decimal("0.1"))
                if median is not None
                else None,
                satisfaction=Decimal(str(row["satisfaction"])).quantize(Decimal("0.01"))
                if row["satisfaction"] is not None
                else None,
                rated=row["rated"],
            )
        )
    return rows


def unit_service_rates(unit_ids, *, start: dt.date, end: dt.date, now=None) -> dict:
    """For the assessment (a component of the units' scores): per owner unit id, the on-time
    rates and average satisfaction of the appeals received in [start, end], unscoped (the
    assessment reads every unit it scores). {unit_id: ScoreRow}."""
    now = now or timezone.now()
    qs = Appeal.objects.filter(
        owner_unit_id__in=list(unit_ids), received_at__date__gte=start, received_at__date__lte=end
    )
    grouped = qs.order_by().values("owner_unit_id").annotate(**_aggregates(now))
    return {
        row["owner_unit_id"]: ScoreRow(
            key=row["owner_unit_id"],
            name="",
            appeals=row["appeals"],
            acknowledged_on_time=_rate(row["ack_done"], row["ack_decided"]),
            planned_on_time=_rate(row["plan_done"], row["plan_decided"]),
            resolved_on_time=_rate(row["resolve_done"], row["resolve_decided"]),
            median_hours=None,
            median_days=None,
            satisfaction=Decimal(str(row["satisfaction"])).quantize(Decimal("0.01"))
            if row["satisfaction"] is not None
            else None,
            rated=row["rated"],
        )
        for row in grouped
    }


SATISFIED_RATING = 3  # 基本满意 or better: a good rating under the national 好差评 rules
TIER_FIELDS = (
    ("acknowledged_at", "acknowledge_due"),
    ("planned_at", "plan_due"),
    ("resolved_at", "resolve_due"),
)


def unit_service_counts(narrow, *, start: dt.date, end: dt.date, as_of: dt.datetime) -> dict:
    """For the assessment's enterprise service component: per owner unit id, the appeals
    received in [start, end] (local dates) and, as of the instant `as_of` (nothing done later
    counts), per tier clock the decided (done, or past its deadline) and the done by the
    deadline, the rated and the satisfied. `narrow` restricts the appeals to the units scored
    (a function of the queryset). Unscoped; one grouped query.
    {unit_id: {"appeals", "decided": (a, p, r), "on_time": (a, p, r), "rated", "satisfied"}}"""
    # a range of instants rather than received_at__date: the same local days, without a cast
    # of every row to a date in the database's time zone
    since = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    qs = narrow(Appeal.objects.filter(received_at__gte=since, received_at__lt=until))
    counts = {"appeals": Count("pk")}
    for tier, (done, due) in enumerate(TIER_FIELDS):
        counts[f"decided{tier}"] = Count(
            "pk", filter=Q(**{f"{done}__lt": as_of}) | Q(**{f"{due}__lt": as_of})
        )
        counts[f"on_time{tier}"] = Count(
            "pk", filter=Q(**{f"{done}__lt": as_of, f"{done}__lte": F(due)})
        )
    rated = Q(rating__isnull=False, rated_at__lt=as_of)
    counts["rated"] = Count("pk", filter=rated)
    counts["satisfied"] = Count("pk", filter=rated & Q(rating__gte=SATISFIED_RATING))
    rows = qs.order_by().values("owner_unit_id").annotate(**counts)
    return {
        row["owner_unit_id"]: {
            "appeals": row["appeals"],
            "decided": tuple(row[f"decided{tier}"] for tier in range(3)),
            "on_time": tuple(row[f"on_time{tier}"] for tier in range(3)),
            "rated": row["rated"],
            "satisfied": row["satisfied"],
        }
        for row in rows
    }
