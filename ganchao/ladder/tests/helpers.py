"""Builders for the ladder tests: a red assignment, ticks at explicit moments."""

import datetime as dt

from django.core.management import call_command

from ganchao.common.workcalendar import SHANGHAI
from ganchao.goals.choices import ItemType
from ganchao.goals.tests.status_factories import assign, employment, make_item, make_plan, report


def tick(day: str):
    call_command("tick", "--at", day)


def at(text: str) -> dt.datetime:
    """'2026-05-18 09:00' in Asia/Shanghai."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def red_assignments(city, units=None):
    """Lead assignments of city.town_a (by default) that turn red on 2026-05-11 (the April
    report's due day) and stay red through June (May is reported red too)."""
    plan = make_plan(city.root)
    goal = make_item(plan, "1", ItemType.GOAL)
    result = []
    for n, unit in enumerate(units or [city.town_a], start=1):
        lead = assign(employment(plan, goal, code=f"1.{n}"), unit)
        report(lead, "2026-04", 3600)
        report(lead, "2026-05", 4000)
        result.append(lead)
    return plan, result
