"""The clocks of a case (B11, B3, B5, B10) on the working-day calendar: each a name, a due date
and a state. Built from plain dates by `clocks_for`; the calendar is ganchao.common.workdays
(the State Council schedule plus the administrator's overrides)."""

import datetime as dt
from dataclasses import dataclass, field

from ganchao.common import workdays
from ganchao.enforcement.choices import ClockName, ClockState

DUE_SOON_WORKING_DAYS = 2


@dataclass(frozen=True)
class Clock:
    name: str
    due: dt.date
    state: str
    done_on: dt.date | None = None
    subject: str = ""  # e.g. which preservation

    @property
    def label(self) -> str:
        return str(ClockName(self.name).label)

    @property
    def open(self) -> bool:
        return self.state in (ClockState.RUNNING, ClockState.DUE_SOON, ClockState.OVERDUE)


@dataclass
class ClockDates:
    """The dates the clocks run on, as selectors.case_clock_dates reads them."""

    filed_on: dt.date
    decide_days: int = 90
    deliver_days: int = 7
    hearing_request_days: int = 5
    hearing_notice_days: int = 7
    preservation_days: int = 7
    decided_on: dt.date | None = None
    delivered_on: dt.date | None = None
    notice_served_on: dt.date | None = None
    hearing_right: bool = False
    hearing_requested_on: dt.date | None = None
    statement_on: dt.date | None = None
    hearing_scheduled_on: dt.date | None = None
    hearing_notified_on: dt.date | None = None
    # (started on, resolved on) of each 先行登记保存
    preservations: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    # (due, concluded on) of the latest legal review round, when assigned
    review: tuple[dt.date, dt.date | None] | None = None
    # (kind, due, done on or None, exempt) of each publication task
    tasks: list[tuple[str, dt.date, dt.date | None, bool]] = field(default_factory=list)
    closed: bool = False


def state_of(due: dt.date, done: dt.date | None, today: dt.date) -> str:
    if done is not None:
        return ClockState.MET if done <= due else ClockState.LATE
    if today > due:
        return ClockState.OVERDUE
    if workdays.working_days_between(today, due) <= DUE_SOON_WORKING_DAYS:
        return ClockState.DUE_SOON
    return ClockState.RUNNING


def clocks_for(d: ClockDates, today: dt.date) -> list[Clock]:
    add = workdays.add_working_days
    found: list[Clock] = []
    # Art. 60: 90 (calendar) days from filing to the decision.
    due = d.filed_on + dt.timedelta(days=d.decide_days)
    found.append(Clock(ClockName.DECIDE, due, state_of(due, d.decided_on, today), d.decided_on))
    # Art. 64: a hearing is asked for within 5 working days of the notice.
    if d.notice_served_on and d.hearing_right:
        due = add(d.notice_served_on, d.hearing_request_days)
        answered = d.hearing_requested_on or d.statement_on
        if answered is not None:
            state = ClockState.MET if answered <= due else ClockState.LATE
        elif today > due:
            state = ClockState.ELAPSED
        else:
            state = state_of(due, None, today)
        found.append(Clock(ClockName.HEARING_REQUEST, due, state, answered))
    # Art. 64: the party is told of the hearing 7 working days before it.
    if d.hearing_scheduled_on:
        due = add(d.hearing_scheduled_on, -d.hearing_notice_days)
        state = state_of(due, d.hearing_notified_on, today)
        found.append(Clock(ClockName.HEARING_NOTICE, due, state, d.hearing_notified_on))
    # Art. 56: evidence preserved in advance is dealt with within 7 working days.
    for started_on, resolved_on in d.preservations:
        due = add(started_on, d.preservation_days)
        found.append(
            Clock(
                ClockName.PRESERVATION,
                due,
                state_of(due, resolved_on, today),
                resolved_on,
                subject=started_on.isoformat(),
            )
        )
    if d.review is not None:
        due, concluded_on = d.review
        found.append(
            Clock(ClockName.LEGAL_REVIEW, due, state_of(due, concluded_on, today), concluded_on)
        )
    # Art. 61: delivered within 7 working days of the decision.
    if d.decided_on:
        due = add(d.decided_on, d.deliver_days)
        found.append(
            Clock(ClockName.DELIVER, due, state_of(due, d.delivered_on, today), d.delivered_on)
        )
    for kind, due, done_on, exempt in d.tasks:
        name = ClockName.PUBLISH if kind == "publish" else ClockName.WITHDRAW
        if exempt:
            found.append(Clock(name, due, ClockState.MET, done_on))
        else:
            found.append(Clock(name, due, state_of(due, done_on, today), done_on))
    return found
