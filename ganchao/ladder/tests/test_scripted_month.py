"""Acceptance: a scripted month of `ganchao tick --at` climbs the ladder level by level, and
ticking each day twice adds nothing (DESIGN.md 3.9)."""

import datetime as dt

import pytest

from ganchao.common import workdays
from ganchao.goals.choices import ItemType
from ganchao.goals.tests.status_factories import assign, employment, make_item, make_plan, report
from ganchao.ladder import services
from ganchao.ladder.models import BulletinListing, SupervisionNotice, TalkProposal
from ganchao.ladder.tests.helpers import at, tick
from ganchao.orgs.models import LeaderArea
from ganchao.supervision.models import Alert

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "urges": sorted(Alert.objects.filter(level=2).values_list("assignment_id", "cause_key")),
        "proposals": sorted(
            SupervisionNotice.objects.values_list("assignment_id", "trigger", "cause_key")
        ),
        "bulletins": sorted(BulletinListing.objects.values_list("notice_id", "dated", "ordinal")),
        "talks": sorted(TalkProposal.objects.values_list("unit_id", "year", "count")),
    }


def working_days(first: dt.date, last: dt.date):
    cal = workdays.current_calendar()
    day = first
    while day <= last:
        if cal.is_working_day(day):
            yield day
        day += dt.timedelta(days=1)


def test_a_month_of_ticks_climbs_the_ladder_once(city):
    # the fixture dates the leader's area from the real today; pin it to the plan year
    LeaderArea.objects.filter(leader=city.leader).update(start_date=dt.date(2026, 1, 1))
    plan = make_plan(city.root)
    goal = make_item(plan, "1", ItemType.GOAL)
    a = assign(employment(plan, goal, code="1.1"), city.town_a)
    b = assign(employment(plan, goal, code="1.2"), city.town_a)
    for lead in (a, b):
        report(lead, "2026-04", 3600)
        report(lead, "2026-05", 4000)

    def answer_a_urge():
        Alert.objects.filter(assignment=a, level=2).update(
            responded_at=at("2026-05-12 10:00"), response="已加快推进", responded_by=city.liaison_a
        )

    def notice(assignment, trigger):
        return SupervisionNotice.objects.get(assignment=assignment, trigger=trigger)

    actions = {
        dt.date(2026, 5, 12): answer_a_urge,
        dt.date(2026, 5, 18): lambda: services.notice_issue(
            actor=city.office,
            notice_id=notice(b, "urge_unanswered").pk,
            at=at("2026-05-18 09:00"),
        ),
        dt.date(2026, 5, 26): lambda: (
            services.notice_dismiss(
                actor=city.office,
                notice_id=notice(b, "red_ten_days").pk,
                reason="已就同一事项签发督办单",
                at=at("2026-05-26 09:00"),
            ),
            services.notice_issue(
                actor=city.office,
                notice_id=notice(a, "red_ten_days").pk,
                at=at("2026-05-26 09:30"),
            ),
        ),
    }
    events, before = [], snapshot()
    with workdays.calendar_session():
        days = list(working_days(dt.date(2026, 5, 11), dt.date(2026, 6, 30)))
    for day in days:
        if day in actions:
            actions[day]()
        tick(day.isoformat())
        after = snapshot()
        tick(day.isoformat())
        assert snapshot() == after, f"a second tick on {day} added rows"
        for kind in after:
            for row in sorted(set(after[kind]) - set(before[kind])):
                events.append((day.isoformat(), kind, row))
        before = after

    first, second = notice(b, "urge_unanswered"), notice(a, "red_ten_days")
    assert events == [
        ("2026-05-11", "urges", (a.pk, "2026-05-11")),
        ("2026-05-11", "urges", (b.pk, "2026-05-11")),
        # B's 催办 was due on 14 May and never answered; A answered on 12 May
        ("2026-05-15", "proposals", (b.pk, "urge_unanswered", "turned_red:2026-05-11")),
        # 10 working days after red_since (11 May)
        ("2026-05-25", "proposals", (a.pk, "red_ten_days", "2026-05-11")),
        ("2026-05-25", "proposals", (b.pk, "red_ten_days", "2026-05-11")),
        # B's 督办单, issued 18 May, due 25 May, unanswered
        ("2026-05-26", "bulletins", (first.pk, dt.date(2026, 5, 25), 1)),
        # A's 督办单, issued 26 May, due 2 June, unanswered: the unit's second 通报 this year
        ("2026-06-03", "bulletins", (second.pk, dt.date(2026, 6, 2), 2)),
        ("2026-06-03", "talks", (city.town_a.pk, 2026, 2)),
    ]
    assert (first.number, second.number) == ("赶督〔2026〕1号", "赶督〔2026〕2号")
    assert second.response_due == dt.date(2026, 6, 2)
    listing = BulletinListing.objects.get(notice=second)
    assert listing.at == at("2026-06-02 23:59:59")
    assert listing.leader == city.leader
    talk = TalkProposal.objects.get()
    assert talk.leader == city.leader and talk.proposed_at == listing.at
    assert city.leader_user.notifications.filter(kind="bulletin").count() == 2
