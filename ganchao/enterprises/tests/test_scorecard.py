"""The scorecards: on-time rates per tier (a tier counts once done or past its deadline), the
median office time to resolve, the average satisfaction; per commissioner and per unit; and the
per-unit rates the assessment can read."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from ganchao.enterprises import selectors, services
from ganchao.enterprises.tests.conftest import local

pytestmark = pytest.mark.django_db


def step(at, run):
    with time_machine.travel(at, tick=False):
        return run()


def test_rates_median_and_satisfaction(ecity):
    liaison = ecity.stats_liaison
    with time_machine.travel(local(2026, 11, 2, 9, 0), tick=False):
        a = ecity.receive(title="甲")
        b = ecity.receive(title="乙")
        c = ecity.receive(title="丙")
    # a: acknowledged in time, planned in time, resolved after 7 office hours, rated 5
    step(local(2026, 11, 2, 10, 0), lambda: services.appeal_acknowledge(actor=liaison, appeal=a))
    step(local(2026, 11, 2, 15, 0), lambda: services.appeal_plan(actor=liaison, appeal=a, plan="p"))
    step(
        local(2026, 11, 3, 9, 0),
        lambda: services.appeal_resolve(actor=liaison, appeal=a, resolution="r"),
    )
    step(
        local(2026, 11, 3, 9, 30), lambda: services.appeal_close(actor=ecity.commissioner, appeal=a)
    )
    _link, token = services.rating_link_issue(actor=ecity.commissioner, appeal=a)
    services.appeal_rate(token=token, rating=5)
    # b: acknowledged late (due 11:00), planned, resolved after 21 office hours, rated 3
    step(local(2026, 11, 2, 14, 30), lambda: services.appeal_acknowledge(actor=liaison, appeal=b))
    step(local(2026, 11, 3, 9, 0), lambda: services.appeal_plan(actor=liaison, appeal=b, plan="p"))
    step(
        local(2026, 11, 5, 9, 0),
        lambda: services.appeal_resolve(actor=liaison, appeal=b, resolution="r"),
    )
    step(
        local(2026, 11, 5, 9, 30), lambda: services.appeal_close(actor=ecity.commissioner, appeal=b)
    )
    _link, token = services.rating_link_issue(actor=ecity.commissioner, appeal=b)
    services.appeal_rate(token=token, rating=3)
    # c: never acknowledged; seen on 4 Nov its acknowledge and plan deadlines have passed
    now = local(2026, 11, 6, 9, 0)
    [row] = selectors.scorecard(ecity.office, by="commissioner", now=now)
    assert row.name == "陈专员" and row.appeals == 3
    assert row.acknowledged_on_time == Decimal("33.3")  # a of a, b, c
    assert row.planned_on_time == Decimal("66.7")  # a, b of a, b, c
    assert row.resolved_on_time == Decimal("100.0")  # c's resolve clock still runs
    assert row.median_hours == Decimal("14.0")  # median of 7 and 21
    assert row.median_days == Decimal("2.0")
    assert row.satisfaction == Decimal("4.00") and row.rated == 2
    [unit_row] = selectors.scorecard(ecity.office, by="unit", now=now)
    assert unit_row.name == "市统计局" and unit_row.appeals == 3
    rates = selectors.unit_service_rates(
        [ecity.stats.pk], start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), now=now
    )
    assert rates[ecity.stats.pk].acknowledged_on_time == Decimal("33.3")
    assert c.pk  # c stays open


def test_scorecard_is_scoped(ecity):
    ecity.receive()
    assert selectors.scorecard(ecity.liaison_b) == []
