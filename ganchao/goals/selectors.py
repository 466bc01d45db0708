"""Reads for the write side of 盯着干: plans, items, assignments, reports, evidence and target
adjustments, each scoped to the actor ("missing" and "not yours" are the same NotFound) and
fetched in a fixed number of queries whatever the data size.

Visibility (DESIGN.md part 1 "Users", 3.7):
- the office and administrators read everything;
- an assignment is visible to users whose read scope covers its unit (a leader's areas
  included), to a leader named on its item (Item.leaders), and to users of the item's
  data-source unit;
- an item is visible when any of its assignments is; a goal when any item below it is;
- a plan is visible when its owner is the actor's city or province (an ancestor of a unit they
  read) or lies in their scope;
- a draft plan reaches nobody before it is issued (下达): only the office and the users of the
  owner unit see it and its assignments.
"""

import datetime as dt

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ganchao.common import workdays
from ganchao.common.errors import NotFound
from ganchao.common.prepared import Prepared, PreparedPage, aggregates_of
from ganchao.goals import periods
from ganchao.goals.choices import (
    COUNTING_REPORT_STATES,
    AdjustmentState,
    ItemType,
    PlanState,
    ReportState,
    Role,
)
from ganchao.goals.models import (
    Assignment,
    Evidence,
    Item,
    MilestoneCompletion,
    Plan,
    ProgressReport,
    TargetAdjustment,
)
from ganchao.goals.precision import display_places, figure_pair
from ganchao.goals.selectors_sql import CompiledKeyIn, CompiledSubquery
from ganchao.orgs.choices import Role as OrgRole
from ganchao.orgs.models import Unit
from ganchao.orgs.scoping import KeyIn, ancestor_paths, scope_of

# Lazy: translated when the error is shown, in the reader's language (projects reuse it).
NOT_FOUND = gettext_lazy("内容不存在或不在您的查看范围内")


# ---- scope ---------------------------------------------------------------------------------


def visible_assignments_q(actor, prefix: str = "") -> Q | None:
    """A filter on Assignment (through `prefix`) for what the actor reads; None = everything.

    Written as tests of the assignment's own keys (unit_id and item_id against the ids of the
    units in scope and of the items the actor reads as data source or named leader: KeyIn, and
    the item's plan) rather than joins to the units and a correlated subquery per row, so that
    PostgreSQL reads the rows in scope through the keys' indexes (a BitmapOr of the two) with
    an estimate near the truth, even before the tables are ANALYZEd."""
    scope = scope_of(actor)
    if not scope.is_staff_user:
        return Q(pk__in=[])
    if scope.reads_all:
        return None
    # The three subqueries depend only on the scope and on the leader the actor is: compiled
    # once per process and scope (selectors_sql), not built and compiled on every request.
    leader_id = actor.leader_id if actor.leader_id and scope.has(OrgRole.LEADER) else None
    condition = Q(
        CompiledKeyIn(
            f"{prefix}unit",
            ("units_in_scope", scope),
            lambda: Unit.objects.filter(scope.units_q()).values("pk"),
        )
    ) | Q(
        CompiledKeyIn(
            f"{prefix}item",
            ("items_read", scope, leader_id),
            lambda: _items_read(scope, leader_id).values("pk"),
        )
    )
    released = CompiledSubquery(
        ("plans_released", scope), lambda: Plan.objects.filter(_released_q(scope)).values("pk")
    )
    return condition & Q(**{f"{prefix}item__plan__in": released})


def _items_read(scope, leader_id):
    """Items whose assignments the actor reads wherever their units lie: those of a data-source
    unit in scope, and those naming the actor (a leader) among their leaders."""
    items = scope.unit_in_q("data_source_unit")
    if leader_id:
        named = Item.leaders.through.objects.filter(leader_id=leader_id)
        items |= Q(KeyIn("pk", named.values("item_id")))
    return Item.objects.filter(items)


def _released_q(scope, prefix: str = "") -> Q:
    """A filter on Plan (through `prefix`): issued or closed plans, and drafts of the actor's
    own units (the owner prepares its draft; nobody else sees it before it is issued)."""
    condition = ~Q(**{f"{prefix}state": PlanState.DRAFT})
    if scope.own_paths:
        own = Q(pk__in=[])
        for path in scope.own_paths:
            own |= Q(path__startswith=path)
        condition |= Q(**{f"{prefix}owner__in": Unit.objects.filter(own).values("pk")})
    return condition


def _visible_assignments(actor):
    condition = visible_assignments_q(actor)
    assignments = Assignment.objects.all()
    return assignments if condition is None else assignments.filter(condition)


def key_in_q(key: str, queryset) -> Q:
    """A filter on `key` (a column, e.g. "item_id") by the ids `queryset` (one column) returns,
    looked up once: `key = ANY(ARRAY(subquery))` on PostgreSQL (orgs.scoping.KeyIn), so the
    planner reads the rows by the key's index and cannot put a small list on the inner side of
    a loop over a larger table it misjudged (as it did with unanalysed tables)."""
    return Q(KeyIn(key, queryset))


def own_assignments_q(actor) -> Q:
    """Assignments the actor reports for: their own units' and their data-source items'.

    Read from the small side whatever the planner's statistics: the own units by the path
    index, their assignments by unit, and the assignments of the items they are the data
    source of (a union of ids, looked up once), instead of a path test on every assignment's
    unit and item source."""
    scope = scope_of(actor)
    if scope.anonymous or scope.is_auditor_only or not scope.own_paths:
        return Q(pk__in=[])
    paths = Q(pk__in=[])
    for path in scope.own_paths:
        paths |= Q(path__startswith=path)
    units = Unit.objects.filter(paths).values("pk")
    direct = Assignment.objects.filter(unit_id__in=units).values("pk")
    sourced = Assignment.objects.filter(item__data_source_unit_id__in=units).values("pk")
    return key_in_q("pk", direct.union(sourced)) & _released_q(scope, "item__plan__")


def plans_visible(actor):
    """Plans of the root units (they concern every unit), of the actor's city and province
    (owners above a unit they read: a city's plan concerns its streets and its vice-mayors)
    and of units in their scope; drafts only for the office and the owner's users."""
    scope = scope_of(actor)
    if not scope.is_staff_user:
        return Plan.objects.none()
    plans = Plan.objects.select_related("owner").order_by("-year", "owner__path")
    if scope.reads_all:
        return plans
    above = sorted({p for path in scope.read_paths for p in ancestor_paths(path)})
    reach = Q(owner__parent__isnull=True) | Q(owner__path__in=above) | scope.units_q("owner__")
    return plans.filter(reach).filter(_released_q(scope))


def plan_get(actor, pk) -> Plan:
    plan = plans_visible(actor).filter(pk=pk).first()
    if plan is None:
        raise NotFound(NOT_FOUND)
    return plan


def item_get(actor, pk) -> Item:
    item = (
        Item.objects.select_related("plan__owner", "parent", "data_source_unit")
        .filter(pk=pk)
        .first()
    )
    if item is None or not _item_visible(actor, item):
        raise NotFound(NOT_FOUND)
    return item


def _item_visible(actor, item: Item) -> bool:
    condition = visible_assignments_q(actor, "")
    if condition is None:
        return True
    visible = Assignment.objects.filter(condition, item__plan_id=item.plan_id)
    if item.type == ItemType.GOAL or item.children.exists():
        prefix = f"{item.sort_key}."
        return visible.filter(Q(item_id=item.pk) | Q(item__sort_key__startswith=prefix)).exists()
    return visible.filter(item_id=item.pk).exists()


# One assignment with its item, plan and units, compiled once per process and actor's scope
# (common.prepared): every page and API call about an assignment starts with it.
_ASSIGNMENT_BY_ID = Prepared(Assignment, None, pk=int)


def assignment_get(actor, pk) -> Assignment:
    def build(pk):
        return (
            _visible_assignments(actor)
            .select_related("item__plan", "item__data_source_unit", "unit")
            .filter(pk=pk)
            .order_by("pk")[:1]
        )

    # A pk that is not an int (a text from a URL) is built by the ORM, which converts it.
    key = ("assignment_get", scope_of(actor), actor.leader_id)
    found = _ASSIGNMENT_BY_ID.fetch(key, build=build, pk=pk)
    if not found:
        raise NotFound(NOT_FOUND)
    assignment = found[0]
    assignment._gc_read_by = actor.pk  # fetched through the actor's scope (see _require_read)
    return assignment


def _require_read(actor, assignment: Assignment) -> None:
    """404 unless the actor may read the assignment; no query when it came from
    assignment_get for the same actor."""
    if getattr(assignment, "_gc_read_by", None) != actor.pk:
        assignment_get(actor, assignment.pk)


def report_get(actor, pk) -> ProgressReport:
    condition = visible_assignments_q(actor, "assignment__")
    reports = ProgressReport.objects.select_related(
        "assignment__item__plan", "assignment__item__data_source_unit", "assignment__unit"
    )
    if condition is not None:
        reports = reports.filter(condition)
    report = reports.filter(pk=pk).first()
    if report is None:
        raise NotFound(NOT_FOUND)
    return report


def reports_get_many(actor, ids) -> dict[int, ProgressReport]:
    """report id → report, for those of `ids` the actor may see (report_get for a batch, in one
    query); an id missing from the answer is "not found" as report_get would say."""
    condition = visible_assignments_q(actor, "assignment__")
    reports = ProgressReport.objects.select_related(
        "assignment__item__plan", "assignment__item__data_source_unit", "assignment__unit"
    ).filter(pk__in=set(ids))
    if condition is not None:
        reports = reports.filter(condition)
    return {report.pk: report for report in reports}


def evidence_get(actor, pk) -> Evidence:
    condition = visible_assignments_q(actor, "report__assignment__")
    evidence = Evidence.objects.select_related("report__assignment__unit")
    if condition is not None:
        evidence = evidence.filter(condition)
    found = evidence.filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def adjustment_get(actor, pk) -> TargetAdjustment:
    adjustment = (
        TargetAdjustment.objects.select_related(
            "item__plan", "assignment__unit", "milestone", "requested_by", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if adjustment is None:
        raise NotFound(NOT_FOUND)
    if adjustment.assignment_id:
        assignment_get(actor, adjustment.assignment_id)
    else:
        item_get(actor, adjustment.item_id)
    return adjustment


# ---- reports ---------------------------------------------------------------------------------


def _report_prefetch():
    return [
        Prefetch("evidence", queryset=Evidence.objects.order_by("pk")),
        Prefetch(
            "completions",
            queryset=MilestoneCompletion.objects.select_related("milestone").order_by(
                "milestone__position"
            ),
        ),
    ]


def reports_for_assignment(
    actor,
    assignment: Assignment,
    *,
    limit: int | None = None,
    with_people: bool = True,
    assignment_id: int | None = None,
):
    """Every version of the assignment's reports, newest period and version first; without
    `with_people` only the reports and their evidence (the API's list shows no names and no
    milestone completions). `assignment_id`: the assignment's id as a value of its own (for a
    Prepared statement, which passes a stand-in first)."""
    _require_read(actor, assignment)
    if assignment_id is None:
        assignment_id = assignment.pk
    reports = ProgressReport.objects.filter(assignment_id=assignment_id).order_by(
        "-period_end", "-revision"
    )
    if with_people:
        reports = reports.select_related("submitted_by", "reviewed_by").prefetch_related(
            *_report_prefetch()
        )
    else:
        reports = reports.prefetch_related(_report_prefetch()[0])
    return reports[:limit] if limit else reports


def report_versions(report: ProgressReport):
    return (
        ProgressReport.objects.filter(assignment_id=report.assignment_id, period=report.period)
        .select_related("submitted_by", "reviewed_by")
        .prefetch_related(*_report_prefetch())
        .order_by("-revision")
    )


def current_report(assignment: Assignment, period_code: str) -> ProgressReport | None:
    return (
        ProgressReport.objects.filter(assignment=assignment, period=period_code, is_current=True)
        .prefetch_related(*_report_prefetch())
        .first()
    )


def completed_milestones(assignment: Assignment) -> dict[int, dt.date]:
    """Milestone id → the date reported, from the assignment's current counting reports."""
    rows = MilestoneCompletion.objects.filter(
        report__assignment=assignment,
        report__is_current=True,
        report__state__in=COUNTING_REPORT_STATES,
    ).values_list("milestone_id", "completed_on")
    done: dict[int, dt.date] = {}
    for milestone_id, day in rows:
        done[milestone_id] = min(day, done.get(milestone_id, day))
    return done


def reports_for_review(actor):
    """The office's queue: submitted current reports, oldest submission first."""
    if not scope_of(actor).has(OrgRole.OFFICE):
        return ProgressReport.objects.none()
    return (
        ProgressReport.objects.filter(state=ReportState.SUBMITTED, is_current=True)
        .select_related("assignment__item__plan", "assignment__unit", "submitted_by")
        .prefetch_related(*_report_prefetch())
        .order_by("submitted_at", "pk")
    )


# ---- the workbench ---------------------------------------------------------------------------


def reporting_period(plan: Plan, frequency: str, today: dt.date) -> periods.Period:
    """The period a unit reports now: the latest of the plan year that has ended by `today`, or
    the first one while none has ended."""
    ended = [p for p in periods.periods_of_year(plan.year, frequency) if p.end < today]
    return ended[-1] if ended else periods.periods_of_year(plan.year, frequency)[0]


def _period_branches(plans, today, cal) -> tuple:
    """(plan id, frequency, reporting period code, due date) of each plan and frequency: the
    values the work list's period expressions carry."""
    branches = []
    for plan in plans:
        for frequency in ("monthly", "quarterly"):
            period = reporting_period(plan, frequency, today)
            due = periods.due_date(period, cal, plan.report_due_working_days)
            branches.append((plan.pk, frequency, period.code, due))
    return tuple(branches)


def _period_cases(branches):
    """Case expressions giving each assignment its reporting period code and due date: one
    branch per plan and frequency, so the database computes them from two columns of the row."""
    period_whens, due_whens = [], []
    for plan_id, frequency, code, due in branches:
        match = Q(item__plan_id=plan_id, item__frequency=frequency)
        period_whens.append(When(match, then=Value(code)))
        due_whens.append(When(match, then=Value(due)))
    period_case = Case(*period_whens, default=Value(""), output_field=CharField())
    due_case = Case(*due_whens, default=Value(None), output_field=DateField())
    return period_case, due_case


# The work list's look-ups, compiled once per process and actor's scope (common.prepared): the
# landing page of every liaison and leader.
_WORKBENCH_PLANS = Prepared(Plan, None, since=int)
_WORKBENCH_REPORTS = Prepared(ProgressReport, None, state=str)
_RECENT_ALERTS = Prepared("supervision.Alert", None)


def workbench_plans(actor, today: dt.date) -> list:
    """The issued plans of this and last year holding an assignment the actor reports for (one
    query): a province holds sixteen cities' plans, and each plan adds two branches to the
    period expressions every work-list query carries."""

    def build(since):
        own = Assignment.objects.filter(own_assignments_q(actor)).values("item__plan_id")
        return Plan.objects.filter(state=PlanState.ISSUED, year__gte=since, pk__in=own)

    key = ("workbench_plans", scope_of(actor))
    return _WORKBENCH_PLANS.fetch(key, build=build, since=today.year - 1)


def _workbench_base(actor, today: dt.date, plans=None):
    """The actor's lead and responsible assignments on issued plans of this and last year,
    annotated with `due_period` and `due_on`, and the key of the SQL's shape (what it depends
    on: the actor's scope, the day and the plans' periods and due dates); (None, None) when no
    plan is issued. `plans`: those of workbench_plans when the caller has them."""
    plans = workbench_plans(actor, today) if plans is None else plans
    if not plans:
        return None, None
    branches = _period_branches(plans, today, workdays.current_calendar())

    def build():
        period_case, due_case = _period_cases(branches)
        return Assignment.objects.filter(
            own_assignments_q(actor),
            item__plan__in=[plan_id for plan_id, *_ in branches[::2]],
            role__in=(Role.LEAD, Role.RESPONSIBLE),
            item__type__in=(ItemType.INDICATOR, ItemType.TASK),
        ).annotate(due_period=period_case, due_on=due_case)

    return build, (scope_of(actor), today, branches)


def _reported_q() -> Q:
    """On a workbench row: a current report in a counting state (报送 or 审核) exists for the
    row's reporting period: one probe of the partial index wb_report_current_idx per row."""
    reported = ProgressReport.objects.filter(
        assignment_id=OuterRef("pk"),
        period=OuterRef("due_period"),
        is_current=True,
        state__in=COUNTING_REPORT_STATES,
    )
    return Q(Exists(reported))


def _late_q(today: dt.date) -> Q:
    """Past its due date and not reported (no current report, or a draft or returned one)."""
    return Q(due_on__lt=today) & ~_reported_q()


WORKBENCH_ORDER = ("due_on", "item__plan_id", "item__sort_key", "unit__path")


_WORKBENCH_ROWS = Prepared(Assignment, None)
_WORKBENCH_COUNTS = Prepared(Assignment, None)


def assignments_for_workbench(
    actor, *, today: dt.date | None = None, late_only: bool = False, plans=None
):
    """The actor's units' lead and responsible assignments on issued plans, each annotated with
    its reporting period (`due_period`) and that period's due date (`due_on`), in the work
    list's order (a total order: an item has one assignment per unit), for the paginator
    (a page is a list). The current report of each row's period is fetched for a page of rows
    by `attach_current_reports`."""
    today = today or timezone.localdate()
    base, key = _workbench_base(actor, today, plans)
    if base is None:
        return Assignment.objects.none()

    def build():
        # The contact phone is stored encrypted and the work list does not show it:
        # deciphering it for every row of a page cost more than the rest of the row.
        rows = base().select_related("item__plan", "unit").defer("contact_phone")
        rows = rows.order_by(*WORKBENCH_ORDER)
        return rows.filter(_late_q(today)) if late_only else rows

    return PreparedPage(
        _WORKBENCH_COUNTS, _WORKBENCH_ROWS, ("workbench", *key, late_only), build=build
    )


def workbench_counts(actor, *, today: dt.date | None = None, plans=None) -> dict:
    """The number of rows of the work list and of those late (one query)."""
    today = today or timezone.localdate()
    base, key = _workbench_base(actor, today, plans)
    if base is None:
        return {"total": 0, "late": 0}

    def build():
        rows = base().order_by()
        rows = rows.annotate(is_late=ExpressionWrapper(_late_q(today), BooleanField()))
        return aggregates_of(rows, total=Count("pk"), late=Count("pk", filter=Q(is_late=True)))

    ((total, late),) = _WORKBENCH_COUNTS.fetch(("workbench_counts", *key), build=build)
    return {"total": total, "late": late}


def attach_current_reports(rows) -> None:
    """Set `report_state` and `report_id` on workbench rows from the current report of each
    row's `due_period`, the lowest revision if several (one query for the page; None where
    nothing is reported)."""
    keys = {(row.pk, row.due_period) for row in rows}
    found: dict[tuple[int, str], tuple[str, int]] = {}
    if keys:
        reports = (
            ProgressReport.objects.filter(
                is_current=True,
                assignment_id__in={pk for pk, _ in keys},
                period__in={period for _, period in keys},
            )
            .order_by("assignment_id", "period_end", "revision")
            .values_list("assignment_id", "period", "state", "pk")
        )
        for assignment_id, period, state, pk in reports:
            found.setdefault((assignment_id, period), (state, pk))
    for row in rows:
        row.report_state, row.report_id = found.get((row.pk, row.due_period), (None, None))


def own_assignment_key_q(actor, key: str = "assignment_id") -> Q:
    """A filter on a row with an assignment key (`key`): the assignment is one the actor
    reports for (own_assignments_q), tested by key against the ids looked up once. The
    subquery depends only on the actor's scope: compiled once per process and scope
    (selectors_sql)."""
    scope = scope_of(actor)
    return Q(
        CompiledKeyIn(
            key,
            ("own_assignments", scope),
            lambda: Assignment.objects.filter(own_assignments_q(actor)).values("pk"),
        )
    )


def workbench_reports(actor, state: str, *, limit: int = 50) -> list:
    """The actor's current reports in one state (returned, or drafts), newest first."""

    def build(state):
        return (
            ProgressReport.objects.filter(is_current=True, state=state)
            .filter(own_assignment_key_q(actor))
            .select_related("assignment__item__plan", "assignment__unit", "reviewed_by")
            .defer("assignment__contact_phone", "reviewed_by__phone")  # encrypted, not shown
            .order_by("-updated_at")[:limit]
        )

    key = ("workbench_reports", scope_of(actor), limit)
    return _WORKBENCH_REPORTS.fetch(key, build=build, state=state)


def _alert_list():
    """督查督办's scoped alert list, when that part is installed."""
    try:
        from ganchao.supervision import selectors as supervision_selectors
    except ImportError:
        return None
    return getattr(supervision_selectors, "alert_list", None)


def recent_alerts(actor, *, limit: int = 10) -> list:
    """The actor's units' recent alerts (提醒、催办 …), newest first."""
    alert_list = _alert_list()
    if alert_list is None:
        return []

    def build():
        return alert_list(actor=actor).filter(own_assignment_key_q(actor))[:limit]

    return _RECENT_ALERTS.fetch(("recent_alerts", scope_of(actor), limit), build=build)


def alerts_for_assignments(actor, assignments, *, limit: int = 20) -> list:
    """Recent alerts of the given assignments within the actor's scope (one query)."""
    alert_list = _alert_list()
    if alert_list is None or not assignments:
        return []
    ids = [assignment.pk for assignment in assignments]
    return list(alert_list(actor=actor).filter(assignment_id__in=ids)[:limit])


# ---- adjustments -----------------------------------------------------------------------------


def adjustments_pending(actor):
    """Requests awaiting a decision: all of them for the office, the own units' for others."""
    pending = TargetAdjustment.objects.filter(state=AdjustmentState.REQUESTED).select_related(
        "item__plan", "assignment__unit", "milestone", "requested_by"
    )
    if scope_of(actor).has(OrgRole.OFFICE):
        return pending.order_by("created_at", "pk")
    return pending.filter(
        assignment__in=Assignment.objects.filter(own_assignments_q(actor))
    ).order_by("created_at", "pk")


def adjustments_of_item(actor, item: Item):
    condition = visible_assignments_q(actor, "assignment__")
    adjustments = TargetAdjustment.objects.filter(item=item).select_related(
        "assignment__unit", "milestone", "requested_by", "decided_by"
    )
    if condition is not None:
        adjustments = adjustments.filter(Q(assignment__isnull=True) | condition)
    return adjustments.order_by("-created_at", "-pk")


# ---- the item page ---------------------------------------------------------------------------

TARGET_LABELS = {
    "target": "目标值",
    "q1": "一季度",
    "q2": "二季度",
    "q3": "三季度",
    "q4": "四季度",
}


def _originals(adjustments) -> dict[tuple, str]:
    """(assignment id or None, field, milestone id or None) → the value before the first
    approved adjustment, so that the page can show original beside adjusted."""
    originals: dict[tuple, str] = {}
    approved = [a for a in adjustments if a.state == AdjustmentState.APPROVED]
    for adjustment in sorted(approved, key=lambda a: (a.decided_at or a.created_at, a.pk)):
        key = (adjustment.assignment_id, adjustment.field, adjustment.milestone_id)
        originals.setdefault(key, adjustment.old_value)
    return originals


def target_rows(holder, assignment_id, originals) -> list[dict]:
    rows = []
    for field, label in TARGET_LABELS.items():
        value = getattr(holder, field)
        original = originals.get((assignment_id, field, None))
        rows.append({"label": label, "value": value, "original": original})
    return rows


def expected_series(item: Item, holder, year: int) -> list:
    """Expected values at each month's end by the status rules (DESIGN.md 3.8)."""
    from ganchao.goals import status_rules as rules

    staged = tuple(getattr(holder, q) for q in ("q1", "q2", "q3", "q4"))
    spec = rules.Spec(
        year=year,
        frequency=item.frequency,
        nature=item.nature,
        direction=item.direction,
        target=holder.target,
        staged=staged if all(v is not None for v in staged) else None,
    )
    ends = rules.period_ends(year, "monthly")
    return [rules.expected_value(spec, end) for end in ends]


def actual_series(reports, year: int) -> list:
    """Each month's reported value (current, counting versions) or None."""
    values: list = [None] * 12
    for report in reports:
        if (
            report.is_current
            and report.state in COUNTING_REPORT_STATES
            and report.value is not None
        ) and report.period_end.year == year:
            values[report.period_end.month - 1] = report.value
    return values


def item_page(actor, item: Item) -> dict:
    """Everything the item page shows, in a fixed number of queries."""
    condition = visible_assignments_q(actor)
    assignments = item.assignments.select_related("unit").order_by("role", "unit__path")
    if condition is not None:
        assignments = assignments.filter(condition)
    assignments = list(assignments)
    for assignment in assignments:  # as the tree shows them: rounding never hides a lag
        assignment.expected_text, assignment.actual_text = figure_pair(
            assignment.expected, assignment.actual, item.display_places
        )
    milestones = list(item.milestones.order_by("position"))
    adjustments = list(adjustments_of_item(actor, item))
    originals = _originals(adjustments)
    reports = list(
        ProgressReport.objects.filter(assignment__in=[a.pk for a in assignments])
        .select_related("assignment__unit", "submitted_by", "reviewed_by")
        .prefetch_related(*_report_prefetch())
        .order_by("-period_end", "assignment__unit__path", "-revision")[:200]
    )
    lead = next(
        (a for a in assignments if a.role == Role.LEAD), assignments[0] if assignments else None
    )
    done: dict[int, dt.date] = {}
    for report in reports:
        if (
            lead
            and report.assignment_id == lead.pk
            and report.is_current
            and report.state in COUNTING_REPORT_STATES
        ):
            for completion in report.completions.all():
                done[completion.milestone_id] = min(
                    completion.completed_on,
                    done.get(completion.milestone_id, completion.completed_on),
                )
    chart = None
    if item.type == ItemType.INDICATOR and lead is not None:
        lead_reports = [r for r in reports if r.assignment_id == lead.pk]
        chart = {
            "months": [f"{m}月" for m in range(1, 13)],
            "expected": [_float(v) for v in expected_series(item, lead, item.plan.year)],
            "actual": [_float(v) for v in actual_series(lead_reports, item.plan.year)],
            "unit": item.measure_unit,
            "lead": lead.unit.name,
        }
    return {
        "assignments": assignments,
        "lead": lead,
        "milestones": [
            {
                "milestone": m,
                "completed_on": done.get(m.pk),
                "original": originals.get((None, "milestone_date", m.pk))
                or next(
                    (
                        v
                        for (a, f, mid), v in originals.items()
                        if f == "milestone_date" and mid == m.pk
                    ),
                    None,
                ),
            }
            for m in milestones
        ],
        "item_targets": target_rows(item, None, originals)
        if item.type == ItemType.INDICATOR
        else [],
        "assignment_targets": [
            {"assignment": a, "rows": target_rows(a, a.pk, originals)}
            for a in assignments
            if item.type == ItemType.INDICATOR and a.role != Role.COOPERATING
        ],
        "reports": reports,
        "adjustments": adjustments,
        "chart": chart,
    }


def _float(value):
    return None if value is None else float(round(value, 4))


def places_by_assignment(assignment_ids) -> dict[int, int]:
    """Each assignment's display precision (its item's; goals.precision), in one query."""
    rows = Assignment.objects.filter(pk__in=set(assignment_ids)).values_list(
        "pk", "item__decimal_places", "item__measure_unit"
    )
    return {pk: display_places(places, unit) for pk, places, unit in rows}
