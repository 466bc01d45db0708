"""Reads of key projects, scoped to the actor: a project is visible when its goal item is
(through the goals' assignment scope), or when the actor is its leader in charge. Every list
runs a fixed number of queries: the projects with their joins, their steps and months
prefetched, then one query for milestone completions and one for blocking problems."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.errors import NotFound
from ganchao.goals.choices import COUNTING_REPORT_STATES
from ganchao.goals.models import Assignment, MilestoneCompletion
from ganchao.goals.selectors import NOT_FOUND, key_in_q, visible_assignments_q
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of
from ganchao.problems.choices import State as ProblemState
from ganchao.problems.models import Problem
from ganchao.projects.choices import SETTLED_STEP_STATES, Health, MilestoneKind
from ganchao.projects.models import KeyProject
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


def _joined(queryset):
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
    project = _joined(projects_visible(actor)).filter(pk=pk).first()
    if project is None:
        raise NotFound(NOT_FOUND)
    return project


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
    actor, *, leader_id=None, health: str = "", today=None, plan=None
) -> list[ProjectRow]:
    """The board's rows, leader by leader, each leader's projects by code; `plan`: only the
    projects of that plan."""
    projects = _joined(projects_visible(actor)).order_by("leader__sort_order", "leader_id", "code")
    if plan is not None:
        projects = projects.filter(item__plan=plan)
    if leader_id:
        projects = projects.filter(leader_id=leader_id)
    rows = build_rows(projects, today=today)
    if health:
        rows = [r for r in rows if r.health == health]
    return rows


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


def health_counts(rows) -> dict:
    counts = {h.value: 0 for h in Health}
    for row in rows:
        counts[row.health] += 1
    return counts


def lagging_rows(
    actor, *, limit: int = 8, today=None, plan=None
) -> tuple[list[ProjectRow], int, int]:
    """For the cockpit of one plan (the one the cockpit shows; every plan when None): blocked
    first, then lagging; how many of them there are, and how many projects in all."""
    every = project_rows(actor, today=today, plan=plan)
    rows = [r for r in every if r.health != Health.ON_TRACK]
    rows.sort(key=lambda r: (r.health != Health.BLOCKED, r.project.code))
    return rows[:limit], len(rows), len(every)


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
