"""Scorecards of supervised matters (督办记分卡) per unit and per leader, and where the time goes
along the forwarding chains. Selectors return plain rows (dicts), never model instances.

The figures cover the matters handed over (交办) within the period, read in a fixed handful of
queries (the hops with their matters' columns, each unit's first substantive feedback per matter,
the approved extensions, the names) and computed here on the working-day calendar:

- on-time receipt: a hop received by its receipt deadline, out of the hops received or past it;
- on-time substantive response: a lead or co-handling unit's first substantive feedback on a
  matter by the matter's first response deadline (the tier's deadline from 交办, or the latest
  extension approved before that feedback), out of those answered or past the deadline;
  forwarded units answer to the unit that forwarded, so they are not counted here;
- median time to first substantive response: working hours from the hop to that feedback;
- overdue: matters whose hop is overdue now, by the rule of the unit's inbox;
- reopens and hops per matter: over the matters the unit leads (the leader: issued);
- dwell: how long a unit held a hop, from receipt until it forwarded the matter onwards (its last
  onward hop, as on the matter page) or else gave its first substantive answer; a hop still held
  counts until now, or until completion once the matter is completed.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common import workdays
from ganchao.common.errors import NotFound
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Leader, LeaderArea, Unit
from ganchao.orgs.scoping import scope_of
from ganchao.supervision import matter_rules as rules
from ganchao.supervision.matter_choices import ExtensionState, HandlingRole, MatterState
from ganchao.supervision.models import Matter, MatterExtension, MatterFeedback, MatterHop

OPEN_STATES = {MatterState.ASSIGNED, MatterState.IN_PROGRESS, MatterState.RETURNED}
ANSWERING_ROLES = {HandlingRole.LEAD, HandlingRole.COOPERATING}
HOUR_MICROS = Decimal(3_600_000_000)
HOP_COLUMNS = (
    "id",
    "matter_id",
    "from_unit_id",
    "to_unit_id",
    "role",
    "forwarded_at",
    "receipt_due",
    "received_at",
    "matter__state",
    "matter__urgency",
    "matter__milestones",
    "matter__assigned_at",
    "matter__response_due",
    "matter__responded_at",
    "matter__completed_at",
    "matter__lead_unit_id",
    "matter__leader_id",
    "matter__reopen_count",
)
# Sort keys of the unit table and whether a larger value is better.
SORT_KEYS = {
    "receipt_rate": True,
    "response_rate": True,
    "median_response_hours": False,
    "overdue": False,
    "reopens": False,
    "hops_per_matter": False,
    "dwell_total_hours": False,
    "dwell_median_hours": False,
}


@dataclass(frozen=True)
class Period:
    """From the first day to the last day, both included, in local dates."""

    start: dt.date
    end: dt.date

    @classmethod
    def year_of(cls, day: dt.date) -> "Period":
        return cls(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        low = dt.datetime.combine(self.start, dt.time(), tzinfo=tz)
        high = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        return low, high


# ---- reading -----------------------------------------------------------------------------------


def _matters_q(period: Period, prefix: str = "matter__") -> Q:
    low, high = period.bounds()
    return Q(**{f"{prefix}assigned_at__gte": low, f"{prefix}assigned_at__lt": high})


@dataclass
class Facts:
    """Everything the figures need, read once."""

    hops: list[dict]
    first_answers: dict[tuple[int, int], dt.datetime]  # (matter, unit) → first substantive
    extensions: dict[int, list[tuple[dt.datetime, dt.datetime]]]  # matter → (decided, due)


def _facts(period: Period, matters: Q | None) -> Facts:
    """Hops of the period's matters (restricted by `matters`, a filter on Matter), with each
    unit's first substantive feedback and the approved extensions: three queries."""
    in_period = _matters_q(period)
    if matters is not None:
        in_period &= Q(matter_id__in=Matter.objects.filter(matters).values("pk"))
    hops = list(MatterHop.objects.filter(in_period).order_by().values(*HOP_COLUMNS))
    matter_ids = {h["matter_id"] for h in hops}
    answers = (
        MatterFeedback.objects.filter(matter_id__in=matter_ids, substantive=True)
        .order_by()
        .values("matter_id", "unit_id")
        .annotate(first=Min("created_at"))
    )
    extensions = defaultdict(list)
    approved = MatterExtension.objects.filter(
        matter_id__in=matter_ids, state=ExtensionState.APPROVED
    ).values_list("matter_id", "decided_at", "requested_due")
    for matter_id, decided_at, due in approved:
        extensions[matter_id].append((decided_at, due))
    first = {(a["matter_id"], a["unit_id"]): a["first"] for a in answers}
    return Facts(hops, first, dict(extensions))


# ---- per hop -----------------------------------------------------------------------------------


def _hours(cal, start, end) -> Decimal:
    if end <= start:
        return Decimal(0)
    return Decimal(cal.working_micros_between(start, end)) / HOUR_MICROS


def _first_response_due(hop: dict, answered_at, extensions, cal) -> dt.datetime | None:
    """The deadline the first substantive response was held to: the tier's deadline from 交办,
    or the latest approved extension decided before the answer (before now when unanswered)."""
    milestones = [dt.date.fromisoformat(d) for d in hop["matter__milestones"] or []]
    due = rules.response_due(hop["matter__urgency"], hop["matter__assigned_at"], cal, milestones)
    granted = [d for decided, d in extensions if answered_at is None or decided <= answered_at]
    return max(granted) if granted else due


def _is_overdue(hop: dict, now) -> bool:
    """The inbox's rule: not received by the receipt deadline, or no response by the deadline."""
    if hop["matter__state"] not in OPEN_STATES:
        return False
    late_receipt = hop["received_at"] is None and hop["receipt_due"] < now
    due = hop["matter__response_due"]
    late_answer = hop["matter__responded_at"] is None and due is not None and due < now
    return late_receipt or late_answer


def _held_until(hop: dict, onward: list, answered_at, now):
    if onward:
        return max(onward)
    if answered_at is not None:
        return answered_at
    return hop["matter__completed_at"] or now


@dataclass
class HopFacts:
    """One hop's contribution to its unit's and its leader's figures."""

    unit_id: int
    matter_id: int
    leader_id: int | None
    received: bool | None  # on time, late, or None when not yet due and not received
    answered: bool | None  # likewise for the first substantive response
    response_hours: Decimal | None
    overdue: bool
    held_hours: Decimal | None


def _hop_facts(facts: Facts, now, cal) -> list[HopFacts]:
    onward = defaultdict(list)
    for hop in facts.hops:
        if hop["from_unit_id"]:
            onward[(hop["matter_id"], hop["from_unit_id"])].append(hop["forwarded_at"])
    return [_one_hop(hop, facts, onward, now, cal) for hop in facts.hops]


def _one_hop(hop: dict, facts: Facts, onward, now, cal) -> HopFacts:
    key = (hop["matter_id"], hop["to_unit_id"])
    answered_at = facts.first_answers.get(key)
    received = None
    if hop["received_at"] is not None:
        received = hop["received_at"] <= hop["receipt_due"]
    elif hop["receipt_due"] < now:
        received = False
    answered, response_hours = None, None
    if hop["role"] in ANSWERING_ROLES:
        extensions = facts.extensions.get(hop["matter_id"], [])
        due = _first_response_due(hop, answered_at, extensions, cal)
        if answered_at is not None:
            answered = due is None or answered_at <= due
            response_hours = _hours(cal, hop["forwarded_at"], answered_at)
        elif due is not None and due < now:
            answered = False
    held = None
    if hop["received_at"] is not None:
        end = _held_until(hop, onward.get(key, []), answered_at, now)
        held = _hours(cal, hop["received_at"], end)
    return HopFacts(
        hop["to_unit_id"],
        hop["matter_id"],
        hop["matter__leader_id"],
        received,
        answered,
        response_hours,
        _is_overdue(hop, now),
        held,
    )


# ---- figures -----------------------------------------------------------------------------------


def _rate(flags: list) -> tuple[Decimal | None, int, int]:
    decided = [f for f in flags if f is not None]
    good = sum(1 for f in decided if f)
    if not decided:
        return None, 0, 0
    return (Decimal(100 * good) / len(decided)).quantize(Decimal("0.1")), good, len(decided)


def _median(values: list) -> Decimal | None:
    values = [v for v in values if v is not None]
    return Decimal(statistics.median(values)).quantize(Decimal("0.1")) if values else None


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


def figures(hop_facts: list[HopFacts], matters: dict[int, dict]) -> dict:
    """The scorecard of a set of hops and of the matters (id → hop row) it is answerable for."""
    receipt, receipt_good, receipt_due = _rate([h.received for h in hop_facts])
    response, response_good, response_due = _rate([h.answered for h in hop_facts])
    held = [h.held_hours for h in hop_facts if h.held_hours is not None]
    return {
        "receipt_rate": receipt,
        "receipt_on_time": receipt_good,
        "receipt_counted": receipt_due,
        "response_rate": response,
        "response_on_time": response_good,
        "response_counted": response_due,
        "median_response_hours": _median([h.response_hours for h in hop_facts]),
        "overdue": len({h.matter_id for h in hop_facts if h.overdue}),
        "reopens": sum(m["reopen_count"] for m in matters.values()),
        "matters": len(matters),
        "hops_per_matter": (
            _one_decimal(Decimal(sum(m["hops"] for m in matters.values())) / len(matters))
            if matters
            else None
        ),
        "hops": len(hop_facts),
        "dwell_hops": len(held),
        "dwell_total_hours": _one_decimal(sum(held, Decimal(0))),
        "dwell_median_hours": _median(held),
    }


def _matter_rows(facts: Facts) -> dict[int, dict]:
    """Per matter: its lead unit, leader, reopen count and number of hops."""
    matters: dict[int, dict] = {}
    for hop in facts.hops:
        row = matters.setdefault(
            hop["matter_id"],
            {
                "lead_unit_id": hop["matter__lead_unit_id"],
                "leader_id": hop["matter__leader_id"],
                "reopen_count": hop["matter__reopen_count"],
                "hops": 0,
            },
        )
        row["hops"] += 1
    return matters


# ---- sorting -----------------------------------------------------------------------------------


def worst_first(row: dict) -> tuple:
    """Most overdue first, then the lowest response and receipt rates; no data last."""
    empty = row["response_rate"] is None and row["receipt_rate"] is None
    return (
        empty,
        -row["overdue"],
        row["response_rate"] if row["response_rate"] is not None else Decimal(101),
        row["receipt_rate"] if row["receipt_rate"] is not None else Decimal(101),
        row["name"],
    )


def sort_rows(rows: list[dict], key: str, descending: bool) -> list[dict]:
    """Sort by a figure (rows without it last) or, for an unknown key, worst first."""
    if key == "name":
        return sorted(rows, key=lambda r: r["name"], reverse=descending)
    if key not in SORT_KEYS:
        return sorted(rows, key=worst_first)
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    return sorted(present, key=lambda r: (r[key], r["name"]), reverse=descending) + missing


# ---- selectors ---------------------------------------------------------------------------------


def _require_reader(actor):
    scope = scope_of(actor)
    if not scope.is_staff_user:
        raise NotFound(_("记分卡不在您的查看范围内"))
    return scope


def unit_scorecards(*, actor, period: Period, now: dt.datetime | None = None) -> list[dict]:
    """One row per unit in the actor's read scope that held a hop of the period's matters,
    worst first: the office sees every unit, a leader their own unit and their areas, a unit
    user their own units (and the units below)."""
    scope = _require_reader(actor)
    now = now or timezone.now()
    matters = None if scope.reads_all else Q(hops__to_unit__in=_scoped_units(scope))
    facts = _facts(period, matters)
    unit_ids = {h["to_unit_id"] for h in facts.hops}
    units = Unit.objects.filter(scope.units_q(), pk__in=unit_ids).values_list(
        "pk", "code", "name", "path"
    )
    per_hop = _hop_facts(facts, now, workdays.current_calendar())
    return sorted(_unit_rows(per_hop, _matter_rows(facts), units), key=worst_first)


def _scoped_units(scope):
    return Unit.objects.filter(scope.units_q()).values("pk")


def _unit_rows(per_hop: list[HopFacts], matters: dict[int, dict], units) -> list[dict]:
    by_unit = defaultdict(list)
    for h in per_hop:
        by_unit[h.unit_id].append(h)
    led = defaultdict(dict)
    for matter_id, m in matters.items():
        led[m["lead_unit_id"]][matter_id] = m
    rows = []
    for pk, code, name, path in units:
        row = {"unit_id": pk, "code": code, "name": name, "path": path}
        row.update(figures(by_unit[pk], led[pk]))
        rows.append(row)
    return rows


def leader_scorecards(*, actor, period: Period, now: dt.datetime | None = None) -> list[dict]:
    """One row per leader: the matters they issued in the period, and under `areas` the rows of
    the units of their current areas (and the units below them). The office sees every leader
    with matters or areas; a leader sees their own row; anyone else gets NotFound."""
    scope = _require_reader(actor)
    now = now or timezone.now()
    if scope.has(Role.OFFICE):
        leaders = Leader.objects.filter(Q(active=True) | Q(matters__isnull=False)).distinct()
    elif scope.has(Role.LEADER) and actor.leader_id:
        leaders = Leader.objects.filter(pk=actor.leader_id)
    else:
        raise NotFound(_("记分卡不在您的查看范围内"))
    leaders = list(leaders.order_by("sort_order", "pk").values_list("pk", "name", "title"))
    areas = _current_areas([pk for pk, _n, _t in leaders])
    area_q = Q(pk__in=[])
    for paths in areas.values():
        for path in paths:
            area_q |= Q(hops__to_unit__path__startswith=path)
    facts = _facts(period, Q(leader_id__in=[pk for pk, _n, _t in leaders]) | area_q)
    return _leader_rows(facts, leaders, areas, now)


def _current_areas(leader_ids: list[int]) -> dict[int, list[str]]:
    today = timezone.localdate()
    rows = (
        LeaderArea.objects.filter(leader_id__in=leader_ids, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("leader_id", "unit__path")
    )
    areas = defaultdict(list)
    for leader_id, path in rows:
        areas[leader_id].append(path)
    return areas


def _leader_rows(facts: Facts, leaders, areas, now) -> list[dict]:
    per_hop = _hop_facts(facts, now, workdays.current_calendar())
    matters = _matter_rows(facts)
    unit_ids = {h["to_unit_id"] for h in facts.hops}
    units = list(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "code", "name", "path"))
    unit_rows = _unit_rows(per_hop, matters, units) if areas else []
    rows = []
    for pk, name, title in leaders:
        issued = {mid: m for mid, m in matters.items() if m["leader_id"] == pk}
        row = {"leader_id": pk, "name": name, "title": title}
        row.update(figures([h for h in per_hop if h.leader_id == pk], issued))
        paths = areas.get(pk, [])
        in_areas = [u for u in unit_rows if any(u["path"].startswith(p) for p in paths)]
        row["areas"] = sorted(in_areas, key=worst_first)
        rows.append(row)
    return sorted(rows, key=worst_first)
