"""A matter's light (DESIGN.md 3.9): green when no deadline is overdue; yellow when receipt is
overdue or the response falls due within 1 working day; red when the response is overdue. The
rule is pure (tested on the working-day calendar at its boundaries); then a matter just
assigned through the service reads 正常 on its page and in the API."""

import datetime as dt

import pytest

from ganchao.common.workcalendar import SHANGHAI, WorkCalendar
from ganchao.supervision import matter_rules as rules
from ganchao.supervision.matter_choices import Source, Urgency
from ganchao.supervision.matter_services import matter_instruct

CAL = WorkCalendar()
DAY = dt.timedelta(microseconds=CAL.day_micros)
MINUTE = dt.timedelta(minutes=1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def light(now, *, receipt_due=None, received=False, response_due=None, responded=False):
    return rules.colour(
        open_=True,
        now=now,
        cal=CAL,
        receipt_due=receipt_due,
        received=received,
        response_due=response_due,
        responded=responded,
    )


def assigned(urgency: str, moment: dt.datetime) -> dict:
    return {
        "receipt_due": rules.receipt_due(urgency, moment, CAL),
        "response_due": rules.response_due(urgency, moment, CAL),
    }


@pytest.mark.parametrize("urgency", [Urgency.NORMAL, Urgency.URGENT])
def test_a_matter_just_assigned_is_green(urgency):
    moment = at("2026-06-01T09:00")
    assert light(moment, **assigned(urgency, moment)) == rules.GREEN
    # its receipt falls due within the working day, which alone does not make it 临期
    due = assigned(urgency, moment)
    assert CAL.working_time_between(moment, due["receipt_due"]) <= DAY


def test_an_extra_urgent_matter_is_due_within_a_day_from_the_start():
    moment = at("2026-06-01T09:00")
    assert light(moment, **assigned(Urgency.EXTRA_URGENT, moment)) == rules.YELLOW


def test_receipt_overdue_is_yellow_and_receipt_on_time_is_not():
    moment = at("2026-06-01T09:00")
    due = assigned(Urgency.NORMAL, moment)
    assert light(due["receipt_due"], **due) == rules.GREEN
    assert light(due["receipt_due"] + MINUTE, **due) == rules.YELLOW
    assert light(due["receipt_due"] + MINUTE, received=True, **due) == rules.GREEN


def test_response_within_one_working_day_boundary():
    due = at("2026-06-10T15:00")  # a Wednesday
    one_day_before = CAL.add_working_time(due, -DAY)
    assert one_day_before == at("2026-06-09T15:00")
    assert light(one_day_before, response_due=due) == rules.YELLOW
    assert light(one_day_before - MINUTE, response_due=due) == rules.GREEN
    assert light(due, response_due=due) == rules.YELLOW
    assert light(due + MINUTE, response_due=due) == rules.RED
    assert light(due + MINUTE, response_due=due, responded=True) == rules.GREEN


def test_a_weekend_does_not_count_towards_the_working_day():
    due = at("2026-06-08T10:00")  # Monday
    assert light(at("2026-06-05T10:00"), response_due=due) == rules.YELLOW  # Friday
    assert light(at("2026-06-05T09:59"), response_due=due) == rules.GREEN


def test_the_dragon_boat_holiday_is_not_a_working_day():
    assert not CAL.is_working_day(dt.date(2026, 6, 19))  # 端午节
    due = at("2026-06-22T15:00")  # Monday after the holiday
    # Thursday 16:00: 1.5 office hours that day + 4.5 on Monday < 7 hours of one working day
    assert light(at("2026-06-18T16:00"), response_due=due) == rules.YELLOW
    assert light(at("2026-06-17T16:00"), response_due=due) == rules.GREEN


def test_a_long_term_matter_without_a_next_milestone_is_green():
    moment = at("2026-06-01T09:00")
    assert light(moment, receipt_due=rules.receipt_due(Urgency.LONG_TERM, moment, CAL)) == (
        rules.GREEN
    )


def test_not_open_is_grey():
    moment = at("2026-06-01T09:00")
    grey = rules.colour(
        open_=False,
        now=moment,
        cal=CAL,
        receipt_due=None,
        received=False,
        response_due=None,
        responded=False,
    )
    assert grey == rules.GREY


@pytest.mark.django_db
def test_a_new_matter_reads_normal_on_its_page_and_in_the_api(city, login, pinned_clock):
    from ganchao.supervision.tests.test_matter_api import Api

    matter = matter_instruct(
        actor=city.office,
        leader=city.leader,
        title="城区停车难问题",
        content="请西湖镇研究增加停车泊位，按期反馈。",
        source=Source.INSTRUCTION,
        urgency=Urgency.NORMAL,
        lead=(city.town_a, "张镇长"),
    )
    page = login(city.office).get(f"/supervision/matters/{matter.pk}/")
    assert 'id="matter-light">正常<' in page.content.decode()
    body = Api(city.office).get(f"/matters/{matter.pk}").json()
    assert (body["light"], body["light_word"]) == ("green", "正常")
