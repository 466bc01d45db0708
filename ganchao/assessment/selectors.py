"""Reads of the assessment: a scheme's inputs gathered from goals and the ladder in a fixed
number of queries (never one per unit), draft results, and published results."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.assessment import engine
from ganchao.assessment.choices import AppealState
from ganchao.assessment.models import Appeal, ManualScore, Result, Scheme, ScoreItem
from ganchao.assessment.periods import AssessmentPeriod
from ganchao.assessment.snapshot import snapshot_rows, unassessed_rows
from ganchao.common import collector, workdays
from ganchao.common.errors import NotFound
from ganchao.enterprises import selectors as enterprise_selectors
from ganchao.goals import status_rules as rules
from ganchao.goals.choices import (
    COUNTING_REPORT_STATES,
    AdjustmentField,
    AdjustmentState,
    ItemType,
    PlanState,
    Role,
)
from ganchao.goals.models import (
    Assignment,
    Milestone,
    MilestoneCompletion,
    ProgressReport,
    TargetAdjustment,
)
from ganchao.ladder.choices import TalkState
from ganchao.ladder.models import BulletinListing, SupervisionNotice, TalkProposal
from ganchao.orgs.models import LeaderArea, Unit
from ganchao.supervision.choices import Level
from ganchao.supervision.models import Alert

CUTOFF_WORKING_DAYS = 5
SCORED_ROLES = Q(role=Role.LEAD) | Q(role=Role.RESPONSIBLE, target__isnull=False)


def scheme_get(code: str, version: int | None = None) -> Scheme:
    """The scheme by code: the given version, or the latest one."""
    schemes = Scheme.objects.select_related("category").filter(code=code)
    if version is not None:
        schemes = schemes.filter(scheme_version=version)
    scheme = schemes.order_by("-scheme_version").first()
    if scheme is None:
        if version is None:
            raise NotFound(_("考核方案“%(code)s”不存在") % {"code": code})
        raise NotFound(_("考核方案“%(code)s”第%(v)s版不存在") % {"code": code, "v": version})
    return scheme


def default_cutoff(period: AssessmentPeriod) -> dt.date:
    return workdays.add_working_days(period.end, CUTOFF_WORKING_DAYS)


def engine_scheme(scheme: Scheme) -> engine.Scheme:
    components = tuple(
        engine.Component(c.code, c.name, c.kind, c.points, c.method, c.floor)
        for c in scheme.components.all()
    )
    return engine.Scheme(
        components,
        bonus_cap=scheme.bonus_cap,
        excellent=scheme.excellent_threshold,
        good=scheme.good_threshold,
        passing=scheme.pass_threshold,
        excellent_share=scheme.excellent_share,
        empty_component=scheme.empty_component,
    )


class Participants:
    """The scheme's participants as a filter for the input queries, without a list of thousands
    of ids: `unit NOT IN (units outside the category or inactive) AND unit NOT IN (excluded)`.
    PostgreSQL keeps a NOT IN as a hashed filter on the rows it scans, so the plan stays the
    cheap one (indicators → assignments by item) even before the tables are analysed; an
    `IN (participants)` is turned into a join that, without statistics, the planner nests
    outside every plan and item (half a million index probes for 224 towns)."""

    def __init__(self, scheme: Scheme):
        self.others = Unit.objects.exclude(category_id=scheme.category_id, active=True).values("pk")
        self.excluded = scheme.excluded_units.values("pk")

    def of(self, queryset, field: str = "unit_id"):
        return queryset.exclude(**{f"{field}__in": self.others}).exclude(
            **{f"{field}__in": self.excluded}
        )


def participant_units(scheme: Scheme) -> list:
    """The participants' (pk, code, name) rows by code: what scoring needs of them."""
    return list(
        Unit.objects.filter(category_id=scheme.category_id, active=True)
        .exclude(pk__in=scheme.excluded_units.values("pk"))
        .order_by("code")
        .values_list("pk", "code", "name", named=True)
    )


def category_units(scheme: Scheme) -> list[Unit]:
    """The scheme's participants: the category's active units minus those it excludes."""
    return list(
        Unit.objects.filter(category_id=scheme.category_id, active=True)
        .exclude(pk__in=scheme.excluded_units.values("pk"))
        .order_by("code")
    )


def leader_areas(units: Participants, day: dt.date) -> dict[int, list[str]]:
    rows = (
        units.of(LeaderArea.objects.filter(start_date__lte=day))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("leader__name")
        .values_list("unit_id", "leader__name")
    )
    result: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in rows:
        result[unit_id].append(name)
    return result


# ---- indicators ----------------------------------------------------------------------------


def _latest_end(year: int, frequency: str, day: dt.date) -> dt.date | None:
    ends = [end for end in rules.period_ends(year, frequency) if end <= day]
    return ends[-1] if ends else None


TARGET_FIELDS = (
    AdjustmentField.TARGET, AdjustmentField.Q1, AdjustmentField.Q2, AdjustmentField.Q3,
    AdjustmentField.Q4,
)  # fmt: skip


def _spec(year: int, item: tuple, targets: dict, originals: dict | None = None) -> rules.Spec:
    """The rules' spec of effective targets `targets` ({field: value}, the assignment's own or
    its item's); `originals` replaces fields by their values before approved adjustments."""
    frequency, nature, direction = item
    values = targets | (originals or {})
    staged = tuple(values[q] for q in TARGET_FIELDS[1:])
    return rules.Spec(
        year,
        frequency,
        nature=nature,
        direction=direction,
        target=values["target"],
        staged=tuple(Decimal(v) for v in staged) if all(v is not None for v in staged) else None,
    )


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _original_targets(period: AssessmentPeriod, own: set[int], by_item: dict[int, list[int]]):
    """assignment id → {field: value before its first approved adjustment}, for the targets the
    assignment scores against (its own: `own`, else its item's: `by_item`). One query over the
    approved target adjustments of the year's indicators (a few hundred in a province)."""
    rows = (
        TargetAdjustment.objects.filter(
            state=AdjustmentState.APPROVED,
            field__in=TARGET_FIELDS,
            item__type=ItemType.INDICATOR,
            item__plan__year=period.year,
        )
        .order_by("decided_at", "id")
        .values_list("item_id", "assignment_id", "field", "old_value")
    )
    result: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for item_id, assignment_id, field, old in rows:
        if assignment_id is not None:
            holders = [assignment_id] if assignment_id in own else []
        else:
            holders = by_item.get(item_id, [])
        for holder in holders:
            result[holder].setdefault(field, _number(old))  # the first approval's old value
    return result


INDICATOR_FIELDS = (
    "id", "unit_id", "weight", "target", "q1", "q2", "q3", "q4", "item_id",
    "item__code", "item__name", "item__frequency", "item__nature", "item__direction",
    "item__target", "item__q1", "item__q2", "item__q3", "item__q4",
)  # fmt: skip


def _report_ends(period: AssessmentPeriod) -> dict[str, dt.date | None]:
    """The end of the data period that counts at the period's end, per report frequency."""
    return {f: _latest_end(period.year, f, period.end) for f in (rules.QUARTERLY, rules.MONTHLY)}


def indicator_assignments(participants: Participants, period: AssessmentPeriod):
    """The participants' scored indicator assignments of the period's plan year."""
    return (
        participants.of(Assignment.objects.filter(SCORED_ROLES))
        .filter(item__type=ItemType.INDICATOR, item__plan__year=period.year)
        .exclude(item__plan__state=PlanState.DRAFT)
    )


def indicator_reports(participants: Participants, period: AssessmentPeriod):
    """Every counting report revision of those assignments for the data periods that count,
    oldest revision first (the latest wins)."""
    ends = [end for end in _report_ends(period).values() if end is not None]
    return (
        ProgressReport.objects.filter(
            assignment_id__in=indicator_assignments(participants, period).values("id"),
            state__in=COUNTING_REPORT_STATES,
            period_end__in=ends,
        )
        .order_by("assignment_id", "period_end", "revision")
        .values_list("id", "assignment_id", "period_end", "value")
    )


def _indicator_inputs(
    participants: Participants, period: AssessmentPeriod
) -> dict[int, list[engine.Indicator]]:
    """E and a at the end of the period for every scored indicator assignment: the assignments,
    their counting reports and the approved target adjustments, one query each. E is computed once per distinct
    target spec: most assignments score against their item's targets."""
    rows = list(
        indicator_assignments(participants, period)
        .order_by("item__sort_key", "id")
        .values_list(*INDICATOR_FIELDS)
    )
    ends = _report_ends(period)
    reported: dict[tuple[int, dt.date], tuple[int, Decimal | None]] = {}
    for report_id, assignment_id, end, value in indicator_reports(participants, period):
        reported[(assignment_id, end)] = (report_id, value)  # the latest counting revision wins
    own = {row[0] for row in rows if row[3] is not None}
    by_item: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row[3] is None:
            by_item[row[8]].append(row[0])
    originals = _original_targets(period, own, by_item) if rows else {}
    expected_of: dict[tuple, Decimal | None] = {}

    def expected(kind: tuple, targets: tuple, t: dt.date, originals=None):
        """E once per distinct (item kind, targets, t): most assignments share their item's."""
        key = (kind, targets, t, tuple(sorted(originals.items())) if originals else ())
        if key not in expected_of:
            spec = _spec(period.year, kind, dict(zip(TARGET_FIELDS, targets, strict=True)),
                         originals)  # fmt: skip
            expected_of[key] = rules.expected_value(spec, t)
        return expected_of[key]

    result: dict[int, list[engine.Indicator]] = defaultdict(list)
    for row in rows:
        (pk, unit_id, weight, target, q1, q2, q3, q4, _item_id, code, name, frequency, nature,
         direction, i_target, i_q1, i_q2, i_q3, i_q4) = row  # fmt: skip
        t = ends[rules.QUARTERLY if frequency == rules.QUARTERLY else rules.MONTHLY]
        if t is None:
            continue
        report, value = reported.get((pk, t), (None, None))
        own_targets = target is not None
        targets = (target, q1, q2, q3, q4) if own_targets else (i_target, i_q1, i_q2, i_q3, i_q4)
        kind = (frequency, nature, direction)
        before = originals.get(pk)
        result[unit_id].append(
            engine.Indicator(
                f"{code} {name}",
                weight,
                direction,
                expected(kind, targets, t),
                value,
                f"assignment:{pk}",
                report,
                expected(kind, targets, t, before) if before else None,
            )
        )
    return result


# ---- milestones and ladder events ----------------------------------------------------------


def _task_assignments(participants: Participants):
    return (
        participants.of(Assignment.objects.filter(SCORED_ROLES))
        .filter(item__type=ItemType.TASK)
        .exclude(item__plan__state=PlanState.DRAFT)
    )


def _milestone_inputs(
    participants: Participants, period: AssessmentPeriod
) -> dict[int, list[engine.Milestone]]:
    """Milestones due in the period on the participants' scored tasks, with each assignment's
    earliest counting completion: three queries whatever the number of units."""
    tasks = _task_assignments(participants)
    unit_of: dict[int, int] = {}
    by_item: dict[int, list[int]] = defaultdict(list)
    for assignment_id, item_id, unit_id in tasks.values_list("id", "item_id", "unit_id"):
        by_item[item_id].append(assignment_id)
        unit_of[assignment_id] = unit_id
    due = Milestone.objects.filter(
        item_id__in=tasks.values("item_id"), due_date__gte=period.start, due_date__lte=period.end
    )
    milestones = list(
        due.order_by("due_date", "id").values_list(
            "id", "item_id", "due_date", "description", "item__code"
        )
    )
    done: dict[tuple[int, int], dt.date] = {}
    completions = MilestoneCompletion.objects.filter(
        milestone_id__in=due.values("id"),
        report__assignment_id__in=tasks.values("id"),
        report__state__in=COUNTING_REPORT_STATES,
    ).values_list("report__assignment_id", "milestone_id", "completed_on")
    for assignment_id, milestone_id, day in completions:
        key = (assignment_id, milestone_id)
        done[key] = min(day, done.get(key, day))
    result: dict[int, list[engine.Milestone]] = defaultdict(list)
    for milestone_id, item_id, due_date, description, item_code in milestones:
        ref = f"{item_code} {description}"
        for assignment_id in by_item[item_id]:
            result[unit_of[assignment_id]].append(
                engine.Milestone(
                    ref,
                    due_date,
                    done.get((assignment_id, milestone_id)),
                    f"assignment:{assignment_id}/milestone:{milestone_id}",
                )
            )
    return result


def _event_inputs(unit_ids, period: AssessmentPeriod) -> dict[int, list[engine.Event]]:
    between = (period.start, period.end)
    sources = [
        (engine.URGE, Alert.objects.filter(level=Level.URGE, at__date__range=between), "at"),
        (
            engine.NOTICE,
            SupervisionNotice.objects.filter(issued_at__date__range=between),
            "issued_at",
        ),
        (engine.BULLETIN, BulletinListing.objects.filter(dated__range=between), "dated"),
        (
            engine.TALK,
            TalkProposal.objects.filter(state=TalkState.HELD, held_on__range=between),
            "held_on",
        ),
    ]
    result: dict[int, list[engine.Event]] = defaultdict(list)
    for kind, queryset, field in sources:
        rows = unit_ids.of(queryset).order_by(field, "id")
        for pk, unit_id, moment in rows.values_list("id", "unit_id", field):
            day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
            result[unit_id].append(engine.Event(f"{kind}:{pk}", kind, day))
    return result


def _service_inputs(participants: Participants, period: engine.Period) -> dict[int, engine.Service]:
    """The participants' enterprise appeals received in the period, counted per owner unit as
    of the end of the cut-off day: one grouped query whatever the number of units."""
    as_of = timezone.make_aware(
        dt.datetime.combine(period.cutoff + dt.timedelta(days=1), dt.time())
    )
    counts = enterprise_selectors.unit_service_counts(
        lambda appeals: participants.of(appeals, "owner_unit_id"),
        start=period.start,
        end=period.end,
        as_of=as_of,
    )
    return {unit_id: engine.Service(**row) for unit_id, row in counts.items()}


# ---- items and manual scores ---------------------------------------------------------------


def _items(scheme: Scheme, period: AssessmentPeriod, unit_ids):
    result: dict[tuple[int, str], list[engine.Item]] = defaultdict(list)
    for pk, unit_id, kind, points, reason in (
        unit_ids.of(
            ScoreItem.objects.filter(scheme_code=scheme.code, period=period.code, approved=True)
        )
        .order_by("id")
        .values_list("id", "unit_id", "kind", "points", "reason")
    ):
        result[(unit_id, kind)].append(engine.Item(f"item:{pk}", points, reason))
    return result


def _manual(scheme: Scheme, period: AssessmentPeriod, unit_ids):
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for unit_id, code, score in unit_ids.of(
        ManualScore.objects.filter(scheme_code=scheme.code, period=period.code)
    ).values_list("unit_id", "component_code", "score"):
        result[unit_id][code] = score
    return result


def _adjustments(scheme: Scheme, period: AssessmentPeriod, unit_ids):
    """Accepted appeals, oldest decision first (the engine applies the latest per component)."""
    result: dict[int, list[engine.Adjustment]] = defaultdict(list)
    for pk, unit_id, component, score, decision in (
        unit_ids.of(
            Appeal.objects.filter(
                scheme_code=scheme.code, period=period.code, state=AppealState.ACCEPTED
            )
        )
        .order_by("decided_at", "id")
        .values_list("id", "unit_id", "component_code", "adjusted_score", "decision")
    ):
        result[unit_id].append(engine.Adjustment(f"appeal:{pk}", component, score, decision))
    return result


def scoring_inputs(
    scheme: Scheme, period: AssessmentPeriod, units, window: engine.Period, kinds=()
) -> list[engine.UnitInput]:
    """The engine's inputs of `units` (the scheme's participants): one query per component
    kind and input, each filtered by the participants as a subquery. Enterprise appeals are
    read only when `kinds` (the scheme's component kinds) has enterprise service."""
    ids = Participants(scheme)
    services = {}
    if engine.ENTERPRISE_SERVICE in kinds:
        services = _service_inputs(ids, window)
    indicators = _indicator_inputs(ids, period)
    milestones = _milestone_inputs(ids, period)
    events = _event_inputs(ids, period)
    items = _items(scheme, period, ids)
    manual = _manual(scheme, period, ids)
    adjustments = _adjustments(scheme, period, ids)
    return [
        engine.UnitInput(
            unit.code,
            unit.name,
            tuple(indicators.get(unit.pk, ())),
            tuple(milestones.get(unit.pk, ())),
            tuple(events.get(unit.pk, ())),
            manual.get(unit.pk, {}),
            tuple(items.get((unit.pk, "bonus"), ())),
            tuple(items.get((unit.pk, "deduction"), ())),
            tuple(items.get((unit.pk, "veto"), ())),
            tuple(adjustments.get(unit.pk, ())),
            services.get(unit.pk),
        )
        for unit in units
    ]


@dataclass(frozen=True)
class Draft:
    """A computation not stored: the ranked rows (snapshot layout), the units with nothing to
    assess (本期无考核内容) and the milestone cut-off used."""

    rows: list[dict]
    unassessed: list[dict]
    cutoff: dt.date


def draft_outcome(
    scheme: Scheme, period: AssessmentPeriod, cutoff: dt.date | None = None, *, copies=True
):
    """Every participant's result computed now: ranked rows and units with nothing to assess.
    `copies=False` is for a caller that only reads or stores the rows (a publication): units
    scored alike (a province's villages without inputs) then share one list of component rows
    instead of 4,800 copies of it, which must not be modified."""
    with collector.paused():
        return _draft(scheme, period, cutoff or default_cutoff(period), copies)


def _draft(scheme: Scheme, period: AssessmentPeriod, cutoff: dt.date, copies: bool) -> Draft:
    units = participant_units(scheme)
    window = engine.Period(period.start, period.end, cutoff)
    model = engine_scheme(scheme)
    kinds = {c.kind for c in model.components}
    inputs = scoring_inputs(scheme, period, units, window, kinds)
    results = engine.score_units(model, inputs, window)
    leaders = leader_areas(Participants(scheme), period.end)
    leaders_by_code = {u.code: leaders.get(u.pk, []) for u in units}
    ranked = [r for r in results if r.rank is not None]
    unranked = [r for r in results if r.rank is None]
    return Draft(
        snapshot_rows(ranked, leaders_by_code, copies),
        unassessed_rows(unranked, leaders_by_code, copies),
        cutoff,
    )


def draft_results(scheme: Scheme, period: AssessmentPeriod, cutoff: dt.date | None = None):
    """(rows, cutoff): every ranked unit's result as snapshot rows, computed now, not stored."""
    draft = draft_outcome(scheme, period, cutoff)
    return draft.rows, draft.cutoff


def latest_result(scheme_code: str, period_code: str) -> Result | None:
    return (
        Result.objects.filter(scheme_code=scheme_code, period=period_code)
        .order_by("-result_revision")
        .first()
    )
