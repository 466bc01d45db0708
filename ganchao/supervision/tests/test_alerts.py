"""Levels 1–2 of the escalation ladder raised by `ganchao tick`, the unit's answer and pages."""

import datetime as dt

import pytest
from django.core.management import call_command

from ganchao.common.errors import Conflict, NotFound, ValidationFailed
from ganchao.goals.choices import ItemType
from ganchao.goals.models import Assignment
from ganchao.goals.tests.status_factories import (
    assign,
    employment,
    make_item,
    make_plan,
    milestone,
    moment,
    report,
)
from ganchao.notifications.models import Notification
from ganchao.orgs.choices import Role
from ganchao.supervision import selectors, services
from ganchao.supervision.models import Alert

pytestmark = pytest.mark.django_db


def tick(day: str):
    call_command("tick", "--at", day)


@pytest.fixture
def plan_with_lead(city):
    plan = make_plan(city.root)
    goal = make_item(plan, "1", ItemType.GOAL)
    lead = assign(employment(plan, goal), city.town_a)
    return plan, lead


def causes():
    return sorted(Alert.objects.values_list("level", "trigger", "cause_key"))


def test_yellow_gives_a_reminder_once_and_notifies_the_unit(city, plan_with_lead):
    _plan, lead = plan_with_lead
    report(lead, "2026-04", 4000)
    tick("2026-05-11")
    tick("2026-05-11")
    assert causes() == [(1, "turned_yellow", "2026-04")]
    alert = Alert.objects.get()
    assert alert.at == moment("2026-05-11")
    assert alert.unit == city.town_a and alert.response_due is None
    notified = Notification.objects.filter(alert=alert)
    assert [n.user for n in notified] == [city.liaison_a]
    lead.refresh_from_db()
    assert lead.status == "yellow"


def test_red_gives_an_urge_with_three_working_days_to_answer(plan_with_lead):
    _plan, lead = plan_with_lead
    report(lead, "2026-04", 3600)
    tick("2026-05-11")
    alert = Alert.objects.get()
    assert (alert.level, alert.trigger, alert.cause_key) == (2, "turned_red", "2026-05-11")
    assert alert.response_due == dt.date(2026, 5, 14)


def test_report_due_soon_and_late(plan_with_lead):
    _plan, lead = plan_with_lead
    report(lead, "2026-03", 3000)
    tick("2026-05-07")  # April's report is due 11 May, 3 working days away
    assert causes() == []
    tick("2026-05-08")  # 2 working days away (Saturday 9 May is a make-up working day)
    assert causes() == [(1, "report_due_soon", "2026-04")]
    tick("2026-05-11")  # due today, missing: not reported, but not yet late
    assert len(causes()) == 1
    tick("2026-05-12")
    assert causes() == [(1, "report_due_soon", "2026-04"), (2, "report_late", "2026-04")]
    urge = Alert.objects.get(level=2)
    assert urge.response_due == dt.date(2026, 5, 15)


def test_task_red_urged_once_per_red_spell(city):
    plan = make_plan(city.root)
    task = make_item(plan, "1", ItemType.TASK)
    milestone(task, dt.date(2026, 9, 24))
    lead = assign(task, city.town_a)
    for month in range(1, 10):
        report(lead, f"2026-{month:02d}")
    tick("2026-09-30")
    tick("2026-10-10")
    tick("2026-10-12")
    assert causes() == [(1, "turned_yellow", "2026-08"), (2, "turned_red", "2026-10-10")]


def test_a_tick_before_the_last_one_keeps_the_stored_status(plan_with_lead):
    _plan, lead = plan_with_lead
    report(lead, "2026-04", 4200)
    tick("2026-05-11")
    report(lead, "2026-03", 1000)
    tick("2026-04-09")
    lead.refresh_from_db()
    assert (lead.status, lead.status_period) == ("green", "2026-04")
    assert (2, "turned_red", "2026-04-08") in causes()


def test_cooperating_units_get_no_alerts(city, plan_with_lead):
    _plan, lead = plan_with_lead
    helper = assign(lead.item, city.town_b, role="cooperating")
    tick("2026-05-12")
    assert not Alert.objects.filter(assignment=helper).exists()


def test_unit_answers_an_urge(city, plan_with_lead):
    _plan, lead = plan_with_lead
    report(lead, "2026-04", 3600)
    tick("2026-05-11")
    alert = Alert.objects.get()
    with pytest.raises(NotFound):
        services.alert_respond(actor=city.liaison_b, alert_id=alert.pk, response="说明")
    with pytest.raises(ValidationFailed):
        services.alert_respond(actor=city.liaison_a, alert_id=alert.pk, response="  ")
    services.alert_respond(
        actor=city.liaison_a, alert_id=alert.pk, response="受季节影响，已加快招聘。"
    )
    alert.refresh_from_db()
    assert alert.responded_by == city.liaison_a and alert.response.startswith("受季节")
    with pytest.raises(Conflict):
        services.alert_respond(actor=city.liaison_a, alert_id=alert.pk, response="再说明")


def test_alerts_for_assignment_is_scoped(city, plan_with_lead):
    _plan, lead = plan_with_lead
    report(lead, "2026-04", 4000)
    tick("2026-05-11")
    lead = Assignment.objects.select_related("unit").get(pk=lead.pk)
    assert len(selectors.alerts_for_assignment(city.office, lead)) == 1
    assert len(selectors.alerts_for_assignment(city.liaison_a, lead)) == 1
    with pytest.raises(NotFound):
        selectors.alerts_for_assignment(city.liaison_b, lead)


def test_alert_pages(city, plan_with_lead, login):
    _plan, lead = plan_with_lead
    report(lead, "2026-04", 3600)
    tick("2026-05-11")
    alert = Alert.objects.get()
    client = login(city.office)
    page = client.get("/supervision/alerts/?level=2&status=open&unit=C101")
    assert page.status_code == 200 and "严重滞后" in page.content.decode()
    assert "新增城镇就业" in client.get("/supervision/alerts/?level=2").content.decode()
    assert "新增城镇就业" not in client.get("/supervision/alerts/?level=1").content.decode()
    client = login(city.liaison_b)
    assert client.get(f"/supervision/alerts/{alert.pk}/").status_code == 404
    client = login(city.liaison_a)
    bad = client.post(f"/supervision/alerts/{alert.pk}/respond/", {"response": ""})
    assert bad.status_code == 422 and "书面说明：请填写" in bad.content.decode()
    done = client.post(f"/supervision/alerts/{alert.pk}/respond/", {"response": "已整改"})
    assert done.status_code == 302
    assert "已整改" in client.get(f"/supervision/alerts/{alert.pk}/").content.decode()


def test_alert_list_query_count_is_bounded(city, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = make_plan(city.root)
    goal = make_item(plan, "1", ItemType.GOAL)
    client = login(city.office)
    counts = []
    for start, size in ((0, 2), (2, 6)):
        for n in range(start, start + size):
            assign(employment(plan, goal, f"1.{n + 1}"), city.town_a)
        tick(f"2026-05-{12 + start}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/supervision/alerts/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_unit_head_also_notified(city, plan_with_lead):
    from ganchao.conftest import make_user

    head = make_user("town_a_head", city.town_a, Role.UNIT_HEAD)
    _plan, lead = plan_with_lead
    report(lead, "2026-04", 4000)
    tick("2026-05-11")
    assert set(Notification.objects.values_list("user", flat=True)) == {city.liaison_a.pk, head.pk}
