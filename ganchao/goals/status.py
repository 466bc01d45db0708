"""The status recompute: evaluates the rules (ganchao.goals.status_rules) for assignments and
stores the derived fields of assignments, items, goal nodes and plans, plus MonthlyStatus rows.

The reports are handed to the rules as {period end: value} (no object per report), the due
periods of a frequency are worked out once per plan and the calendar's answers remembered
(`MemoCalendar`): a province's 40,000 assignments otherwise asked the calendar 430,000 times.
A spec is built once per item for the assignments that have no targets or completions of their
own, and a task's milestone states are shared (`_Evaluator.spec`).
Which plans a tick recomputes at all is decided by ganchao.scheduler.status_marks.

Derived data, not audited. A plan is loaded in a fixed number of queries whatever its size
(plans, assignments, milestones, completions, reports streamed, existing monthly rows, items),
and written with bulk_update / bulk_create.

DESIGN.md 3.9: the stored current status is written only when `at` is not before the last
tick; MonthlyStatus rows (the status as of each completed month's end) are only ever added,
never changed, so a tick never edits what another created.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import BooleanField, Count, F, Func, Q
from django.utils import timezone

from ganchao.common import collector, workdays
from ganchao.goals import status_rules as rules
from ganchao.goals.choices import (
    COUNTING_REPORT_STATES,
    Frequency,
    ItemType,
    Role,
    Status,
)
from ganchao.goals.models import (
    Assignment,
    Item,
    MilestoneCompletion,
    MonthlyStatus,
    Plan,
    ProgressReport,
)

FOUR_PLACES = Decimal("0.0001")
DERIVED_COLUMNS = ["status", "expected", "actual", "red_since", "stale", "status_period"]
CHUNK = 2000
ON_TRACK = {Status.GREEN, Status.DONE}
TASK = str(ItemType.TASK)  # plain strings: compared once or twice per assignment
COOPERATING = str(Role.COOPERATING)
ASSIGNMENT_FIELDS = [
    "id",
    "item_id",
    "unit_id",
    "role",
    "target",
    "q1",
    "q2",
    "q3",
    "q4",
    "item__plan_id",
    "item__type",
    "item__nature",
    "item__direction",
    "item__frequency",
    "item__target",
    "item__q1",
    "item__q2",
    "item__q3",
    "item__q4",
    # the stored derived fields, so that only changed rows are written
    "status",
    "expected",
    "actual",
    "red_since",
    "stale",
    "status_period",
]


@dataclass(slots=True)
class Outcome:
    """The evaluation of one assignment at `at` (returned to the tick for its alerts)."""

    assignment_id: int
    item_id: int
    unit_id: int
    role: str
    spec: rules.Spec
    result: rules.Result | None  # None for cooperating units
    # period ends with a counting report: the keys of the loaded {period end: value}, a view
    # rather than a set built per assignment (callers only ask `end in reported_ends`)
    reported_ends: Collection[dt.date]
    stored: tuple = ()  # status, expected, actual, red_since, stale, status_period as stored


def thresholds_of(plan: Plan) -> rules.Thresholds:
    return rules.Thresholds(
        yellow_gap=Decimal(plan.yellow_gap),
        red_overdue_days=plan.red_overdue_working_days,
        due_working_days=plan.report_due_working_days,
    )


def _moment(at: dt.datetime | None) -> dt.datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError("status recompute needs an aware datetime")
    return at


def recompute_plan(plan: Plan, *, at: dt.datetime | None = None) -> list[Outcome]:
    """Recompute every assignment of `plan` as of `at` and the plan's items and goal nodes."""
    at = _moment(at)
    return _recompute(plan, {}, at, whole=True)  # _load reads the plan's rows alone


def recompute_assignments(assignment_ids: Iterable[int], *, at: dt.datetime | None = None):
    """Recompute the given assignments (e.g. after a report) and their plans' aggregates."""
    at = _moment(at)
    ids = sorted(set(assignment_ids))
    by_plan: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        rows = Assignment.objects.filter(id__in=ids[start : start + CHUNK]).values_list(
            "id", "item__plan_id"
        )
        for assignment_id, plan_id in rows:
            by_plan[plan_id].append(assignment_id)
    outcomes: list[Outcome] = []
    for plan in Plan.objects.filter(id__in=list(by_plan)):
        for start in range(0, len(by_plan[plan.pk]), CHUNK):
            chunk = by_plan[plan.pk][start : start + CHUNK]
            outcomes += _recompute(plan, {"id__in": chunk}, at)
    return outcomes


def _recompute(
    plan: Plan, assignment_filter: dict, at: dt.datetime, whole: bool = False
) -> list[Outcome]:
    from ganchao.scheduler.services import last_tick_at

    cal = MemoCalendar(workdays.current_calendar())
    thresholds = thresholds_of(plan)
    day = timezone.localtime(at).date()
    with collector.paused(settle=True):
        data = _load(plan, assignment_filter)
        evaluate = _Evaluator(plan, data, day, cal, thresholds)
        outcomes = [evaluate(row) for row in data.assignments]
    last_tick = last_tick_at()
    with transaction.atomic(), collector.paused(settle=True):
        _add_monthly(plan, outcomes, data, at, cal, thresholds, whole)
        if last_tick is None or at >= last_tick:
            _store_assignments(outcomes)
            _store_items(plan, outcomes)
            Plan.objects.filter(pk=plan.pk).update(last_status_at=at)
    return outcomes


# ---- loading -------------------------------------------------------------------------------


@dataclass
class _Data:
    assignments: list[tuple]
    milestones: dict[int, list[tuple[int, dt.date]]]  # item → [(milestone id, due)]
    completions: dict[int, dict[int, dt.date]]  # assignment → milestone → earliest date
    reports: dict[int, dict[dt.date, Decimal | None]]  # assignment → period end → value


def _load(plan: Plan, assignment_filter: dict) -> _Data:
    assignments = list(
        # the plan's items as a subquery, not a condition on the joined item: PostgreSQL then
        # reads a plan's assignments through their item index instead of scanning them all
        Assignment.objects.filter(**assignment_filter)
        .filter(item_id__in=Item.objects.filter(plan_id=plan.pk).values("id"))
        .order_by("id")
        .values_list(*ASSIGNMENT_FIELDS)
    )
    of_plan = _of_assignments(plan, assignment_filter, [row[0] for row in assignments])
    milestones: dict[int, list] = defaultdict(list)
    task_ids = [row[0] for row in assignments if row[10] == TASK]
    task_items = {row[1] for row in assignments if row[10] == TASK}
    from ganchao.goals.models import Milestone

    for item_id, milestone_id, due in (
        Milestone.objects.filter(item__plan_id=plan.pk, item__type=ItemType.TASK)
        .order_by("item_id", "position")
        .values_list("item_id", "id", "due_date")
    ):
        if item_id in task_items:
            milestones[item_id].append((milestone_id, due))
    completions: dict[int, dict[int, dt.date]] = defaultdict(dict)
    # only a task's milestones are used: probing just the tasks' reports, not all
    of_tasks = _of_assignments(plan, assignment_filter, task_ids, "report__", type=ItemType.TASK)
    for assignment_id, milestone_id, done_on in MilestoneCompletion.objects.filter(
        of_tasks, report__state__in=COUNTING_REPORT_STATES
    ).values_list("report__assignment_id", "milestone_id", "completed_on"):
        done = completions[assignment_id]
        if milestone_id not in done or done_on < done[milestone_id]:
            done[milestone_id] = done_on
    return _Data(assignments, milestones, completions, _load_reports(of_plan))


class _AnyOf(Func):
    """`column = ANY(%s::bigint[])` with the ids as one array parameter (PostgreSQL): the
    planner reads the reports through their assignment index in assignment order, where a
    join to the plan's items hashed the assignments and sorted every report. The array is
    passed as its text ('{1,2,…}'), which str.join writes at once: psycopg's list adapter
    quoted a province's 40,000 ids one by one, twice per plan."""

    output_field = BooleanField()

    def __init__(self, column: str, ids: list[int]):
        super().__init__(F(column))
        self.ids = ids

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s::bigint[])", (*params, "{" + ",".join(map(str, self.ids)) + "}")


def _id_chunks(column: str, ids: list[int]) -> list[Q]:
    """Conditions that together select the rows whose `column` is one of `ids`: on PostgreSQL
    one array parameter; elsewhere IN lists of CHUNK ids (SQLite limits a statement's
    parameters). Building and quoting 2,000-id IN lists cost a month-end tick seconds."""
    if not ids:
        return []
    if connection.vendor == "postgresql":
        return [Q(_AnyOf(column, ids))]
    return [
        Q(**{f"{column}__in": ids[start : start + CHUNK]}) for start in range(0, len(ids), CHUNK)
    ]


def _of_assignments(plan: Plan, assignment_filter: dict, ids: list[int], via="", **item) -> Q:
    """The condition on a report (`via` "report__" for a completion) to belong to the loaded
    assignments `ids`: on PostgreSQL the ids themselves (one array parameter, however many);
    elsewhere the assignment filter and the plan, as the assignments were selected."""
    if connection.vendor == "postgresql":
        return Q(_AnyOf(f"{via}assignment_id", ids))
    conditions = {f"{via}assignment__item__plan_id": plan.pk}
    conditions.update({f"{via}assignment__item__{key}": value for key, value in item.items()})
    conditions.update(
        {f"{via}assignment__{key}": value for key, value in assignment_filter.items()}
    )
    return Q(**conditions)


def _report_rows(of_assignments: Q, columns: tuple[str, ...]) -> list[tuple]:
    """Counting report versions of the given assignments, oldest revision first, read at once
    through a client-side cursor (a plan's are tens of thousands of short rows; a server-side
    cursor's fetch round trips cost more than they save)."""
    return list(
        ProgressReport.objects.filter(of_assignments, state__in=COUNTING_REPORT_STATES)
        .order_by("assignment_id", "period_end", "revision")
        .values_list(*columns)
    )


def _load_reports(of_assignments: Q) -> dict[int, dict[dt.date, Decimal | None]]:
    """The counting report per assignment and period: its latest counting version's value."""
    reports: dict[int, dict[dt.date, Decimal | None]] = {}
    current, periods = None, {}
    for assignment_id, period_end, value in _report_rows(
        of_assignments, ("assignment_id", "period_end", "value")
    ):
        if assignment_id != current:  # the rows come by assignment: one lookup per assignment
            current, periods = assignment_id, reports.setdefault(assignment_id, {})
        periods[period_end] = value  # the latest revision comes last
    return reports


def _load_submissions(
    assignment_ids: list[int], period_ends: list[dt.date]
) -> dict[int, dict[dt.date, tuple]]:
    """(submitted_at, late) of the first counting version per assignment and period, for the
    monthly rows' reported_on_time; read only when monthly rows are to be added, and only for
    the periods whose report fell due in one of those months (at a month's end, one period
    of each frequency: reading and decoding every report's timestamp took most of the tick)."""
    found: dict[int, dict[dt.date, tuple]] = defaultdict(dict)
    for of_chunk in _id_chunks("assignment_id", assignment_ids):
        for assignment_id, period_end, submitted_at, late in _report_rows(
            of_chunk & Q(period_end__in=period_ends),
            ("assignment_id", "period_end", "submitted_at", "late"),
        ):
            found[assignment_id].setdefault(period_end, (submitted_at, late))
    return found


# ---- evaluating ----------------------------------------------------------------------------


def _staged(values) -> tuple | None:
    q1, q2, q3, q4 = values
    if q1 is None or q2 is None or q3 is None or q4 is None:
        return None
    return (Decimal(q1), Decimal(q2), Decimal(q3), Decimal(q4))


def spec_of(plan: Plan, row: tuple, milestones, completions) -> rules.Spec:
    """The rules' view of an assignment row; `milestones` item → [(milestone id, due)] and
    `completions` assignment → milestone → earliest completion date (read for tasks only)."""
    (assignment_id, item_id, _unit, _role, target, q1, q2, q3, q4) = row[:9]
    (_plan, item_type, nature, direction, frequency, i_target, i1, i2, i3, i4) = row[9:19]
    own = target is not None
    if item_type == ItemType.TASK:
        done = completions.get(assignment_id, {})
        states = tuple(
            rules.MilestoneState(due, done.get(mid)) for mid, due in milestones.get(item_id, ())
        )
        return rules.Spec(plan.year, frequency, is_task=True, milestones=states)
    return rules.Spec(
        plan.year,
        frequency,
        nature=nature,
        direction=direction,
        target=target if own else i_target,
        staged=_staged((q1, q2, q3, q4) if own else (i1, i2, i3, i4)),
    )


class MemoCalendar:
    """The working-day calendar with its answers remembered for one recompute: a plan's
    assignments ask the same few (date, n) questions tens of thousands of times."""

    def __init__(self, cal):
        self.calendar = cal
        self._added: dict[tuple[dt.date, int], dt.date] = {}
        self._between: dict[tuple[dt.date, dt.date], int] = {}

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        key = (day, n)
        found = self._added.get(key)
        if found is None:
            found = self._added[key] = self.calendar.add_working_days(day, n)
        return found

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        key = (a, b)
        found = self._between.get(key)
        if found is None:
            found = self._between[key] = self.calendar.working_days_between(a, b)
        return found


class _Evaluator:
    """Evaluates the plan's assignments at `day`: what is the same for many assignments (the
    due periods of a frequency, an item's spec for assignments without their own targets) is
    worked out once."""

    def __init__(self, plan: Plan, data: _Data, day: dt.date, cal, thresholds):
        self.plan = plan
        self.year = plan.year
        self.data = data
        self.day = day
        self.cal = cal
        self.thresholds = thresholds
        self.specs: dict[int, rules.Spec] = {}  # item id → the spec of its plain assignments
        self.states: dict[tuple, rules.MilestoneState] = {}  # (due, completed on) → state
        self.due: dict[str, list[dt.date]] = {}

    def spec(self, row: tuple) -> rules.Spec:
        """spec_of(row), built once per item for the assignments of an indicator without their
        own target (spec_of then reads only the item's fields) and once per item for a task's
        assignments without completions; a task's other assignments share the item's
        MilestoneState objects (one per due date and completion date). An assignment with its
        own target gets its own spec (hashing its targets to look one up costs as much)."""
        if row[10] == TASK:
            done = self.data.completions.get(row[0])
            if done:
                return self.task_spec(row, done)
        elif row[4] is not None:  # spec_of of an indicator with its own target, inlined
            return rules.Spec(
                self.year, row[13], False, row[11], row[12], row[4], _staged(row[5:9])
            )
        spec = self.specs.get(row[1])
        if spec is None:
            spec = self.specs[row[1]] = spec_of(self.plan, row, self.data.milestones, {})
        return spec

    def task_spec(self, row: tuple, done: dict[int, dt.date]) -> rules.Spec:
        """spec_of for a task's assignment with completions, its milestone states shared."""
        states = []
        for mid, due in self.data.milestones.get(row[1], ()):
            key = (due, done.get(mid))
            state = self.states.get(key)
            if state is None:
                state = self.states[key] = rules.MilestoneState(*key)
            states.append(state)
        return rules.Spec(self.plan.year, row[13], is_task=True, milestones=tuple(states))

    def due_ends(self, spec: rules.Spec) -> list[dt.date]:
        found = self.due.get(spec.frequency)
        if found is None:
            found = self.due[spec.frequency] = rules.due_period_ends(
                spec, self.day, self.cal, self.thresholds
            )
        return found

    def __call__(self, row: tuple) -> Outcome:
        spec = self.spec(row)
        periods = self.data.reports.get(row[0], {})
        result = None
        if row[3] != COOPERATING:
            result = rules.evaluate_values(
                spec, periods, self.day, self.cal, self.thresholds, self.due_ends(spec)
            )
        return Outcome(row[0], row[1], row[2], row[3], spec, result, periods.keys(), row[19:])


@lru_cache(maxsize=256)  # a plan year has 16 period ends: asked for every assignment
def period_code(end: dt.date | None, frequency: str) -> str:
    if end is None:
        return ""
    if frequency == Frequency.QUARTERLY:
        return f"{end.year}-Q{(end.month - 1) // 3 + 1}"
    return f"{end.year}-{end.month:02d}"


def _quantize(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(FOUR_PLACES)


# ---- storing -------------------------------------------------------------------------------


def derived_fields(outcome: Outcome) -> tuple:
    """(status, expected, actual, red_since, stale, status_period) to store."""
    result = outcome.result
    if result is None:
        return ("", None, None, None, False, "")
    return (
        result.status,
        _quantize(result.expected),
        _quantize(result.actual),
        result.red_since,
        result.stale,
        period_code(result.period_end, outcome.spec.frequency),
    )


def _write_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Portable `UPDATE … WHERE id = %s` for many rows at once (executemany): Django's
    bulk_update builds CASE expressions that take minutes for a province's 40,000 rows."""
    if not rows:
        return
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = f"UPDATE {connection.ops.quote_name(table)} SET {assignments} WHERE id = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _store_assignments(outcomes: list[Outcome]) -> None:
    rows = []
    for outcome in outcomes:
        values = derived_fields(outcome)
        if values != outcome.stored:
            rows.append((*values, outcome.assignment_id))
    _write_rows(Assignment._meta.db_table, DERIVED_COLUMNS, rows)


def _store_items(plan: Plan, outcomes: list[Outcome]) -> None:
    """The lead assignment's status on its item, and the goal nodes' counts and ratios: one
    read of the plan's items, then only the rows whose values differ are written."""
    items = {
        row[0]: list(row[1:])
        # a plan's items in their own order (sort_key): the model's default order goes
        # through the plan and its owner, two joins that change nothing within one plan
        for row in Item.objects.filter(plan_id=plan.pk)
        .order_by("sort_key")
        .values_list(
            "id",
            "parent_id",
            "type",
            "status",
            "expected",
            "actual",
            "stale",
            "weight",
            "status_counts",
            "on_track_ratio",
        )
    }
    computed: dict[int, tuple] = {}
    for outcome in outcomes:
        if outcome.role != Role.LEAD or outcome.result is None:
            continue
        status, expected, actual, _since, stale, _period = derived_fields(outcome)
        computed[outcome.item_id] = (status, expected, actual, stale)
    rows = []
    for item_id, values in computed.items():
        row = items[item_id]
        if (row[2], _quantize(row[3]), _quantize(row[4]), row[5]) != values:
            rows.append((*values, item_id))
        row[2] = values[0]
    _write_rows(Item._meta.db_table, ["status", "expected", "actual", "stale"], rows)
    _store_goals(items)


def _store_goals(items: dict[int, list]) -> None:
    """Counts of items by status and the weighted on-track ratio for every goal node."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    weights: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in items.values():
        parent, item_type, status, weight = row[0], row[1], row[2], row[6]
        if item_type == ItemType.GOAL or not status:
            continue
        ancestor = parent
        while ancestor is not None:
            counts[ancestor][status] = counts[ancestor].get(status, 0) + 1
            if status != Status.NOT_STARTED:
                weights[ancestor][1] += weight
                if status in ON_TRACK:
                    weights[ancestor][0] += weight
            ancestor = items[ancestor][0]
    goals = []
    for item_id, row in items.items():
        if row[1] != ItemType.GOAL:
            continue
        on_track, total = weights.get(item_id, (0, 0))
        ratio = (Decimal(on_track) / Decimal(total)).quantize(FOUR_PLACES) if total else None
        status_counts = counts.get(item_id, {})
        if (row[7] or {}) != status_counts or _quantize(row[8]) != ratio:
            goals.append(Item(id=item_id, status_counts=status_counts, on_track_ratio=ratio))
    Item.objects.bulk_update(goals, ["status_counts", "on_track_ratio"], batch_size=1000)


# ---- monthly history -----------------------------------------------------------------------


def completed_month_ends(year: int, at: dt.datetime) -> list[dt.date]:
    """Ends of the months of `year` that are over at `at` (23:59:59 of the last day counts)."""
    local = timezone.localtime(at)
    ends = []
    for month in range(1, 13):
        end = dt.date(year, month, _calendar.monthrange(year, month)[1])
        if local.date() > end or (local.date() == end and local.time() >= dt.time(23, 59, 59)):
            ends.append(end)
    return ends


def _add_monthly(plan, outcomes, data: _Data, at, cal, thresholds, whole=False) -> None:
    """Add the missing monthly rows. For a whole plan, a mark (ganchao.scheduler.status_marks)
    records that every evaluated assignment has its rows up to a month: as the rows are only
    ever added, and an assignment's deletion or change of role changes the evaluated ids,
    a matching mark spares reading the plan's 100,000s of rows every tick."""
    from ganchao.scheduler import status_marks

    months = completed_month_ends(plan.year, at)
    if not months or not outcomes:
        return
    ids = [o.assignment_id for o in outcomes if o.result is not None]
    signature = status_marks.ids_signature(plan.year, ids) if whole else None
    if whole and status_marks.months_done(plan.pk, signature) >= len(months):
        return
    complete, existing = _existing_months(ids, months)
    missing = [
        (outcome, [m for m in months if (outcome.assignment_id, m) not in existing])
        for outcome in outcomes
        if outcome.result is not None and outcome.assignment_id not in complete
    ]
    missing = [(outcome, wanted) for outcome, wanted in missing if wanted]
    if missing:
        _create_monthly(plan, missing, data, cal, thresholds)
    if whole:
        status_marks.months_mark(plan.pk, signature, len(months))


def _create_monthly(plan, missing, data: _Data, cal, thresholds) -> None:
    submissions = _load_submissions(
        [outcome.assignment_id for outcome, _m in missing],
        _ends_due_in(missing, cal, thresholds),
    )
    new_rows = []
    for outcome, wanted in missing:
        periods = data.reports.get(outcome.assignment_id, {})
        submitted = submissions.get(outcome.assignment_id, {})
        for month_end in wanted:
            result = rules.evaluate_values(outcome.spec, periods, month_end, cal, thresholds)
            on_time = _reported_on_time(outcome.spec, submitted, month_end, cal, thresholds)
            new_rows.append(
                MonthlyStatus(
                    assignment_id=outcome.assignment_id,
                    month=month_end,
                    status=result.status,
                    reported_on_time=on_time,
                )
            )
    MonthlyStatus.objects.bulk_create(new_rows, batch_size=2000, ignore_conflicts=True)


def _ends_due_in(missing, cal, thresholds) -> list[dt.date]:
    """The period ends whose report falls due in one of the missing months: the only
    submissions _reported_on_time looks at."""
    months = {(end.year, end.month) for _outcome, wanted in missing for end in wanted}
    kinds = {(outcome.spec.year, outcome.spec.frequency) for outcome, _wanted in missing}
    ends = set()
    for year, frequency in kinds:
        for end in rules.period_ends(year, frequency):
            due = rules.report_due(end, cal, thresholds)
            if (due.year, due.month) in months:
                ends.add(end)
    return sorted(ends)


def _existing_months(ids: list[int], months: list[dt.date]):
    """Which of `months` are stored for each assignment: (ids having them all, the (id, month)
    pairs of the others). One grouped count per chunk (plain ids, no dates to decode); only
    the rows of assignments holding some but not all of the months are read one by one."""
    complete: set[int] = set()
    pairs: set[tuple[int, dt.date]] = set()
    for of_chunk in _id_chunks("assignment_id", ids):
        counts = (
            MonthlyStatus.objects.filter(of_chunk, month__in=months)
            .values("assignment_id")
            .annotate(n=Count("id"))
            .values_list("assignment_id", "n")
        )
        partial = []
        for pk, n in counts:
            if n == len(months):
                complete.add(pk)
            else:
                partial.append(pk)
        for of_partial in _id_chunks("assignment_id", partial):
            pairs.update(
                MonthlyStatus.objects.filter(of_partial, month__in=months).values_list(
                    "assignment_id", "month"
                )
            )
    return complete, pairs


def _reported_on_time(spec, submitted, month_end: dt.date, cal, thresholds) -> bool | None:
    """For the period whose report fell due in that month: submitted by the end of its due
    day and not marked late. None when no report fell due that month."""
    for end in rules.period_ends(spec.year, spec.frequency):
        due = rules.report_due(end, cal, thresholds)
        if (due.year, due.month) == (month_end.year, month_end.month):
            found = submitted.get(end)
            if found is None:
                return False
            submitted_at, late = found
            if late:
                return False
            return submitted_at is None or timezone.localtime(submitted_at).date() <= due
    return None
