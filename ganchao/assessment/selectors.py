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
from ganchao.common import workdays
from ganchao.common.errors import NotFound
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


def category_units(scheme: Scheme) -> list[Unit]:
    """The scheme's participants: the category's active units minus those it excludes."""
    return list(
        Unit.objects.filter(category_id=scheme.category_id, active=True)
        .exclude(pk__in=scheme.excluded_units.values("pk"))
        .order_by("code")
    )


def leader_areas(unit_ids, day: dt.date) -> dict[int, list[str]]:
    rows = (
        LeaderArea.objects.filter(unit_id__in=unit_ids, start_date__lte=day)
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


def _spec(assignment: Assignment, originals: dict[str, Decimal | None] | None = None):
    """The rules' spec of the assignment's effective targets (its own, else the item's);
    `originals` replaces fields by their values before approved target adjustments."""
    item = assignment.item
    own = assignment.target is not None
    source = assignment if own else item
    values = {f: getattr(source, f) for f in TARGET_FIELDS} | (originals or {})
    staged = tuple(values[q] for q in TARGET_FIELDS[1:])
    return rules.Spec(
        item.plan.year,
        item.frequency,
        nature=item.nature,
        direction=item.direction,
        target=values["target"],
        staged=tuple(Decimal(v) for v in staged) if all(v is not None for v in staged) else None,
    )


TARGET_FIELDS = (
    AdjustmentField.TARGET, AdjustmentField.Q1, AdjustmentField.Q2, AdjustmentField.Q3,
    AdjustmentField.Q4,
)  # fmt: skip


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _original_targets(assignments) -> dict[int, dict[str, Decimal | None]]:
    """assignment id → {field: value before its first approved adjustment}, for the targets the
    assignment scores against (its own, else its item's). One query."""
    own = {a.pk for a in assignments if a.target is not None}
    by_item = defaultdict(list)
    for a in assignments:
        if a.pk not in own:
            by_item[a.item_id].append(a.pk)
    rows = (
        TargetAdjustment.objects.filter(state=AdjustmentState.APPROVED, field__in=TARGET_FIELDS)
        .filter(Q(assignment_id__in=own) | Q(assignment__isnull=True, item_id__in=list(by_item)))
        .order_by("decided_at", "id")
        .values_list("item_id", "assignment_id", "field", "old_value")
    )
    result: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for item_id, assignment_id, field, old in rows:
        for holder in [assignment_id] if assignment_id else by_item[item_id]:
            result[holder].setdefault(field, _number(old))  # the first approval's old value
    return result


INDICATOR_FIELDS = (
    "id", "unit_id", "weight", "target", "q1", "q2", "q3", "q4",
    "item__code", "item__name", "item__frequency", "item__nature", "item__direction",
    "item__target", "item__q1", "item__q2", "item__q3", "item__q4", "item__plan__year",
)  # fmt: skip


def _indicator_inputs(unit_ids, period: AssessmentPeriod) -> dict[int, list[engine.Indicator]]:
    """E and a at the end of the period for every scored indicator assignment. Only the fields
    needed and only the reports of the data periods that count are read: a province's villages
    hold tens of thousands of assignments."""
    assignments = list(
        Assignment.objects.filter(SCORED_ROLES, unit_id__in=unit_ids)
        .filter(item__type=ItemType.INDICATOR, item__plan__year=period.year)
        .exclude(item__plan__state=PlanState.DRAFT)
        .select_related("item__plan")
        .only(*INDICATOR_FIELDS)
        .order_by("item__sort_key", "id")
    )
    ends = {
        frequency: _latest_end(period.year, frequency, period.end)
        for frequency in {a.item.frequency for a in assignments}
    }
    values: dict[tuple[int, dt.date], tuple[int, Decimal | None]] = {}
    for report_id, assignment_id, end, value in (
        ProgressReport.objects.filter(
            assignment__in=[a.pk for a in assignments],
            state__in=COUNTING_REPORT_STATES,
            period_end__in=[end for end in ends.values() if end is not None],
        )
        .order_by("assignment_id", "period_end", "revision")
        .values_list("id", "assignment_id", "period_end", "value")
    ):
        values[(assignment_id, end)] = (report_id, value)  # the latest counting revision wins
    originals = _original_targets(assignments)
    result: dict[int, list[engine.Indicator]] = defaultdict(list)
    for assignment in assignments:
        t = ends[assignment.item.frequency]
        if t is None:
            continue
        report, value = values.get((assignment.pk, t), (None, None))
        before = originals.get(assignment.pk)
        result[assignment.unit_id].append(
            engine.Indicator(
                f"{assignment.item.code} {assignment.item.name}",
                assignment.weight,
                assignment.item.direction,
                rules.expected_value(_spec(assignment), t),
                value,
                f"assignment:{assignment.pk}",
                report,
                rules.expected_value(_spec(assignment, before), t) if before else None,
            )
        )
    return result


# ---- milestones and ladder events ----------------------------------------------------------


def _milestone_inputs(unit_ids, period: AssessmentPeriod) -> dict[int, list[engine.Milestone]]:
    rows = (
        Assignment.objects.filter(SCORED_ROLES, unit_id__in=unit_ids, item__type=ItemType.TASK)
        .exclude(item__plan__state=PlanState.DRAFT)
        .values_list("id", "item_id", "unit_id")
    )
    unit_of: dict[int, int] = {}
    by_item: dict[int, list[int]] = defaultdict(list)
    for assignment_id, item_id, unit_id in rows:
        by_item[item_id].append(assignment_id)
        unit_of[assignment_id] = unit_id
    milestones = list(
        Milestone.objects.filter(
            item_id__in=list(by_item), due_date__gte=period.start, due_date__lte=period.end
        )
        .select_related("item")
        .order_by("due_date", "id")
    )
    done: dict[tuple[int, int], dt.date] = {}
    for assignment_id, milestone_id, day in MilestoneCompletion.objects.filter(
        milestone__in=[m.pk for m in milestones],
        report__assignment_id__in=list(unit_of),
        report__state__in=COUNTING_REPORT_STATES,
    ).values_list("report__assignment_id", "milestone_id", "completed_on"):
        key = (assignment_id, milestone_id)
        done[key] = min(day, done.get(key, day))
    result: dict[int, list[engine.Milestone]] = defaultdict(list)
    for milestone in milestones:
        for assignment_id in by_item[milestone.item_id]:
            ref = f"{milestone.item.code} {milestone.description}"
            result[unit_of[assignment_id]].append(
                engine.Milestone(
                    ref,
                    milestone.due_date,
                    done.get((assignment_id, milestone.pk)),
                    f"assignment:{assignment_id}/milestone:{milestone.pk}",
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
        rows = queryset.filter(unit_id__in=unit_ids).order_by(field, "id")
        for pk, unit_id, moment in rows.values_list("id", "unit_id", field):
            day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
            result[unit_id].append(engine.Event(f"{kind}:{pk}", kind, day))
    return result


# ---- items and manual scores ---------------------------------------------------------------


def _items(scheme: Scheme, period: AssessmentPeriod, unit_ids):
    result: dict[tuple[int, str], list[engine.Item]] = defaultdict(list)
    for pk, unit_id, kind, points, reason in (
        ScoreItem.objects.filter(
            scheme_code=scheme.code, period=period.code, approved=True, unit_id__in=unit_ids
        )
        .order_by("id")
        .values_list("id", "unit_id", "kind", "points", "reason")
    ):
        result[(unit_id, kind)].append(engine.Item(f"item:{pk}", points, reason))
    return result


def _manual(scheme: Scheme, period: AssessmentPeriod, unit_ids):
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for unit_id, code, score in ManualScore.objects.filter(
        scheme_code=scheme.code, period=period.code, unit_id__in=unit_ids
    ).values_list("unit_id", "component_code", "score"):
        result[unit_id][code] = score
    return result


def _adjustments(scheme: Scheme, period: AssessmentPeriod, unit_ids):
    """Accepted appeals, oldest decision first (the engine applies the latest per component)."""
    result: dict[int, list[engine.Adjustment]] = defaultdict(list)
    for pk, unit_id, component, score, decision in (
        Appeal.objects.filter(
            scheme_code=scheme.code,
            period=period.code,
            state=AppealState.ACCEPTED,
            unit_id__in=unit_ids,
        )
        .order_by("decided_at", "id")
        .values_list("id", "unit_id", "component_code", "adjusted_score", "decision")
    ):
        result[unit_id].append(engine.Adjustment(f"appeal:{pk}", component, score, decision))
    return result


def scoring_inputs(scheme: Scheme, period: AssessmentPeriod, units) -> list[engine.UnitInput]:
    ids = [u.pk for u in units]
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
            tuple(indicators[unit.pk]),
            tuple(milestones[unit.pk]),
            tuple(events[unit.pk]),
            manual[unit.pk],
            tuple(items[(unit.pk, "bonus")]),
            tuple(items[(unit.pk, "deduction")]),
            tuple(items[(unit.pk, "veto")]),
            tuple(adjustments[unit.pk]),
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


def draft_outcome(scheme: Scheme, period: AssessmentPeriod, cutoff: dt.date | None = None):
    """Every participant's result computed now: ranked rows and units with nothing to assess."""
    cutoff = cutoff or default_cutoff(period)
    units = category_units(scheme)
    inputs = scoring_inputs(scheme, period, units)
    window = engine.Period(period.start, period.end, cutoff)
    results = engine.score_units(engine_scheme(scheme), inputs, window)
    leaders = leader_areas([u.pk for u in units], period.end)
    leaders_by_code = {u.code: leaders.get(u.pk, []) for u in units}
    ranked = [r for r in results if r.rank is not None]
    unranked = [r for r in results if r.rank is None]
    return Draft(
        snapshot_rows(ranked, leaders_by_code),
        unassessed_rows(unranked, leaders_by_code),
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
