"""The appeal's tier clocks on the working-day calendar (2026: 国庆 1–7 October, Saturday
10 October a make-up working day) and office hours (08:30–12:00, 14:00–17:30)."""

import pytest

from ganchao.enterprises.clocks import deadlines_for
from ganchao.enterprises.tests.conftest import local

pytestmark = pytest.mark.django_db


def due(received):
    return deadlines_for(received, hours=2, plan_days=3, resolve_days=15)


def test_received_before_national_day_is_acknowledged_after_the_holiday():
    d = due(local(2026, 9, 30, 16, 0))
    # 16:00–17:30 is 1.5 office hours; the remaining half hour runs on the first working day
    assert d.acknowledge == local(2026, 10, 8, 9, 0)
    # 8 Oct (Thu), 9 Oct (Fri), 10 Oct (the make-up Saturday): the third working day
    assert d.plan == local(2026, 10, 10, 17, 30)
    # fifteen working days after 30 September, the seven holidays and Sundays not counted
    assert d.resolve == local(2026, 10, 27, 17, 30)
    assert not d.provisional


def test_received_on_friday_afternoon_runs_over_the_weekend():
    d = due(local(2026, 12, 4, 17, 0))  # Friday
    assert d.acknowledge == local(2026, 12, 7, 10, 0)  # Monday
    assert d.plan == local(2026, 12, 9, 17, 30)  # Wednesday
    assert d.resolve == local(2026, 12, 25, 17, 30)


def test_received_after_office_hours_starts_the_next_morning():
    d = due(local(2026, 12, 2, 19, 0))  # Wednesday evening
    assert d.acknowledge == local(2026, 12, 3, 10, 30)


def test_received_at_lunch_counts_from_the_afternoon_session():
    d = due(local(2026, 12, 2, 12, 30))
    assert d.acknowledge == local(2026, 12, 2, 16, 0)


def test_received_on_a_saturday_counts_days_from_monday():
    d = due(local(2026, 12, 5, 10, 0))
    assert d.acknowledge == local(2026, 12, 7, 10, 30)
    assert d.plan == local(2026, 12, 9, 17, 30)


def test_a_year_without_a_known_schedule_is_provisional():
    d = due(local(2026, 12, 28, 10, 0))  # fifteen working days reach into 2027
    assert d.provisional
