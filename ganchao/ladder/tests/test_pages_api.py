"""The 督办台, the notice pages, the printable 督办单 and the API; scope gives 404 outside."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.ladder import escalation, services
from ganchao.ladder.tests.helpers import at, red_assignments
from ganchao.ladder.tests.test_services import propose

pytestmark = pytest.mark.django_db
PINNED_DESK_QUERIES = 15  # session, user, scope, nav and the desk selectors


def issued(city, assignment, key="2026-05-11", day="2026-05-26"):
    return services.notice_issue(
        actor=city.office, notice_id=propose(assignment, key).pk, at=at(f"{day} 09:00")
    )


def populate(city, leads):
    """Proposals, issued notices, bulletins and a talk for each lead assignment."""
    for n, lead in enumerate(leads):
        propose(lead, f"p{n}")
        issued(city, lead, f"a{n}", "2026-05-26")
        issued(city, lead, f"b{n}", "2026-06-01")
    escalation.bulletins_raise(at=at("2026-06-30 23:59:59"))


def desk_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/ladder/desk/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_desk_query_count_does_not_grow_with_the_data(city, login, pinned_clock):
    client = login(city.office)
    _plan, leads = red_assignments(city, [city.town_a, city.town_b, city.village_a])
    populate(city, leads[:1])
    small = desk_queries(client)
    populate(city, leads[1:])
    assert desk_queries(client) == small
    assert small == PINNED_DESK_QUERIES, small


def test_desk_shows_each_list_and_is_404_for_others(city, login):
    _plan, leads = red_assignments(city)
    populate(city, leads)
    page = login(city.office).get("/ladder/desk/").content.decode()
    for text in ("待签发的督办建议（1）", "赶督〔2026〕1号", "通报名单", "约谈建议", "西湖镇"):
        assert text in page
    for user in (city.liaison_a, city.leader_user, city.auditor):
        assert login(user).get("/ladder/desk/").status_code == 404


def test_unit_sees_and_answers_its_notice_others_get_404(city, login):
    _plan, leads = red_assignments(city)
    notice = issued(city, leads[0])
    proposal = propose(leads[0], "later")
    client = login(city.liaison_a)
    assert "赶督〔2026〕1号" in client.get("/ladder/notices/").content.decode()
    assert client.get(f"/ladder/notices/{proposal.pk}/").status_code == 404
    assert client.post(f"/ladder/notices/{notice.pk}/respond/", {"text": ""}).status_code == 422
    response = client.post(f"/ladder/notices/{notice.pk}/respond/", {"text": "已加快推进"})
    assert response.status_code == 302
    assert client.post(f"/ladder/notices/{notice.pk}/accept/").status_code == 403
    other = login(city.liaison_b)
    assert other.get(f"/ladder/notices/{notice.pk}/").status_code == 404
    assert other.get(f"/ladder/notices/{notice.pk}/print/").status_code == 404
    assert other.post(f"/ladder/notices/{notice.pk}/respond/", {"text": "x"}).status_code == 404
    assert other.get("/ladder/notices/999999/").status_code == 404


def test_office_issues_and_dismisses_from_the_pages(city, login, pinned_clock):
    _plan, leads = red_assignments(city)
    first, second = propose(leads[0]), propose(leads[0], "other")
    client = login(city.office)
    assert client.post(f"/ladder/notices/{second.pk}/dismiss/", {"reason": ""}).status_code == 422
    assert (
        client.post(f"/ladder/notices/{second.pk}/dismiss/", {"reason": "重复"}).status_code == 302
    )
    assert (
        client.post(
            f"/ladder/notices/{first.pk}/issue/", {"content": "西湖镇：\n请加快。"}
        ).status_code
        == 302
    )
    assert client.post(f"/ladder/notices/{first.pk}/issue/").status_code == 409
    first.refresh_from_db()
    assert first.number == "赶督〔2026〕1号"


def test_printable_notice_follows_the_official_layout(city, login):
    _plan, leads = red_assignments(city)
    notice = issued(city, leads[0])
    page = login(city.liaison_a).get(f"/ladder/notices/{notice.pk}/print/").content.decode()
    for text in (
        '<p class="organ">市委督查室</p>',
        '<p class="number">赶督〔2026〕1号</p>',
        "red-line",
        "西湖镇：",
        "请于2026年6月2日前书面回复",
        "二〇二六年五月二十六日",
        "ladder/notice_print.css",
    ):
        assert text in page
    # The official layout lives in the page's stylesheet (the CSP allows no inline styles).
    css = (
        Path(__file__).resolve().parents[1] / "static" / "ladder" / "notice_print.css"
    ).read_text()
    assert "@page { size: A4;" in css
    assert "@media print" in css
    proposal = propose(leads[0], "x")
    response = login(city.office).get(f"/ladder/notices/{proposal.pk}/print/")
    assert response.status_code == 302


def test_talk_page_for_the_leader_and_office(city, login):
    _plan, leads = red_assignments(city)
    populate(city, leads)
    from ganchao.ladder.models import TalkProposal

    talk = TalkProposal.objects.get()
    talk.leader = city.leader
    talk.save(update_fields=["leader"])
    leader = login(city.leader_user)
    assert "西湖镇" in leader.get("/ladder/talks/").content.decode()
    bad = leader.post(f"/ladder/talks/{talk.pk}/hold/", {"held_on": "not-a-date", "notes": "x"})
    assert bad.status_code == 422
    assert login(city.liaison_a).get("/ladder/talks/").status_code == 404
    assert (
        login(city.liaison_a).post(f"/ladder/talks/{talk.pk}/dismiss/", {"reason": "x"}).status_code
        == 404
    )
    office = login(city.office)
    assert office.post(f"/ladder/talks/{talk.pk}/dismiss/", {"reason": "已点名"}).status_code == 302
    assert office.post(f"/ladder/talks/{talk.pk}/dismiss/", {"reason": "again"}).status_code == 409


# ---- API ----------------------------------------------------------------------------------------


def test_api_notice_list_and_detail_are_scoped(city, login):
    _plan, leads = red_assignments(city)
    notice = issued(city, leads[0])
    propose(leads[0], "later")
    body = login(city.liaison_a).get("/api/v1/notices").json()
    assert body["count"] == 1 and body["items"][0]["number"] == "赶督〔2026〕1号"
    assert body["items"][0]["response_due"] == "2026-06-02"
    assert body["items"][0]["issued_at"] == "2026-05-26T09:00:00+08:00"
    assert login(city.office).get("/api/v1/notices").json()["count"] == 2
    assert login(city.liaison_b).get(f"/api/v1/notices/{notice.pk}").status_code == 404
    detail = login(city.liaison_a).get(f"/api/v1/notices/{notice.pk}").json()
    assert detail["responses"] == [] and detail["unit_code"] == "C101"


def test_api_respond_accept_return(city, login):
    _plan, leads = red_assignments(city)
    notice = issued(city, leads[0])
    unit, office = login(city.liaison_a), None
    url = f"/api/v1/notices/{notice.pk}"
    empty = unit.post(f"{url}/respond", {"text": ""}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "text"
    ok = unit.post(f"{url}/respond", {"text": "已整改"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["state"] == "answered"
    assert unit.post(f"{url}/accept", {}, content_type="application/json").status_code == 403
    office = login(city.office)
    returned = office.post(f"{url}/return", {"reason": "不具体"}, content_type="application/json")
    assert returned.json()["state"] == "returned"
    assert office.post(f"{url}/accept", {}, content_type="application/json").status_code == 409
    unit = login(city.liaison_a)
    unit.post(f"{url}/respond", {"text": "补充措施"}, content_type="application/json")
    accepted = login(city.office).post(
        f"{url}/accept", {"note": "可"}, content_type="application/json"
    )
    assert accepted.json()["state"] == "accepted"
    assert [r["state"] for r in accepted.json()["responses"]] == ["returned", "accepted"]


def test_api_proposals_for_the_office_only(city, login):
    _plan, leads = red_assignments(city)
    proposal, other = propose(leads[0]), propose(leads[0], "other")
    assert login(city.liaison_a).get("/api/v1/ladder/proposals").status_code == 404
    office = login(city.office)
    assert office.get("/api/v1/ladder/proposals").json()["count"] == 2
    issued_row = office.post(
        f"/api/v1/ladder/proposals/{proposal.pk}/issue", {}, content_type="application/json"
    ).json()
    assert issued_row["number"].startswith("赶督〔") and issued_row["state"] == "issued"
    dismissed = office.post(
        f"/api/v1/ladder/proposals/{other.pk}/dismiss",
        {"reason": "重复"},
        content_type="application/json",
    )
    assert dismissed.json()["state"] == "dismissed"
    assert office.get("/api/v1/ladder/proposals").json()["count"] == 0
    assert (
        office.post(
            "/api/v1/ladder/proposals/abc/issue", {}, content_type="application/json"
        ).status_code
        == 422
    )
    assert office.post(
        f"/api/v1/ladder/proposals/{other.pk}/issue", "not json", content_type="application/json"
    ).status_code in (400, 422)


def test_a_tick_in_the_past_evaluates_red_spells_as_of_then(city):
    """A later tick stored a newer status; ticking an earlier day re-evaluates at that day."""
    from django.core.management import call_command

    _plan, leads = red_assignments(city)
    call_command("tick", "--at", "2026-05-11")
    call_command("tick", "--at", "2026-06-30")
    from ganchao.ladder.models import SupervisionNotice

    SupervisionNotice.objects.all().delete()
    call_command("tick", "--at", "2026-05-22")  # 9 working days: nothing yet
    assert not SupervisionNotice.objects.filter(trigger="red_ten_days").exists()
    call_command("tick", "--at", "2026-05-25")
    assert SupervisionNotice.objects.filter(trigger="red_ten_days").count() == 1


def test_api_an_administrator_may_not_answer_a_unit_s_notice(city):
    """The administrators neither read a unit's notices nor answer them (三员分立): 404, as for
    any notice out of scope."""
    from ganchao.common.tests.api_client import TokenApi

    _plan, leads = red_assignments(city)
    notice = issued(city, leads[0])
    for user in (city.admin, city.security):
        refused = TokenApi(user).post(f"/notices/{notice.pk}/respond", {"text": "代为回复"})
        assert refused.status_code == 404, refused.content
    notice.refresh_from_db()
    assert notice.state == "issued" and not notice.responses.exists()
