"""The three tier clocks of an appeal (DESIGN.md 3.14) on the working-day calendar and office
hours of ganchao.common.workdays.

- 响应 (acknowledge): `acknowledge_hours` office hours after receipt (2 by default): an appeal
  received at 16:00 before a holiday is due on the first working morning after it.
- 制定方案 (plan) and 解决 (resolve): by the close of office hours of the Nth working day after
  the day of receipt (3 and 15 by default); the day of receipt does not count, and an appeal
  received on a rest day starts counting on the next working day.

Deadlines are fixed when the appeal is received; a year whose holidays are not yet known marks
them provisional."""

import datetime as dt
from dataclasses import dataclass

from ganchao.common import workdays
from ganchao.enterprises.choices import AppealState, ClockState, Tier

DUE_SOON_HOURS = {Tier.ACKNOWLEDGE: 1, Tier.PLAN: 7, Tier.RESOLVE: 7}


@dataclass(frozen=True)
class Deadlines:
    acknowledge: dt.datetime
    plan: dt.datetime
    resolve: dt.datetime
    provisional: bool


def close_of_day(day: dt.date) -> dt.datetime:
    """The end of the last office session of `day`, local time."""
    cal = workdays.current_calendar()
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=cal.tz)
    return midnight + dt.timedelta(microseconds=cal.sessions[-1][1])


def deadlines_for(received_at: dt.datetime, *, hours: int, plan_days: int, resolve_days: int):
    ack = workdays.add_working_hours_info(received_at, hours)
    day = received_at.astimezone(workdays.current_calendar().tz).date()
    plan = workdays.add_working_days_info(day, plan_days)
    resolve = workdays.add_working_days_info(day, resolve_days)
    return Deadlines(
        acknowledge=ack.value,
        plan=close_of_day(plan.value),
        resolve=close_of_day(resolve.value),
        provisional=ack.provisional or plan.provisional or resolve.provisional,
    )


def state_of(tier: str, due: dt.datetime, done: dt.datetime | None, now: dt.datetime) -> str:
    if done is not None:
        return ClockState.MET if done <= due else ClockState.LATE
    if now > due:
        return ClockState.OVERDUE
    if workdays.working_hours_between(now, due) <= DUE_SOON_HOURS[tier]:
        return ClockState.DUE_SOON
    return ClockState.RUNNING


@dataclass(frozen=True)
class Clock:
    tier: str
    due: dt.datetime
    done_at: dt.datetime | None
    state: str

    @property
    def label(self) -> str:
        return str(Tier(self.tier).label)

    @property
    def state_label(self) -> str:
        return str(ClockState(self.state).label)


def clocks_of(appeal, now: dt.datetime) -> list[Clock]:
    """The appeal's three clocks; the resolve clock also stops when the appeal is judged
    unresolvable (未能解决), which counts as late if it came after the deadline."""
    rows = [
        (Tier.ACKNOWLEDGE, appeal.acknowledge_due, appeal.acknowledged_at),
        (Tier.PLAN, appeal.plan_due, appeal.planned_at),
        (Tier.RESOLVE, appeal.resolve_due, appeal.resolved_at),
    ]
    return [Clock(tier, due, done, state_of(tier, due, done, now)) for tier, due, done in rows]


NEXT_TIER = {
    AppealState.RECEIVED: Tier.ACKNOWLEDGE,
    AppealState.ACKNOWLEDGED: Tier.PLAN,
    AppealState.PLANNED: Tier.RESOLVE,
}


def next_clock(appeal, now: dt.datetime) -> Clock | None:
    """The clock running now (none once the appeal is resolved or closed)."""
    tier = NEXT_TIER.get(appeal.state)
    if tier is None:
        return None
    return next(clock for clock in clocks_of(appeal, now) if clock.tier == tier)
