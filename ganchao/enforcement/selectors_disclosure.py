"""Reads of the disclosure slice scoped to the actor: publication and withdrawal tasks with their
working-day clocks (B3, B5), the case's public record and outcomes."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import IntegerField, Q, Value, When
from django.utils import timezone

from ganchao.common.errors import NotFound
from ganchao.enforcement.choices import ClockState, TaskState
from ganchao.enforcement.clocks import state_of
from ganchao.enforcement.models import Agency, DecisionOutcome, PublicationTask, PublicRecord
from ganchao.enforcement.selectors import cases_visible

OPEN_STATES = (TaskState.OPEN, TaskState.EXEMPTION_REQUESTED)
FILTERS = ("open", "overdue", "done", "exempt", "all")
CLOCK_COLORS = {
    ClockState.RUNNING: "blue",
    ClockState.DUE_SOON: "yellow",
    ClockState.OVERDUE: "red",
    ClockState.MET: "green",
    ClockState.LATE: "orange",
    ClockState.ELAPSED: "secondary",
}


@dataclass
class TaskRow:
    task: PublicationTask
    clock: str

    @property
    def clock_label(self) -> str:
        return str(ClockState(self.clock).label)

    @property
    def clock_color(self) -> str:
        return CLOCK_COLORS.get(self.clock, "secondary")

    @property
    def overdue(self) -> bool:
        return self.clock == ClockState.OVERDUE


def task_clock(task: PublicationTask, today: dt.date) -> str:
    """clocks.state_of on the task: overdue the working day after the due date; an exempt task
    counts as met."""
    if task.state == TaskState.EXEMPT:
        return ClockState.MET
    done = timezone.localtime(task.done_at).date() if task.done_at else None
    return state_of(task.due, done, today)


def rows(tasks, today: dt.date | None = None) -> list[TaskRow]:
    from ganchao.common import workdays

    today = today or timezone.localdate()
    with workdays.calendar_session():
        return [TaskRow(t, task_clock(t, today)) for t in tasks]


def tasks_visible(actor):
    return PublicationTask.objects.filter(case__in=cases_visible(actor).values("pk"))


def tasks_for_list(actor, *, state: str = "open", agency_id: int | None = None, today=None):
    """The B3 dashboard: overdue first, then by due date."""
    today = today or timezone.localdate()
    tasks = tasks_visible(actor).select_related(
        "case", "case__agency", "case__matter", "outcome", "exemption_requested_by"
    )
    if state == "open":
        tasks = tasks.filter(state__in=OPEN_STATES)
    elif state == "overdue":
        tasks = tasks.filter(state__in=OPEN_STATES, due__lt=today)
    elif state == "done":
        tasks = tasks.filter(state=TaskState.DONE)
    elif state == "exempt":
        tasks = tasks.filter(state=TaskState.EXEMPT)
    if agency_id:
        tasks = tasks.filter(case__agency_id=agency_id)
    return tasks.annotate(
        late_first=When_(
            When(Q(state__in=OPEN_STATES, due__lt=today), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("late_first", "due", "id")


def overdue_count(actor, today=None) -> int:
    today = today or timezone.localdate()
    return tasks_visible(actor).filter(state__in=OPEN_STATES, due__lt=today).count()


def task_agencies(actor):
    """The agencies of the actor's tasks, for the filter."""
    return Agency.objects.filter(pk__in=tasks_visible(actor).values("case__agency_id")).order_by(
        "name"
    )


def task_get(actor, task_id: int) -> PublicationTask:
    task = (
        tasks_visible(actor)
        .select_related("case", "case__agency", "case__agency__unit", "case__matter", "outcome")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound("公示任务不存在或无权查看")
    return task


def case_tasks(case):
    return (
        PublicationTask.objects.filter(case=case)
        .select_related("outcome", "exemption_requested_by", "exemption_reviewed_by", "done_by")
        .order_by("created_on", "id")
    )


def case_outcomes(case):
    return DecisionOutcome.objects.filter(case=case).select_related("recorded_by")


def case_public_record(case) -> PublicRecord | None:
    return PublicRecord.objects.filter(case=case).first()
