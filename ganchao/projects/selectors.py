"""Reads of key projects, scoped to the actor: a project is visible when its goal item is
(through the goals' assignment scope), or when the actor is its leader in charge. Every list
runs a fixed number of queries: the projects with their joins, their steps and months
prefetched, then one query for milestone completions and one for blocking problems.

Health in SQL. The board, the API list, the Gantt and the cockpit filter, count and page by
health in the database: `with_health` annotates each project with the rule of `rules.judge`
written as SQL (an open blocking problem → 受阻; a step or in-plan milestone past its date and
not done, or the months already over below the ratio of their plan → 滞后). It is computed
when read rather than stored, because the rule depends on today's date as much as on the
writes: a stored column would turn stale at midnight with nobody writing (a step falling due),
and it would need the problems app (which closes the blocking problems) to call back into
this one. Only the page's projects are then built in Python (`build_rows`), to say why;
`test_health_in_sql_agrees_with_the_rule` keeps the two in step."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import NotFound
from ganchao.fiscal.models import Commitment
from ganchao.goals.choices import COUNTING_REPORT_STATES
from ganchao.goals.models import Assignment, Milestone, MilestoneCompletion
from ganchao.goals.selectors import NOT_FOUND, key_in_q, visible_assignments_q
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Leader, Unit
from ganchao.orgs.scoping import scope_of
from ganchao.problems.choices import State as ProblemState
from ganchao.problems.models import Problem
from ganchao.projects.choices import SETTLED_STEP_STATES, Health, MilestoneKind
from ganchao.projects.models import ApprovalStep, KeyProject, MonthlyInvestment
from ganchao.projects.rules import DEFAULT_RATIO, Dated, Month, Verdict, judge

LIGHTS = {Health.ON_TRACK: "green", Health.LAGGING: "yellow", Health.BLOCKED: "red"}
MILESTONE_KINDS = (MilestoneKind.START, MilestoneKind.COMPLETION, MilestoneKind.PRODUCTION)


def lag_ratio() -> Decimal:
    return Decimal(str(getattr(settings, "GANCHAO_PROJECT_INVESTMENT_RATIO", DEFAULT_RATIO)))


def projects_visible(actor):
    scope = scope_of(actor)
    projects = KeyProject.objects.all()
    if not scope.is_staff_user:
        return projects.none()
    condition = visible_assignments_q(actor)
    if condition is None:
        return projects
    items = Assignment.objects.filter(condition).values("item_id")
    mine = Q(pk__in=[])
    if actor.leader_id and scope.has(Role.LEADER):
        mine = Q(leader_id=actor.leader_id)
    return projects.filter(key_in_q("item_id", items) | mine)


AMOUNT = DecimalField(max_digits=20, decimal_places=2)


def _sum_of_months_over(column, first_of_month):
    months = MonthlyInvestment.objects.filter(project_id=OuterRef("pk"), month__lt=first_of_month)
    total = months.values("project_id").annotate(total=Sum(Coalesce(column, Value(Decimal(0)))))
    return Coalesce(
        Subquery(total.values("total"), output_field=AMOUNT), Value(Decimal(0)), output_field=AMOUNT
    )


def with_health(queryset, *, today: dt.date | None = None):
    """The projects annotated with `health` (see the module's docstring): a WHERE can filter on
    it, an ORDER BY sort on it, a GROUP BY count it."""
    today = today or timezone.localdate()
    ratio = Fraction(lag_ratio())
    open_blocking = Problem.objects.filter(
        item_id=OuterRef("item_id"), blocks_project=True
    ).exclude(state=ProblemState.CLOSED)
    late = Exists(
        ApprovalStep.objects.filter(project_id=OuterRef("pk"), planned_on__lt=today).exclude(
            state__in=list(SETTLED_STEP_STATES)
        )
    )
    for kind in MILESTONE_KINDS:
        done = MilestoneCompletion.objects.filter(
            milestone_id=OuterRef("pk"),
            report__is_current=True,
            report__state__in=COUNTING_REPORT_STATES,
        )
        late |= Exists(
            Milestone.objects.filter(
                pk=OuterRef(f"{kind}_milestone_id"), due_date__lt=today
            ).exclude(Exists(done))
        )
    first = today.replace(day=1)
    queryset = queryset.annotate(
        plan_to_date=_sum_of_months_over("planned", first),
        actual_to_date=_sum_of_months_over("actual", first),
    )
    # actual < plan × ratio, as plan × numerator − actual × denominator > 0: whole multiples,
    # so that no rounding of the ratio decides a project on the boundary
    queryset = queryset.annotate(
        shortfall=ExpressionWrapper(
            F("plan_to_date") * ratio.numerator - F("actual_to_date") * ratio.denominator,
            output_field=AMOUNT,
        )
    )
    behind = Q(plan_to_date__gt=0, shortfall__gt=0)
    return queryset.annotate(
        health=Case(
            When(Exists(open_blocking), then=Value(Health.BLOCKED.value)),
            When(late | behind, then=Value(Health.LAGGING.value)),
            default=Value(Health.ON_TRACK.value),
            output_field=CharField(),
        )
    )


BOARD_ORDER = ("leader__sort_order", "leader_id", "code")


def board_projects(actor, *, leader_id=None, unit_id=None, health: str = "", plan=None, today=None):
    """The visible projects with their health, filtered in SQL (leader in charge, lead unit,
    health, plan), leader by leader and each leader's by code; not yet joined nor fetched."""
    projects = with_health(projects_visible(actor), today=today)
    if plan is not None:
        projects = projects.filter(item__plan=plan)
    if leader_id:
        projects = projects.filter(leader_id=leader_id)
    if unit_id:
        projects = projects.filter(lead_unit_id=unit_id)
    if health:
        projects = projects.filter(health=health)
    return projects.order_by(*BOARD_ORDER)


def health_counts_of(projects) -> dict:
    """Health → how many of the projects (one GROUP BY)."""
    counts = {h.value: 0 for h in Health}
    for row in projects.order_by().values("health").annotate(n=Count("pk")):
        counts[row["health"]] = row["n"]
    return counts


def board_choices(actor) -> tuple[list, list]:
    """The leaders in charge and the lead units of the visible projects, for the filters."""
    visible = projects_visible(actor)
    leaders = Leader.objects.filter(pk__in=visible.values("leader_id")).order_by("sort_order", "pk")
    units = Unit.objects.filter(pk__in=visible.values("lead_unit_id")).order_by("path")
    return list(leaders), list(units)


def joined(queryset):
    return queryset.select_related(
        "item__plan",
        "leader",
        "lead_unit",
        "town",
        "start_milestone",
        "completion_milestone",
        "production_milestone",
    ).prefetch_related("steps", "months")


def project_get(actor, pk) -> KeyProject:
    project = joined(projects_visible(actor)).filter(pk=pk).first()
    if project is None:
        raise NotFound(NOT_FOUND)
    return project


def project_commitments(project) -> list:
    """The fiscal commitments made for the project's goal item, newest first (one query)."""
    commitments = Commitment.objects.filter(item_id=project.item_id).select_related(
        "unit", "approver"
    )
    return list(commitments.order_by("-created_at", "-pk"))


def blocking_problems(item_ids) -> dict[int, list]:
    """Item id → its open problems that block the project (阻碍项目推进, not 销号)."""
    if not item_ids:
        return {}
    rows = (
        Problem.objects.filter(item_id__in=item_ids, blocks_project=True)
        .exclude(state=ProblemState.CLOSED)
        .order_by("found_on", "pk")
        .values("pk", "number", "item_id", "description", "deadline", "state")
    )
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row["item_id"], []).append(row)
    return found


def _completions(milestone_ids) -> dict[int, dt.date]:
    if not milestone_ids:
        return {}
    rows = (
        MilestoneCompletion.objects.filter(
            milestone_id__in=milestone_ids,
            report__is_current=True,
            report__state__in=COUNTING_REPORT_STATES,
        )
        .values("milestone_id")
        .annotate(first=Min("completed_on"))
    )
    return {row["milestone_id"]: row["first"] for row in rows}


@dataclass
class ProjectRow:
    """A project with what the board, the page and the Gantt show of it."""

    project: KeyProject
    milestones: list[dict]
    steps: list
    months: list
    verdict: Verdict
    year_plan: Decimal = Decimal(0)
    year_actual: Decimal = Decimal(0)
    blocking: list = field(default_factory=list)

    @property
    def health(self) -> str:
        return self.verdict.health

    @property
    def health_label(self) -> str:
        return Health(self.verdict.health).label

    @property
    def planned(self) -> dict:
        """Milestone kind → its planned date (the goal milestone's when in the plan year)."""
        return {m["kind"]: m["planned"] for m in self.milestones}

    @property
    def light(self) -> str:
        return LIGHTS[self.verdict.health]

    @property
    def actual_percent(self) -> int:
        """Actual as a share of the year's plan, for the bar (capped at 100)."""
        if not self.year_plan:
            return 0
        return min(100, int(self.year_actual * 100 / self.year_plan))


def _milestones(project, done: dict) -> list[dict]:
    rows = []
    for kind in MILESTONE_KINDS:
        milestone = getattr(project, f"{kind}_milestone")
        # a date of the plan year is its goal milestone's, which a target adjustment may move
        planned = milestone.due_date if milestone else getattr(project, f"{kind}_planned")
        if planned is None:
            continue
        done_on = done.get(milestone.pk) if milestone else None
        rows.append(
            {
                "kind": kind,
                "label": MilestoneKind(kind).label,
                "planned": planned,
                "in_plan": milestone is not None,
                "done_on": done_on,
                # a date of another year is judged by that year's plan
                "settled": done_on is not None or milestone is None,
            }
        )
    return rows


def build_rows(projects, *, today: dt.date | None = None) -> list[ProjectRow]:
    """Rows for already-joined projects (see `_joined`), in their order: two more queries."""
    today = today or timezone.localdate()
    projects = list(projects)
    milestone_ids = [
        getattr(p, f"{kind}_milestone_id")
        for p in projects
        for kind in MILESTONE_KINDS
        if getattr(p, f"{kind}_milestone_id")
    ]
    done = _completions(milestone_ids)
    blocking = blocking_problems([p.item_id for p in projects])
    ratio = lag_ratio()
    rows = []
    for project in projects:
        milestones = _milestones(project, done)
        steps = list(project.steps.all())
        months = list(project.months.all())
        dated = [Dated(str(m["label"]), m["planned"], m["settled"]) for m in milestones]
        dated += [
            Dated(str(s.get_kind_display()), s.planned_on, s.state in SETTLED_STEP_STATES)
            for s in steps
        ]
        verdict = judge(
            today=today,
            dated=dated,
            months=[Month(m.month, m.planned, m.actual) for m in months],
            blocking=blocking.get(project.item_id, []),
            ratio=ratio,
        )
        year = project.item.plan.year
        in_year = [m for m in months if m.month.year == year]
        rows.append(
            ProjectRow(
                project=project,
                milestones=milestones,
                steps=steps,
                months=months,
                verdict=verdict,
                year_plan=sum((m.planned for m in in_year), Decimal(0)),
                year_actual=sum((m.actual or Decimal(0) for m in in_year), Decimal(0)),
                blocking=verdict.blocking,
            )
        )
    return rows


def project_rows(
    actor, *, leader_id=None, unit_id=None, health: str = "", today=None, plan=None
) -> list[ProjectRow]:
    """Every matching project as a row, leader by leader (for small lists; pages slice
    `board_projects` and build only their rows)."""
    projects = board_projects(
        actor, leader_id=leader_id, unit_id=unit_id, health=health, plan=plan, today=today
    )
    return build_rows(joined(projects), today=today)


def project_row(actor, pk, *, today=None) -> ProjectRow:
    return build_rows([project_get(actor, pk)], today=today)[0]


def group_by_leader(rows) -> list[dict]:
    groups: list[dict] = []
    for row in rows:
        if not groups or groups[-1]["leader"].pk != row.project.leader_id:
            groups.append({"leader": row.project.leader, "rows": []})
        groups[-1]["rows"].append(row)
    for group in groups:
        group["lagging"] = sum(1 for r in group["rows"] if r.health != Health.ON_TRACK)
    return groups


def lagging_rows(
    actor, *, limit: int = 8, today=None, plan=None
) -> tuple[list[ProjectRow], int, int]:
    """For the cockpit of one plan (the one the cockpit shows; every plan when None): blocked
    first, then lagging; how many of them there are, and how many projects in all. The two
    counts ride on the rows' query (window functions), so that it stays one query however
    many projects there are."""
    projects = board_projects(actor, plan=plan, today=today)
    not_on_track = Case(
        When(health=Health.ON_TRACK.value, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    first = (
        joined(projects)
        .annotate(
            total=Window(Count("pk")),
            lagging=Window(Sum(not_on_track)),
            rank=Case(
                When(health=Health.BLOCKED.value, then=Value(0)),
                When(health=Health.LAGGING.value, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("rank", "code")[:limit]
    )
    first = list(first)
    if not first:
        return [], 0, 0
    total, count = first[0].total, int(first[0].lagging or 0)
    rows = build_rows([p for p in first if p.health != Health.ON_TRACK], today=today)
    return rows, count, total


def gantt_year(actor, *, year=None, today=None) -> int:
    """The year the 挂图作战 shows: the one asked for, else this year when it has projects in
    scope, else the latest year that has."""
    if year:
        return year
    today = today or timezone.localdate()
    years = set(
        projects_visible(actor).order_by().values_list("item__plan__year", flat=True).distinct()
    )
    if not years or today.year in years:
        return today.year
    return max(years)


def gantt_rows(actor, *, leader_id=None, year=None, today=None) -> tuple[list, int, list]:
    """The 挂图作战's rows (the projects of one plan year, of one leader when asked), its year
    and the leaders that year's projects have, for the switch."""
    year = gantt_year(actor, year=year, today=today)
    of_year = board_projects(actor, today=today).filter(item__plan__year=year)
    leaders = Leader.objects.filter(pk__in=of_year.values("leader_id")).order_by("sort_order", "pk")
    if leader_id:
        of_year = of_year.filter(leader_id=leader_id)
    return build_rows(joined(of_year), today=today), year, list(leaders)


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def gantt_data(rows, *, year: int, project_url) -> dict:
    """Plain JSON for the 挂图作战 chart: one line per project grouped by leader, with the
    project's span, its milestones and approval steps; and investment by month."""
    lines = []
    for row in rows:
        p = row.project
        marks = [
            {
                "kind": "milestone",
                "name": str(m["label"]),
                "planned": _iso(m["planned"]),
                "done": _iso(m["done_on"]),
                "late": not m["settled"] and m["planned"] < timezone.localdate(),
            }
            for m in row.milestones
        ]
        marks += [
            {
                "kind": "step",
                "name": str(s.get_kind_display()),
                "planned": _iso(s.planned_on),
                "done": _iso(s.done_on),
                "late": (
                    s.state not in SETTLED_STEP_STATES
                    and s.planned_on is not None
                    and s.planned_on < timezone.localdate()
                ),
            }
            for s in row.steps
            if s.planned_on or s.done_on
        ]
        lines.append(
            {
                "id": p.pk,
                "code": p.code,
                "name": p.item.name,
                "leader": p.leader.name,
                "health": row.health,
                "health_label": str(row.health_label),
                "start": _iso(row.planned.get("start")),
                "end": _iso(row.planned.get("production") or row.planned.get("completion")),
                "url": project_url(p),
                "marks": marks,
            }
        )
    return {"year": year, "lines": lines, **investment_by_month(rows, year)}


def investment_by_month(rows, year: int) -> dict:
    planned = [Decimal(0)] * 12
    actual = [Decimal(0)] * 12
    for row in rows:
        for m in row.months:
            if m.month.year == year:
                planned[m.month.month - 1] += m.planned
                actual[m.month.month - 1] += m.actual or Decimal(0)
    return {
        "months": [_("%(m)d月") % {"m": m} for m in range(1, 13)],
        "planned": [str(v) for v in planned],
        "actual": [str(v) for v in actual],
    }
