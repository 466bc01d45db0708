"""Overdue problems climb the escalation ladder through `ganchao tick --at` (DESIGN.md 3.9):
a 催办 to the owner unit the day after the deadline, a 督办 to the leader in charge after the
configured working days (the office when there is none), each cause once, closed problems
left alone, and each alert a step of the timeline."""

import datetime as dt

import pytest
from django.core.management import call_command

from ganchao.notifications.models import Notification
from ganchao.orgs.models import LeaderArea
from ganchao.problems.choices import EventKind, State
from ganchao.problems.models import ProblemAlert
from ganchao.problems.tests.factories import ProblemFactory
from ganchao.supervision.choices import Level

pytestmark = pytest.mark.django_db


def tick(day: str):
    call_command("tick", "--at", f"{day}T09:00:00+08:00")


@pytest.fixture
def overdue(pcity):
    LeaderArea.objects.filter(leader=pcity.leader).update(start_date=dt.date(2020, 1, 1))
    # deadline Monday 16 November 2026
    return ProblemFactory(
        owner_unit=pcity.town_a,
        found_by=pcity.leader_user,
        found_on=dt.date(2026, 11, 2),
        deadline=dt.date(2026, 11, 16),
    )


def test_nothing_happens_before_the_deadline_has_passed(overdue):
    tick("2026-11-16")
    assert not ProblemAlert.objects.exists()


def test_the_day_after_the_deadline_the_owner_unit_is_urged(pcity, overdue):
    tick("2026-11-17")
    alert = ProblemAlert.objects.get()
    assert alert.level == Level.URGE
    assert alert.unit == pcity.town_a
    assert alert.due == dt.date(2026, 11, 16)
    told = set(
        Notification.objects.filter(kind="problem_overdue").values_list("user__username", flat=True)
    )
    assert told == {"town_a_liaison", "town_a_head"}
    assert overdue.events.get().kind == EventKind.ESCALATED


def test_after_five_working_days_overdue_the_leader_in_charge_supervises_once(pcity, overdue):
    tick("2026-11-23")  # overdue from Tuesday the 17th: 4 working days on, still a 催办
    assert list(ProblemAlert.objects.values_list("level", flat=True)) == [Level.URGE]
    tick("2026-11-24")  # 5 working days on
    levels = sorted(ProblemAlert.objects.values_list("level", flat=True))
    assert levels == [Level.URGE, Level.SUPERVISE]
    supervise = ProblemAlert.objects.get(level=Level.SUPERVISE)
    assert supervise.leader == pcity.leader
    leader_told = Notification.objects.filter(kind="problem_overdue", title__startswith="督办")
    assert list(leader_told.values_list("user__username", flat=True)) == ["leader"]
    tick("2026-11-25")
    tick("2026-11-24")
    assert ProblemAlert.objects.count() == 2
    assert overdue.events.filter(kind=EventKind.ESCALATED).count() == 2


def test_without_a_leader_in_charge_the_office_hears_of_it(pcity):
    problem = ProblemFactory(owner_unit=pcity.town_b, deadline=dt.date(2026, 11, 16))
    tick("2026-11-30")
    supervise = ProblemAlert.objects.get(problem=problem, level=Level.SUPERVISE)
    assert supervise.leader is None
    told = Notification.objects.filter(kind="problem_overdue", title__startswith="督办")
    assert list(told.values_list("user__username", flat=True)) == ["office"]


def test_a_closed_problem_is_not_escalated_and_a_new_deadline_is_a_new_cause(pcity, overdue):
    ProblemFactory(
        owner_unit=pcity.town_a, deadline=dt.date(2026, 11, 16), state=State.CLOSED, place="别处"
    )
    tick("2026-11-17")
    assert ProblemAlert.objects.count() == 1
    overdue.deadline = dt.date(2026, 11, 20)
    overdue.save(update_fields=["deadline"])
    tick("2026-11-23")
    assert set(ProblemAlert.objects.values_list("due", "level")) == {
        (dt.date(2026, 11, 16), Level.URGE),
        (dt.date(2026, 11, 20), Level.URGE),
    }


def test_the_escalation_delay_is_a_setting(pcity, overdue):
    from ganchao.problems import services

    services.problem_settings_update(actor=pcity.office, escalate_after_working_days=2)
    tick("2026-11-19")
    assert ProblemAlert.objects.filter(level=Level.SUPERVISE).count() == 1
