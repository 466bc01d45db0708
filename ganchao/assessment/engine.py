"""The assessment engine (DESIGN.md 3.10) as pure functions: plain inputs, plain outputs.

No Django and no database: the selectors gather a scheme's inputs into the dataclasses below,
`score_units` turns them into ranked results. All arithmetic is exact Decimal; only grade,
rank, ties and gaps use the total rounded half up to 2 places.

Nothing to assess is not full marks. Indicators and milestones are the *work components*; one
with nothing for a unit in the period (no scored assignment; no milestone due) is not
applicable and is filled. So is the enterprise service component (服务企业) of a unit that
handled no enterprise appeal in the period; it is filled like a work component but is not
one: appeals come when enterprises bring them, not by the office's plan, so a unit whose only
applicable component is enterprise service has nothing assigned to assess and is not ranked,
and its credit never fills the work components (their fill basis stays indicators and
milestones). The fill:

- `prorate` (the default): at the unit's credit rate over its applicable work components —
  their score ÷ their points × this component's points;
- `average`: at the category's mean credit for this component, over the units for which it
  applies (when it applies to none, as `prorate`).

Both rates are taken from the *computed* scores, before accepted appeals: an appeal changes
the one component it names, never a second figure through the fill. A unit with no applicable
work component is not ranked and gets no grade (本期无考核内容); it takes no place in the
ranks, the n of the 优秀 share cap or the gap to the first.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
HALF = Decimal("0.5")
CENT = Decimal("0.01")

INDICATORS = "indicators"
MILESTONES = "milestones"
SUPERVISION = "supervision"
MANUAL = "manual"
ENTERPRISE_SERVICE = "enterprise_service"

RATIO = "ratio"
LINEAR_FLOOR = "linear_floor"
ALL_OR_NOTHING = "all_or_nothing"

PRORATE = "prorate"
AVERAGE = "average"
WORK_KINDS = (INDICATORS, MILESTONES)
# filled when not applicable; only the work kinds make a unit rankable and form the fill basis
FILLED_KINDS = (*WORK_KINDS, ENTERPRISE_SERVICE)

# 服务企业: credit = 60 % on-time rate of the tier clocks + 40 % satisfaction rate; on time
# alone when no appeal was rated. Satisfied: rated 3 (基本满意) or better, as the national
# 好差评 rules count a good rating (enterprises.selectors.SATISFIED_RATING).
SERVICE_ON_TIME_WEIGHT = Decimal("0.6")
SERVICE_SATISFACTION_WEIGHT = Decimal("0.4")

POSITIVE = "positive"
NEGATIVE = "negative"

EXCELLENT = "优秀"
GOOD = "良好"
PASS = "合格"
FAIL = "不合格"

URGE = "urge"  # 催办
NOTICE = "notice"  # issued 督办单
BULLETIN = "bulletin"  # 通报
TALK = "talk"  # held 约谈
SUPERVISION_PENALTY = {URGE: Decimal(1), NOTICE: Decimal(2), BULLETIN: Decimal(3), TALK: Decimal(5)}


def round2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = ONE) -> Decimal:
    return max(low, min(high, value))


# ---- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    code: str
    name: str
    kind: str
    points: Decimal
    method: str = RATIO
    floor: Decimal = ZERO


@dataclass(frozen=True)
class Scheme:
    components: tuple[Component, ...]
    bonus_cap: Decimal = Decimal(5)
    excellent: Decimal = Decimal(90)
    good: Decimal = Decimal(80)
    passing: Decimal = Decimal(60)
    excellent_share: Decimal | None = None
    empty_component: str = PRORATE  # how a work component with nothing to assess is filled


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    cutoff: dt.date  # milestone completions after it count as open

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Indicator:
    """One assignment on an indicator: E and a at the end of the period (a None: no report)."""

    ref: str
    weight: Decimal
    direction: str
    expected: Decimal | None
    actual: Decimal | None
    key: str = ""  # "assignment:<id>", for the drill-down to reports and evidence
    report: int | None = None  # the report revision whose value is `actual`
    original_expected: Decimal | None = None  # E before an approved target adjustment


@dataclass(frozen=True)
class Milestone:
    ref: str
    due: dt.date
    completed_on: dt.date | None = None
    key: str = ""  # "assignment:<id>/milestone:<id>"


@dataclass(frozen=True)
class Service:
    """A unit's enterprise appeals (诉求) received in the period, as of the cut-off: per tier
    clock (acknowledge, plan, resolve) how many are decided (done, or past the deadline) and
    how many of those were done by the deadline; how many the enterprises rated, and how many
    of those were satisfied (rated 基本满意 or better)."""

    appeals: int
    decided: tuple[int, int, int]
    on_time: tuple[int, int, int]
    rated: int = 0
    satisfied: int = 0


@dataclass(frozen=True)
class Event:
    """A ladder event: kind URGE / NOTICE / BULLETIN / TALK on its date."""

    ref: str
    kind: str
    day: dt.date


@dataclass(frozen=True)
class Item:
    """An approved bonus or deduction item, or a veto item (points unused)."""

    ref: str
    points: Decimal
    reason: str = ""


@dataclass(frozen=True)
class Adjustment:
    """An accepted appeal: the component's score becomes `score`; the computed one is kept."""

    ref: str
    component: str  # component code
    score: Decimal
    reason: str = ""


@dataclass(frozen=True)
class UnitInput:
    code: str
    name: str
    indicators: tuple[Indicator, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    events: tuple[Event, ...] = ()
    manual: dict[str, Decimal] = field(default_factory=dict)
    bonuses: tuple[Item, ...] = ()
    deductions: tuple[Item, ...] = ()
    vetoes: tuple[Item, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    service: Service | None = None  # no enterprise appeal in the period: None


# ---- outputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentScore:
    code: str
    name: str
    kind: str
    points: Decimal
    score: Decimal
    details: tuple[dict, ...] = ()
    # A work component with nothing to assess: {"mode": PRORATE or AVERAGE, "rate": credit
    # rate used, "basis_score"/"basis_points" (prorate) or "units" (average)}; None otherwise.
    filled: dict | None = None


@dataclass(frozen=True)
class UnitScore:
    code: str
    name: str
    components: tuple[ComponentScore, ...]
    bonus: Decimal
    deduction: Decimal
    veto: bool
    total: Decimal  # exact
    items: tuple[dict, ...] = ()  # the bonus, deduction and veto items behind the figures
    assessed: bool = True  # False: no applicable work component (本期无考核内容), not ranked

    @property
    def shown_total(self) -> Decimal:
        return round2(self.total)


@dataclass(frozen=True)
class UnitResult:
    """A ranked unit, or (rank None, grade "", gap None) a unit with nothing to assess."""

    score: UnitScore
    rank: int | None
    grade: str
    gap: Decimal | None  # the first's rounded total − own rounded total


# ---- components ----------------------------------------------------------------------------


def indicator_completion(direction: str, expected: Decimal | None, actual: Decimal | None):
    """c for one assignment; no report (or no E) gives 0."""
    if actual is None or expected is None:
        return ZERO
    if direction == NEGATIVE:
        if actual <= expected:
            return ONE
        if actual == 0:  # then E < 0: E/a tends to −∞, clamped to 0
            return ZERO
        return clamp(expected / actual)
    if expected <= 0:
        return ONE if actual >= expected else ZERO
    return clamp(actual / expected)


def method_credit(c: Decimal, method: str, floor: Decimal = ZERO) -> Decimal:
    if method == ALL_OR_NOTHING:
        return ONE if c >= 1 else ZERO
    if method == LINEAR_FLOOR:
        if floor >= 1:  # (c − 1)/0 is undefined: a floor of 1 is all or nothing
            return ONE if c >= 1 else ZERO
        return ZERO if c < floor else (c - floor) / (ONE - floor)
    return c


def indicators_score(component: Component, items) -> tuple[Decimal, tuple[dict, ...]] | None:
    """Points split by weight × credit; None when the unit has no indicator with a weight."""
    weights = sum((i.weight for i in items), ZERO)
    if not items or weights <= 0:
        return None
    score, details = ZERO, []
    for item in items:
        c = indicator_completion(item.direction, item.expected, item.actual)
        credit = method_credit(c, component.method, component.floor)
        part = component.points * item.weight / weights * credit
        score += part
        detail = {
            "ref": item.ref,
            "key": item.key,
            "weight": item.weight,
            "expected": item.expected,
            "actual": item.actual,
            "c": c,
            "credit": credit,
            "score": part,
        }
        if item.report is not None:
            detail["report"] = item.report
        if item.original_expected is not None and item.original_expected != item.expected:
            detail["original_expected"] = item.original_expected
        details.append(detail)
    # weight shares like 1/3 are rounded to 28 digits: never let their sum pass the points
    return min(score, component.points), tuple(details)


def milestone_credit(milestone: Milestone, cutoff: dt.date) -> Decimal:
    done = milestone.completed_on
    if done is None or done > cutoff:
        return ZERO
    return ONE if done <= milestone.due else HALF


def milestones_score(component: Component, items, period: Period):
    """points × Σ credit ÷ milestones due; None when none falls due in the period."""
    due = [m for m in items if period.contains(m.due)]
    if not due:
        return None
    credits = [(m, milestone_credit(m, period.cutoff)) for m in due]
    total = sum((credit for _m, credit in credits), ZERO)
    details = tuple(
        {"ref": m.ref, "key": m.key, "due": m.due, "completed_on": m.completed_on, "credit": credit}
        for m, credit in credits
    )
    return component.points * total / len(due), details


def supervision_score(component: Component, events, period: Period):
    counted = [e for e in events if period.contains(e.day)]
    penalty = sum((SUPERVISION_PENALTY[e.kind] for e in counted), ZERO)
    details = tuple(
        {"ref": e.ref, "kind": e.kind, "day": e.day, "penalty": SUPERVISION_PENALTY[e.kind]}
        for e in counted
    )
    return max(ZERO, component.points - penalty), details


def manual_score(component: Component, manual: dict[str, Decimal]):
    value = manual.get(component.code)
    if value is None:
        return ZERO, ()
    return clamp(Decimal(value), ZERO, component.points), ({"entered": Decimal(value)},)


def service_rates(service: Service | None):
    """(on-time rate, satisfaction rate or None, credit) of a unit's appeals; None when it has
    none, or none of their clocks was decided by the cut-off."""
    if service is None or not service.appeals or sum(service.decided) <= 0:
        return None
    on_time = Decimal(sum(service.on_time)) / sum(service.decided)
    if not service.rated:
        return on_time, None, on_time
    satisfaction = Decimal(service.satisfied) / service.rated
    credit = SERVICE_ON_TIME_WEIGHT * on_time + SERVICE_SATISFACTION_WEIGHT * satisfaction
    return on_time, satisfaction, credit


def service_score(component: Component, service: Service | None):
    """points × credit; None (not applicable) when the unit handled no appeal in the period."""
    rates = service_rates(service)
    if rates is None:
        return None
    on_time, satisfaction, credit = rates
    score = component.points * credit
    detail = {
        "ref": ENTERPRISE_SERVICE,
        "appeals": service.appeals,
        "decided": sum(service.decided),
        "on_time": sum(service.on_time),
        "tiers": [list(pair) for pair in zip(service.on_time, service.decided, strict=True)],
        "rated": service.rated,
        "satisfied": service.satisfied,
        "on_time_rate": on_time,
        "satisfaction_rate": satisfaction,
        "credit": credit,
        "score": score,
    }
    return score, (detail,)


def computed_score(component: Component, unit: UnitInput, period: Period):
    """(score, details) as the inputs give it, before fill and appeals; None for a work
    component with nothing to assess."""
    if component.kind == INDICATORS:
        return indicators_score(component, unit.indicators)
    if component.kind == MILESTONES:
        return milestones_score(component, unit.milestones, period)
    if component.kind == SUPERVISION:
        return supervision_score(component, unit.events, period)
    if component.kind == ENTERPRISE_SERVICE:
        return service_score(component, unit.service)
    return manual_score(component, unit.manual)


def computed_scores(scheme: Scheme, unit: UnitInput, period: Period) -> dict[str, tuple | None]:
    return {c.code: computed_score(c, unit, period) for c in scheme.components}


def work_components(scheme: Scheme) -> tuple[Component, ...]:
    return tuple(c for c in scheme.components if c.kind in WORK_KINDS)


def filled_components(scheme: Scheme) -> tuple[Component, ...]:
    """The components filled when not applicable: the work ones and enterprise service."""
    return tuple(c for c in scheme.components if c.kind in FILLED_KINDS)


def is_assessed(scheme: Scheme, computed: dict[str, tuple | None]) -> bool:
    """A unit has something to assess when a work component applies to it (or the scheme has
    no work component at all)."""
    work = work_components(scheme)
    return not work or any(computed[c.code] is not None for c in work)


def category_rates(scheme: Scheme, computed_by_unit) -> dict[str, tuple[Decimal, int]]:
    """{filled component code: (mean credit, number of units)} over the units it applies to;
    a component that applies to none is absent."""
    rates = {}
    for component in filled_components(scheme):
        credits = [
            scores[component.code][0] / component.points
            for scores in computed_by_unit
            if scores[component.code] is not None
        ]
        if credits:
            rates[component.code] = (sum(credits, ZERO) / len(credits), len(credits))
    return rates


def fill(scheme: Scheme, component: Component, computed, rates) -> dict | None:
    """How a not applicable work component is filled; None when nothing applies at all."""
    applicable = [c for c in work_components(scheme) if computed[c.code] is not None]
    if not applicable:
        return None
    if scheme.empty_component == AVERAGE and component.code in rates:
        rate, count = rates[component.code]
        return {"mode": AVERAGE, "rate": rate, "units": count}
    points = sum((c.points for c in applicable), ZERO)
    score = sum((computed[c.code][0] for c in applicable), ZERO)
    return {"mode": PRORATE, "rate": score / points, "basis_score": score, "basis_points": points}


def component_score(
    component: Component, unit: UnitInput, period: Period, computed, filled: dict | None = None
) -> ComponentScore:
    """The component's score: `computed` (computed_score's answer), else `filled` when the
    component is not applicable (see fill), then the latest accepted appeal."""
    if computed is not None:
        score, details, filled = computed[0], computed[1], None
    elif filled is not None:
        score, details = component.points * filled["rate"], ()
        filled = {**filled, "score": score}
    else:  # nothing to assess anywhere: the unit is not ranked; the component counts 0
        score, details = ZERO, ()
    adjusted = [a for a in unit.adjustments if a.component == component.code]
    if adjusted:  # the latest accepted appeal wins; the computed score stays on record
        last = adjusted[-1]
        details = details + (
            {"appeal": last.ref, "original": score, "adjusted": last.score, "reason": last.reason},
        )
        score = clamp(Decimal(last.score), ZERO, component.points)
    return ComponentScore(
        component.code, component.name, component.kind, component.points, score, details, filled
    )


# ---- totals, grades and ranks --------------------------------------------------------------


def score_unit(scheme: Scheme, unit: UnitInput, period: Period, rates=None) -> UnitScore:
    """One unit's components, bonus, deduction and total; `rates` are the category's mean
    credits for `average` filling (category_rates), empty for prorate alone."""
    computed = computed_scores(scheme, unit, period)
    rates = {} if rates is None else rates
    components = tuple(
        component_score(c, unit, period, computed[c.code], _fill_of(scheme, c, computed, rates))
        for c in scheme.components
    )
    bonus = min(sum((b.points for b in unit.bonuses), ZERO), scheme.bonus_cap)
    deduction = sum((d.points for d in unit.deductions), ZERO)
    subtotal = sum((c.score for c in components), ZERO)
    total = max(ZERO, subtotal + bonus - deduction)
    items = tuple(
        {"ref": item.ref, "kind": kind, "points": item.points, "reason": item.reason}
        for kind, group in (("bonus", unit.bonuses), ("deduction", unit.deductions))
        + (("veto", unit.vetoes),)
        for item in group
    )
    return UnitScore(
        unit.code,
        unit.name,
        components,
        bonus,
        deduction,
        bool(unit.vetoes),
        total,
        items,
        is_assessed(scheme, computed),
    )


def _fill_of(scheme: Scheme, component: Component, computed, rates) -> dict | None:
    if component.kind not in FILLED_KINDS or computed[component.code] is not None:
        return None
    return fill(scheme, component, computed, rates)


def base_grade(scheme: Scheme, score: UnitScore) -> str:
    if score.veto:
        return FAIL
    total = score.shown_total
    if total >= scheme.excellent:
        return EXCELLENT
    if total >= scheme.good:
        return GOOD
    return PASS if total >= scheme.passing else FAIL


def ranks(scores: list[UnitScore]) -> dict[str, int]:
    """Ties share a rank (1, 2, 2, 4); veto units below every other, among themselves by total.
    Sorted totals and bisection keep it O(n log n) for the thousands of villages of a province."""
    shown = {s.code: s.shown_total for s in scores}
    clean = sorted(shown[s.code] for s in scores if not s.veto)
    vetoed = sorted(shown[s.code] for s in scores if s.veto)
    result = {}
    for s in scores:
        pool = vetoed if s.veto else clean
        above = len(pool) - bisect_right(pool, shown[s.code])
        result[s.code] = 1 + above + (len(clean) if s.veto else 0)
    return result


def capped_grades(scheme: Scheme, scores: list[UnitScore], grades: dict[str, str]):
    """At most floor(share × n) 优秀; those beyond in rank order become 良好, ties together."""
    if scheme.excellent_share is None:
        return grades
    limit = math.floor(Decimal(scheme.excellent_share) * len(scores))
    shown = {s.code: s.shown_total for s in scores}
    excellent = sorted(shown[s.code] for s in scores if grades[s.code] == EXCELLENT)
    capped = dict(grades)
    for s in scores:
        at_or_above = len(excellent) - bisect_left(excellent, shown[s.code])
        if grades[s.code] == EXCELLENT and at_or_above > limit:
            capped[s.code] = GOOD
    return capped


def is_blank(unit: UnitInput) -> bool:
    """True when the unit has no input at all: its score depends on nothing but the scheme and
    the period (a province's villages mostly, thousands of them in a year scheme)."""
    return not (
        unit.indicators
        or unit.milestones
        or unit.events
        or unit.manual
        or unit.bonuses
        or unit.deductions
        or unit.vetoes
        or unit.adjustments
        or unit.service is not None
    )


def _scores(scheme: Scheme, units: list[UnitInput], period: Period, rates) -> list[UnitScore]:
    """score_unit of every unit; the units without inputs are scored once and share that
    score, with their own code and name (its components and items are immutable tuples)."""
    blank = None
    scores = []
    for unit in units:
        if not is_blank(unit):
            scores.append(score_unit(scheme, unit, period, rates))
        elif blank is None:
            blank = score_unit(scheme, unit, period, rates)
            scores.append(blank)
        else:
            scores.append(replace(blank, code=unit.code, name=unit.name))
    return scores


def score_units(scheme: Scheme, units, period: Period) -> list[UnitResult]:
    """Every unit of one category scored, graded and ranked; ordered by rank, then unit code.
    Units with nothing to assess follow, by code, with no rank, grade or gap."""
    units = list(units)
    rates = {}
    blank = None  # the computed scores of a unit without inputs: the same for every such unit
    if scheme.empty_component == AVERAGE:
        computed = []
        for unit in units:
            if is_blank(unit):
                blank = blank or computed_scores(scheme, unit, period)
                computed.append(blank)
            else:
                computed.append(computed_scores(scheme, unit, period))
        rates = category_rates(scheme, computed)
    scores = _scores(scheme, units, period, rates)
    ranked = [s for s in scores if s.assessed]
    rank_of = ranks(ranked)
    grades = capped_grades(scheme, ranked, {s.code: base_grade(scheme, s) for s in ranked})
    ordered = sorted(ranked, key=lambda s: (rank_of[s.code], s.code))
    first = ordered[0].shown_total if ordered else ZERO
    results = [
        UnitResult(s, rank_of[s.code], grades[s.code], first - s.shown_total) for s in ordered
    ]
    unranked = sorted((s for s in scores if not s.assessed), key=lambda s: s.code)
    return results + [UnitResult(s, None, "", None) for s in unranked]
