"""Services on the calendar: overrides, entering a year's schedule, permissions, audit events,
and the recompute hooks that run on commit."""

import datetime as dt

import pytest
from django.db import transaction

from ganchao.audit.models import AuditEvent
from ganchao.common import workdays
from ganchao.common.errors import Forbidden, NotFound, ValidationFailed
from ganchao.workcal import recompute, services
from ganchao.workcal.models import CalendarOverride, CalendarScheduleDay, CalendarYear

D = dt.date
HOLIDAYS_2027 = [
    (D(2027, 1, 1), "元旦"),
    *[(D(2027, 2, 6) + dt.timedelta(days=n), "春节") for n in range(8)],
    *[(D(2027, 10, 1) + dt.timedelta(days=n), "国庆节") for n in range(7)],
]
MAKEUP_2027 = [(D(2027, 2, 20), "春节"), (D(2027, 10, 9), "国庆节")]


@pytest.fixture
def hook_calls():
    calls = []

    def hook(years):
        calls.append((years, workdays.is_provisional_year(2027)))

    recompute.register_recompute(hook)
    yield calls
    recompute.unregister_recompute(hook)


def test_admin_sets_an_override_that_wins_over_the_package(city):
    override = services.calendar_override_set(
        actor=city.admin, date=D(2026, 10, 5), is_working_day=True, note="防汛值守"
    )
    assert override.is_working_day and override.note == "防汛值守"
    assert workdays.is_working_day(D(2026, 10, 5)) is True
    event = AuditEvent.objects.get(action="calendar.override_set")
    assert event.actor_username == "city_admin"
    assert event.changes["is_working_day"] == {"before": None, "after": True}


def test_setting_an_override_again_updates_it_and_records_the_change(city):
    services.calendar_override_set(actor=city.admin, date=D(2026, 10, 9), is_working_day=True)
    services.calendar_override_set(
        actor=city.admin, date=D(2026, 10, 9), is_working_day=False, note="停电"
    )
    assert CalendarOverride.objects.get().is_working_day is False
    assert workdays.is_working_day(D(2026, 10, 9)) is False
    last = AuditEvent.objects.filter(action="calendar.override_set").order_by("-seq").first()
    assert last.changes == {
        "is_working_day": {"before": True, "after": False},
        "note": {"before": "", "after": "停电"},
    }


def test_an_override_wins_over_the_fallback_too(city):
    services.calendar_override_set(actor=city.admin, date=D(2027, 1, 1), is_working_day=True)
    assert workdays.is_working_day(D(2027, 1, 1)) is True


def test_removing_an_override_restores_the_package(city):
    services.calendar_override_set(actor=city.admin, date=D(2026, 10, 5), is_working_day=True)
    services.calendar_override_remove(actor=city.admin, date=D(2026, 10, 5))
    assert not CalendarOverride.objects.exists()
    assert workdays.is_working_day(D(2026, 10, 5)) is False
    assert AuditEvent.objects.filter(action="calendar.override_remove").count() == 1
    with pytest.raises(NotFound):
        services.calendar_override_remove(actor=city.admin, date=D(2026, 10, 5))


def test_only_system_admins_change_the_calendar(city):
    with pytest.raises(Forbidden):
        services.calendar_override_set(actor=city.office, date=D(2026, 10, 5), is_working_day=True)
    with pytest.raises(Forbidden):
        services.calendar_year_confirm(actor=city.liaison_a, year=2027, holidays=HOLIDAYS_2027)
    assert not CalendarOverride.objects.exists() and not CalendarYear.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


def test_the_system_may_change_the_calendar(city):
    services.calendar_override_set(actor=None, date=D(2026, 10, 5), is_working_day=True)
    assert AuditEvent.objects.get(action="calendar.override_set").actor_name == "系统"


def test_entering_2027_ends_the_fallback(city):
    assert workdays.is_provisional_year(2027)
    calendar_year = services.calendar_year_confirm(
        actor=city.admin,
        year=2027,
        holidays=HOLIDAYS_2027,
        makeup_days=MAKEUP_2027,
        note="国办发明电〔2026〕1号",
    )
    assert calendar_year.days.count() == len(HOLIDAYS_2027) + len(MAKEUP_2027)
    assert workdays.is_provisional_year(2027) is False
    assert workdays.is_working_day(D(2027, 2, 8)) is False
    assert workdays.is_working_day(D(2027, 2, 20)) is True
    assert workdays.is_working_day(D(2027, 5, 3)) is True  # not in the list: Monday
    assert workdays.add_working_days_info(D(2026, 12, 30), 3).provisional is False
    event = AuditEvent.objects.get(action="calendar.year_set")
    assert event.object_name == "2027年"
    assert "2027-02-06 春节" in event.changes["holidays"]["after"]


def test_entering_a_year_again_replaces_its_schedule(city):
    services.calendar_year_confirm(actor=city.admin, year=2027, holidays=HOLIDAYS_2027)
    services.calendar_year_confirm(actor=city.admin, year=2027, holidays=[D(2027, 1, 1)])
    assert list(CalendarScheduleDay.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert workdays.is_working_day(D(2027, 2, 8)) is True


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": 2026, "holidays": [D(2026, 1, 1)]}, "year"),
        ({"year": 2027, "holidays": []}, "holidays"),
        ({"year": 2027, "holidays": [D(2028, 1, 1)]}, "holidays"),
        (
            {"year": 2027, "holidays": [D(2027, 1, 1)], "makeup_days": [D(2027, 1, 1)]},
            "makeup_days",
        ),
        (
            {"year": 2027, "holidays": [D(2027, 1, 1)], "makeup_days": [D(2027, 2, 3)]},
            "makeup_days",
        ),
        ({"year": 1999, "holidays": [D(1999, 1, 1)]}, "year"),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_changes(city, kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_year_confirm(actor=city.admin, **kwargs)
    assert field in [error.field for error in caught.value.errors]
    assert not CalendarYear.objects.exists()
    assert workdays.is_provisional_year(2027)


def test_recompute_hooks_run_on_commit_with_the_new_calendar(
    city, hook_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_year_confirm(actor=city.admin, year=2027, holidays=HOLIDAYS_2027)
        assert hook_calls == []  # not before the commit
    assert hook_calls == [(frozenset({2027}), False)]
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_override_set(actor=city.admin, date=D(2026, 10, 5), is_working_day=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_override_remove(actor=city.admin, date=D(2026, 10, 5))
    assert [years for years, _ in hook_calls] == [{2027}, {2026}, {2026}]


def test_recompute_hooks_do_not_run_when_the_transaction_rolls_back(
    city, hook_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.calendar_override_set(
                    actor=city.admin, date=D(2026, 10, 5), is_working_day=True
                )
                raise RuntimeError("later step failed")
        except RuntimeError:
            pass
    assert callbacks == [] and hook_calls == []
    assert not CalendarOverride.objects.exists()


def test_a_failing_hook_does_not_stop_the_others(
    city, hook_calls, django_capture_on_commit_callbacks
):
    def broken(years):
        raise RuntimeError("boom")

    recompute.register_recompute(broken)
    try:
        recompute.unregister_recompute(broken)
        recompute.register_recompute(broken)
        assert recompute.registered_hooks()[-1] is broken
        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_override_set(
                actor=city.admin, date=D(2026, 10, 5), is_working_day=True
            )
    finally:
        recompute.unregister_recompute(broken)
    assert [years for years, _ in hook_calls] == [{2026}]


def test_a_change_inside_a_session_is_seen_at_once(city):
    with workdays.calendar_session():
        assert workdays.is_working_day(D(2026, 10, 5)) is False
        services.calendar_override_set(actor=city.admin, date=D(2026, 10, 5), is_working_day=True)
        assert workdays.is_working_day(D(2026, 10, 5)) is True
