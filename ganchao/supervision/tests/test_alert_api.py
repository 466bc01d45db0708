"""API twin of the alert page (issue 9 item 11): alerts read in scope and a 催办 answered in
writing through the same service; query count pinned on the list."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.common.tests.api_client import TokenApi
from ganchao.goals.choices import ItemType
from ganchao.goals.tests.status_factories import assign, employment, make_item, make_plan, report
from ganchao.supervision.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def urge(city):
    plan = make_plan(city.root)
    goal = make_item(plan, "1", ItemType.GOAL)
    lead = assign(employment(plan, goal), city.town_a)
    report(lead, "2026-04", 3600)
    call_command("tick", "--at", "2026-05-11")
    return Alert.objects.get(level=2)


def test_alerts_in_scope_and_open_urges(city, urge):
    body = TokenApi(city.liaison_a).get("/alerts", status="open").json()
    assert [(a["id"], a["level"], a["unit_code"]) for a in body["items"]] == [(urge.pk, 2, "C101")]
    assert body["items"][0]["at"].endswith("+08:00")
    assert TokenApi(city.liaison_b).get("/alerts").json()["count"] == 0
    assert TokenApi(city.liaison_b).get(f"/alerts/{urge.pk}").status_code == 404


def test_a_unit_answers_an_urge_once(city, urge):
    api = TokenApi(city.liaison_a)
    empty = api.post(f"/alerts/{urge.pk}/respond", {"response": " "})
    assert empty.status_code == 422
    assert empty.json()["errors"] == [{"field": "response", "message": "书面说明：请填写"}]
    done = api.post(f"/alerts/{urge.pk}/respond", {"response": "受季节影响，已加快招聘。"})
    assert done.status_code == 200, done.content
    assert done.json()["responded_at"].endswith("+08:00")
    again = api.post(f"/alerts/{urge.pk}/respond", {"response": "再说明"})
    assert again.status_code == 409
    other = TokenApi(city.liaison_b).post(f"/alerts/{urge.pk}/respond", {"response": "x"})
    assert other.status_code == 404


def test_the_alert_list_runs_a_fixed_number_of_queries(city, urge):
    api = TokenApi(city.office)
    api.get("/alerts")
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/alerts").status_code == 200
    assert len(captured) <= 6


def test_the_administrators_and_the_office_may_see_an_urge_but_not_answer_it(city, urge):
    """Reading every unit is not answering for it: 403 to the office, the alert unanswered; the
    administrators read no business data at all (三员分立): 404, as for any alert out of scope."""
    refused = TokenApi(city.office).post(f"/alerts/{urge.pk}/respond", {"response": "代为说明"})
    assert refused.status_code == 403, refused.content
    assert refused.json()["message"] == "只有被催办单位可以书面说明"
    for user in (city.admin, city.security):
        hidden = TokenApi(user).post(f"/alerts/{urge.pk}/respond", {"response": "代为说明"})
        assert hidden.status_code == 404, (user.username, hidden.content)
        assert TokenApi(user).get(f"/alerts/{urge.pk}").status_code == 404
    urge.refresh_from_db()
    assert urge.responded_at is None and urge.response == ""
