"""API twins of the ladder pages (issue 9 item 11): 通报 and 约谈 read, a 约谈 held or
dismissed — the same services as /ladder/talks/; query counts pinned on the lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.ladder.models import TalkProposal
from ganchao.ladder.tests.helpers import red_assignments
from ganchao.ladder.tests.test_pages_api import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(city):
    _plan, leads = red_assignments(city)
    populate(city, leads)
    talk = TalkProposal.objects.get()
    talk.leader = city.leader
    talk.save(update_fields=["leader"])
    return talk


def test_bulletins_and_talks_are_read_in_scope(city, talk):
    office = TokenApi(city.office)
    bulletins = office.get("/ladder/bulletins").json()
    assert bulletins["count"] == 2
    assert {row["unit_code"] for row in bulletins["items"]} == {"C101"}
    assert TokenApi(city.liaison_a).get("/ladder/bulletins").json()["count"] == 2
    assert TokenApi(city.liaison_b).get("/ladder/bulletins").json()["count"] == 0
    talks = TokenApi(city.leader_user).get("/talks").json()
    assert [(t["unit"], t["state"], t["count"]) for t in talks["items"]] == [
        ("西湖镇", "proposed", 2)
    ]
    assert TokenApi(city.liaison_a).get("/talks").json()["count"] == 0
    assert TokenApi(city.liaison_a).get(f"/talks/{talk.pk}").status_code == 404


def test_the_leader_holds_a_talk_and_a_bad_date_is_refused(city, talk):
    api = TokenApi(city.leader_user)
    bad = api.post(f"/talks/{talk.pk}/hold", {"held_on": "2026-01-02", "notes": "约谈镇长"})
    assert bad.status_code == 422 and error_fields(bad) == {"held_on"}
    held = api.post(f"/talks/{talk.pk}/hold", {"held_on": "2026-07-02", "notes": "约谈镇长"})
    assert held.status_code == 200, held.content
    assert (held.json()["state"], held.json()["held_on"]) == ("held", "2026-07-02")
    again = api.post(f"/talks/{talk.pk}/dismiss", {"reason": "x"})
    assert again.status_code == 409


def test_the_office_dismisses_a_talk_a_unit_gets_404(city, talk):
    assert (
        TokenApi(city.liaison_a).post(f"/talks/{talk.pk}/dismiss", {"reason": "x"}).status_code
        == 404
    )
    empty = TokenApi(city.office).post(f"/talks/{talk.pk}/dismiss", {"reason": ""})
    assert empty.status_code == 422
    done = TokenApi(city.office).post(f"/talks/{talk.pk}/dismiss", {"reason": "已点名批评"})
    assert done.status_code == 200 and done.json()["state"] == "dismissed"


def test_the_lists_run_a_fixed_number_of_queries(city, talk):
    api = TokenApi(city.office)
    for path in ("/ladder/bulletins", "/talks"):
        api.get(path)
        with CaptureQueriesContext(connection) as captured:
            assert api.get(path).status_code == 200
        assert len(captured) <= 8, (path, [q["sql"] for q in captured])
