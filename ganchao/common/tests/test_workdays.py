"""The working-day calendar (DESIGN.md 3.11): the acceptance figures, the fallback, overrides,
provisional answers, and properties of the pure core checked against a day-by-day oracle."""

import datetime as dt
from decimal import Decimal

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ganchao.common import workdays
from ganchao.common.workcalendar import FALLBACK_HOLIDAYS, SHANGHAI, WorkCalendar, package_knows

D = dt.date
PURE = WorkCalendar()
FAST = settings(max_examples=60, deadline=None)


def at(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


# ---- acceptance figures (the issue's, exactly) -------------------------------------------------


def test_make_up_saturday_is_a_working_day_and_national_day_is_not():
    assert PURE.is_working_day(D(2026, 10, 10)) is True
    assert PURE.is_working_day(D(2026, 10, 5)) is False


def test_five_working_days_after_24_september_2026_is_9_october():
    assert PURE.add_working_days(D(2026, 9, 24), 5) == D(2026, 10, 9)


def test_office_time_across_the_national_day_holiday_is_two_hours():
    spent = PURE.working_time_between(at(2026, 9, 30, 16), at(2026, 10, 8, 9))
    assert spent == dt.timedelta(hours=2)
    assert workdays.micros_to_hours(spent // dt.timedelta(microseconds=1)) == Decimal("2.0")


def test_fallback_for_2027():
    assert PURE.is_working_day(D(2027, 1, 1)) is False
    assert PURE.is_working_day(D(2027, 1, 4)) is True
    assert PURE.is_working_day_info(D(2027, 1, 4)).provisional is True


# ---- semantics ---------------------------------------------------------------------------------


def test_add_working_days_zero_and_negative():
    assert PURE.add_working_days(D(2026, 10, 5), 0) == D(2026, 10, 5)
    assert PURE.add_working_days(D(2026, 10, 9), -5) == D(2026, 9, 24)
    assert PURE.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_working_days_between_counts_a_exclusive_b_inclusive():
    assert PURE.working_days_between(D(2026, 9, 24), D(2026, 10, 9)) == 5
    assert PURE.working_days_between(D(2026, 10, 9), D(2026, 9, 24)) == -5
    assert PURE.working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert PURE.working_days_between(D(2026, 12, 31), D(2027, 1, 4)) == 1


def test_add_working_hours_lands_at_the_end_of_a_session_not_the_next_morning():
    assert PURE.add_working_time(at(2026, 9, 30, 16), Decimal("1.5")) == at(2026, 9, 30, 17, 30)
    assert PURE.add_working_time(at(2026, 9, 30, 16), 2) == at(2026, 10, 8, 9)
    assert PURE.add_working_time(at(2026, 10, 8, 9), -2) == at(2026, 9, 30, 16)
    assert PURE.add_working_time(at(2026, 10, 8, 12, 30), dt.timedelta(minutes=30)) == at(
        2026, 10, 8, 14, 30
    )


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        PURE.working_time_between(dt.datetime(2026, 9, 30, 16), at(2026, 10, 8, 9))


def test_other_time_zones_are_read_in_shanghai_time():
    utc = dt.datetime(2026, 9, 30, 8, 0, tzinfo=dt.UTC)  # 16:00 in Shanghai
    assert PURE.working_time_between(utc, at(2026, 10, 8, 9)) == dt.timedelta(hours=2)
    assert PURE.add_working_time(utc, 1).utcoffset() == dt.timedelta(hours=8)


def test_office_hours_come_from_the_setting_and_bad_ones_are_refused():
    cal = WorkCalendar(office_hours=(("09:00", "17:00"),))
    assert cal.working_time_between(at(2026, 9, 30, 8), at(2026, 9, 30, 20)) == dt.timedelta(
        hours=8
    )
    for bad in ((("12:00", "08:30"),), (("08:30", "12:00"), ("11:00", "13:00")), (("8h", "9h"),)):
        with pytest.raises(ValueError):
            WorkCalendar(office_hours=bad)


def test_package_knows_2026_not_2027():
    assert package_knows(2026) and not package_knows(2027)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))


# ---- overrides, entered schedules, provisional answers ----------------------------------------


def test_overrides_win_over_the_package_and_over_the_fallback():
    cal = WorkCalendar(
        overrides={
            D(2026, 10, 5): True,
            D(2026, 10, 9): False,
            D(2027, 1, 1): True,
            D(2027, 1, 4): False,
        }
    )
    assert cal.is_working_day(D(2026, 10, 5)) and not cal.is_working_day(D(2026, 10, 9))
    assert cal.is_working_day(D(2027, 1, 1)) and not cal.is_working_day(D(2027, 1, 4))
    assert cal.add_working_days(D(2026, 10, 4), 1) == D(2026, 10, 5)


def test_an_entered_year_replaces_the_fallback_and_is_no_longer_provisional():
    entered = {2027: {D(2027, 2, 8): (False, "春节"), D(2027, 2, 20): (True, "春节")}}
    cal = WorkCalendar(entered=entered, overrides={D(2027, 2, 9): False})
    assert not cal.is_provisional(2027)
    assert cal.is_working_day(D(2027, 10, 1)) is True  # no fixed-date fallback any more
    assert cal.is_working_day(D(2027, 2, 8)) is False
    assert cal.is_working_day(D(2027, 2, 20)) is True
    assert cal.is_working_day(D(2027, 2, 9)) is False  # the override still wins
    assert not cal.add_working_days_info(D(2026, 12, 30), 5).provisional


def test_answers_report_the_provisional_years_they_touch():
    assert PURE.add_working_days_info(D(2026, 9, 24), 5).provisional_years == frozenset()
    assert PURE.add_working_days_info(D(2026, 12, 30), 3).provisional_years == {2027}
    assert PURE.add_working_days_info(D(2027, 1, 4), 0).provisional is False
    assert PURE.working_days_between_info(D(2026, 1, 1), D(2026, 12, 31)).provisional is False
    assert PURE.working_days_between_info(D(2026, 12, 31), D(2027, 1, 1)).provisional is True
    assert PURE.working_time_between_info(at(2026, 12, 31, 9), at(2027, 1, 1)).provisional is False
    assert PURE.working_time_between_info(at(2026, 12, 31, 9), at(2027, 1, 1, 9)).provisional
    assert PURE.add_working_time_info(at(2026, 12, 31, 17), 1).provisional_years == {2027}


def test_year_days_kinds():
    days = {day.date: day for day in WorkCalendar(overrides={D(2026, 10, 5): True}).year_days(2026)}
    assert days[D(2026, 10, 10)].kind == "makeup" and days[D(2026, 10, 10)].name == "国庆节"
    assert days[D(2026, 10, 6)].kind == "holiday"
    assert days[D(2026, 10, 5)].kind == "override_workday"
    assert days[D(2026, 10, 5)].base_kind == "holiday"
    assert days[D(2026, 10, 17)].kind == "weekend" and days[D(2026, 10, 16)].kind == "workday"
    fallback = {day.date: day for day in PURE.year_days(2027)}
    assert [d for d, day in fallback.items() if day.kind == "holiday"] == [
        D(2027, month, day) for month, day in sorted(FALLBACK_HOLIDAYS)
    ]


# ---- properties against a day-by-day oracle ----------------------------------------------------

days_st = st.dates(D(2024, 1, 1), D(2028, 12, 31))
overrides_st = st.dictionaries(days_st, st.booleans(), max_size=25)
entered_st = st.one_of(
    st.just({}),
    st.builds(
        lambda holidays: {2027: dict.fromkeys(holidays, (False, ""))},
        st.sets(st.dates(D(2027, 1, 1), D(2027, 12, 31)), max_size=20),
    ),
)
moments_st = st.datetimes(
    dt.datetime(2024, 1, 1), dt.datetime(2028, 12, 31), timezones=st.just(SHANGHAI)
)
counts_st = st.integers(-400, 400)


def oracle_working(day: dt.date, overrides, entered) -> bool:
    if day in overrides:
        return overrides[day]
    if package_knows(day.year):
        return chinese_calendar.is_workday(day)
    if day.year in entered:
        return not (day in entered[day.year] or day.weekday() >= 5)
    return (day.month, day.day) not in FALLBACK_HOLIDAYS and day.weekday() < 5


@FAST
@given(overrides_st, entered_st, st.lists(days_st, min_size=1, max_size=20))
def test_is_working_day_matches_the_oracle_and_overrides_always_win(overrides, entered, sample):
    cal = WorkCalendar(overrides=overrides, entered=entered)
    for day in [*sample, *overrides]:
        assert cal.is_working_day(day) is oracle_working(day, overrides, entered)


@FAST
@given(overrides_st, days_st, days_st)
def test_working_days_between_matches_a_day_by_day_count(overrides, a, b):
    cal = WorkCalendar(overrides=overrides)
    lo, hi = sorted((a, b))
    count = sum(
        oracle_working(lo + dt.timedelta(days=n), overrides, {})
        for n in range(1, (hi - lo).days + 1)
    )
    assert cal.working_days_between(a, b) == (count if a <= b else -count)


@FAST
@given(overrides_st, entered_st, days_st, counts_st)
def test_add_working_days_round_trips_and_lands_on_a_working_day(overrides, entered, day, n):
    cal = WorkCalendar(overrides=overrides, entered=entered)
    result = cal.add_working_days(day, n)
    if n == 0:
        assert result == day
        return
    assert cal.is_working_day(result)
    assert (result > day) is (n > 0)
    if n > 0 or cal.is_working_day(day):
        assert cal.working_days_between(day, result) == n


@FAST
@given(overrides_st, days_st, days_st, days_st)
def test_working_days_between_is_additive(overrides, a, b, c):
    cal = WorkCalendar(overrides=overrides)
    assert cal.working_days_between(a, b) + cal.working_days_between(b, c) == (
        cal.working_days_between(a, c)
    )


@FAST
@given(overrides_st, moments_st, moments_st, moments_st)
def test_working_time_between_is_additive_over_splits(overrides, a, b, c):
    cal = WorkCalendar(overrides=overrides)
    assert cal.working_time_between(a, b) + cal.working_time_between(b, c) == (
        cal.working_time_between(a, c)
    )
    assert cal.working_time_between(a, b) == -cal.working_time_between(b, a)


@FAST
@given(overrides_st, moments_st, st.integers(0, 60 * 24 * 40))
def test_working_time_between_matches_a_day_by_day_sum(overrides, start, minutes):
    cal = WorkCalendar(overrides=overrides)
    end = start + dt.timedelta(minutes=minutes)
    expected = dt.timedelta()
    day = start.date()
    while day <= end.date():
        if oracle_working(day, overrides, {}):
            for open_, close in (("08:30", "12:00"), ("14:00", "17:30")):
                lo = dt.datetime.combine(day, dt.time.fromisoformat(open_), tzinfo=SHANGHAI)
                hi = dt.datetime.combine(day, dt.time.fromisoformat(close), tzinfo=SHANGHAI)
                expected += max(dt.timedelta(), min(hi, end) - max(lo, start))
        day += dt.timedelta(days=1)
    assert cal.working_time_between(start, end) == expected
    assert dt.timedelta() <= expected <= end - start


@FAST
@given(overrides_st, moments_st, st.integers(-400 * 60, 400 * 60))
def test_add_working_hours_round_trips_and_stays_in_office_hours(overrides, start, minutes):
    cal = WorkCalendar(overrides=overrides)
    amount = dt.timedelta(minutes=minutes)
    result = cal.add_working_time(start, amount)
    if amount > dt.timedelta():
        assert cal.working_time_between(start, result) == amount
        assert cal.is_working_day(result.date())
        assert cal.working_time_between(result - dt.timedelta(microseconds=1), result) > (
            dt.timedelta()
        )
    elif amount < dt.timedelta():
        assert cal.working_time_between(result, start) == -amount
        assert cal.working_time_between(result, result + dt.timedelta(microseconds=1)) > (
            dt.timedelta()
        )
    else:
        assert result == start


# ---- the current calendar (database-backed) ----------------------------------------------------


@pytest.fixture
def fresh_sessions():
    workdays.end_session(force=True)
    yield
    workdays.end_session(force=True)


@pytest.mark.django_db
def test_module_functions_answer_the_acceptance_figures(fresh_sessions):
    assert workdays.is_working_day(D(2026, 10, 10)) and not workdays.is_working_day(D(2026, 10, 5))
    assert workdays.add_working_days(D(2026, 9, 24), 5) == D(2026, 10, 9)
    assert workdays.working_hours_between(at(2026, 9, 30, 16), at(2026, 10, 8, 9)) == Decimal(2)
    assert workdays.working_time_between(at(2026, 9, 30, 16), at(2026, 10, 8, 9)) == dt.timedelta(
        hours=2
    )
    assert workdays.add_working_hours(at(2026, 9, 30, 16), 2) == at(2026, 10, 8, 9)
    assert not workdays.is_working_day(D(2027, 1, 1)) and workdays.is_working_day(D(2027, 1, 4))
    assert workdays.is_provisional_year(2027) and not workdays.is_provisional_year(2026)
    assert workdays.add_working_days_info(D(2026, 12, 30), 3).provisional


@pytest.mark.django_db
def test_module_functions_read_overrides_and_confirmed_years(fresh_sessions):
    from ganchao.workcal.models import CalendarOverride, CalendarYear

    CalendarOverride.objects.create(date=D(2026, 10, 5), is_working_day=True)
    CalendarOverride.objects.create(date=D(2027, 1, 4), is_working_day=False)
    assert workdays.is_working_day(D(2026, 10, 5)) is True
    assert workdays.is_working_day(D(2027, 1, 4)) is False
    assert workdays.is_working_day_info(D(2027, 1, 5)).provisional is True
    CalendarYear.objects.create(year=2027)
    assert workdays.is_provisional_year(2027) is False
    assert workdays.is_working_day_info(D(2027, 1, 5)).provisional is False


@pytest.mark.django_db
def test_a_session_loads_the_calendar_once(fresh_sessions, django_assert_num_queries):
    with workdays.calendar_session(), django_assert_num_queries(2):  # years, overrides
        for n in range(200):
            workdays.add_working_days(D(2026, 1, 1) + dt.timedelta(days=n), 5)
            workdays.is_provisional_year(2027)
    with django_assert_num_queries(2):
        workdays.is_working_day(D(2026, 1, 5))
