"""Matter colours and the levels 1–2 ladder for matters under `ganchao tick --at`."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from ganchao.common import workdays
from ganchao.supervision import matter_rules as rules
from ganchao.supervision.matter_choices import Source, Urgency
from ganchao.supervision.matter_selectors import light_of
from ganchao.supervision.matter_services import matter_instruct
from ganchao.supervision.matter_steps import matter_receive, matter_respond
from ganchao.supervision.models import Alert

pytestmark = pytest.mark.django_db


def moment(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.fixture
def matter(city):
    # Monday 1 June 2026: receipt due Tue 2 June 09:00, response due Mon 8 June 09:00
    return matter_instruct(
        actor=city.leader_user,
        title="河道整治",
        content="请抓紧落实",
        source=Source.INSTRUCTION,
        urgency=Urgency.NORMAL,
        lead=(city.town_a, "张镇长"),
        at=moment("2026-06-01 09:00"),
    )


def light(matter, at):
    matter.refresh_from_db()
    return light_of(matter, moment(at), workdays.current_calendar())


def test_colours(matter, city):
    # just assigned: its receipt falls due within the day, which alone is not 临期
    assert light(matter, "2026-06-01 09:30") == rules.GREEN
    assert light(matter, "2026-06-02 10:00") == rules.YELLOW  # receipt overdue
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-02 11:00"))
    assert light(matter, "2026-06-03 09:00") == rules.GREEN
    assert light(matter, "2026-06-05 10:00") == rules.YELLOW  # response within 1 working day
    assert light(matter, "2026-06-08 09:01") == rules.RED


def tick(at: str):
    call_command("tick", "--at", at)


def causes():
    return sorted(
        Alert.objects.filter(matter__isnull=False).values_list(
            "level", "trigger", "cause_key", "at"
        )
    )


def test_ladder_over_a_scripted_fortnight_fires_each_cause_once(matter, city):
    tick("2026-06-01T18:00:00+08:00")
    assert causes() == []
    tick("2026-06-03T10:00:00+08:00")  # receipt one working day late
    first = causes()
    assert [(c[0], c[1]) for c in first] == [(2, "matter_receipt_late")]
    tick("2026-06-03T16:00:00+08:00")
    assert causes() == first
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-03 17:00"))
    tick("2026-06-04T10:00:00+08:00")  # response due Mon 8 June 09:00: within 2 working days
    assert [(c[0], c[1]) for c in causes()] == [
        (1, "matter_response_due_soon"),
        (2, "matter_receipt_late"),
    ]
    tick("2026-06-08T17:00:00+08:00")  # late but not yet by a full working day
    assert len(causes()) == 2
    tick("2026-06-09T10:00:00+08:00")
    tick("2026-06-10T10:00:00+08:00")
    final = causes()
    assert [(c[0], c[1]) for c in final] == [
        (1, "matter_response_due_soon"),
        (2, "matter_receipt_late"),
        (2, "matter_response_late"),
    ]
    assert final[2][3] == moment("2026-06-09 10:00")
    # a tick run again at an earlier moment adds nothing new and edits nothing
    tick("2026-06-09T10:00:00+08:00")
    assert causes() == final


def test_substantive_answer_stops_the_ladder(matter, city):
    matter_receive(actor=city.liaison_a, matter_id=matter.pk, at=moment("2026-06-01 10:00"))
    matter_respond(
        actor=city.liaison_a,
        matter_id=matter.pk,
        kind="progress",
        text="已完成排查整改，共清理河道淤泥三百二十方，新建护坡两处。",
        at=moment("2026-06-02 10:00"),
    )
    tick("2026-06-10T10:00:00+08:00")
    assert causes() == []


def test_assignment_alerts_keep_their_own_unique_cause(matter):
    assert Alert._meta.get_field("matter").null
    names = {c.name for c in Alert._meta.constraints}
    assert {"alert_cause_unique", "alert_matter_cause_unique"} <= names
