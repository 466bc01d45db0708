"""A link is shown only to those who may open it (issue 9 item 7): the navigation of every role
opens, the "calendar to confirm" badge and banner go to those who can enter the holidays, the
others see a note beside each provisional deadline, and a visit names its leader without a
link the reader cannot follow."""

import datetime as dt
import re

import pytest
from django.template import Context, Template

from ganchao.visits.tests.factories import record_visit

pytestmark = pytest.mark.django_db

BANNER = "2027年的法定节假日安排尚未录入"
NOTE = "暂按常规工作日推算"


def _users(city):
    return {
        "系统管理员": city.admin,
        "安全管理员": city.security,
        "审计管理员": city.auditor,
        "督查室": city.office,
        "市级领导": city.leader_user,
        "镇联络员": city.liaison_a,
        "村联络员": city.village_a_user,
    }


def _nav_links(html: str) -> list[str]:
    sidebar = html.split('id="sidebar-menu"', 1)[1].split("</aside>", 1)[0]
    return re.findall(r'class="nav-link" href="([^"]+)"', sidebar)


def test_every_role_can_open_every_entry_of_its_navigation(city, login, pinned_clock):
    broken = []
    for role, user in _users(city).items():
        client = login(user)
        home = client.get("/", follow=True)
        links = _nav_links(home.content.decode())
        assert links, role
        for url in links:
            status = client.get(url, follow=True).status_code
            if status != 200:
                broken.append(f"{role} {url}: {status}")
    assert broken == []


def test_the_calendar_badge_and_banner_go_to_the_system_administrator_only(
    city, login, pinned_clock
):
    page = login(city.admin).get("/orgs/units/").content.decode()
    assert BANNER in page
    assert 'href="/calendar/?year=2027"' in page and "日历待确认" in page
    assert 'href="/calendar/?year=2027#year-form"' in page
    assert login(city.admin).get("/calendar/?year=2027").status_code == 200
    for user in (city.auditor, city.office, city.liaison_a, city.leader_user):
        page = login(user).get("/", follow=True).content.decode()
        assert BANNER not in page and "日历待确认" not in page, user.username


def test_a_provisional_deadline_carries_a_note_and_a_firm_one_does_not(city, pinned_clock):
    template = Template("{% load workcal %}{% provisional_note due %}|{% provisional_note a b %}")
    both = template.render(Context({"due": dt.date(2027, 1, 8), "a": None, "b": None}))
    assert NOTE in both.split("|")[0] and both.split("|")[1] == ""
    firm = template.render(
        Context({"due": dt.date(2026, 12, 8), "a": dt.date(2026, 1, 1), "b": None})
    )
    assert NOTE not in firm


def test_a_visit_links_its_leader_only_for_those_who_may_open_the_leader_page(city, login):
    visit = record_visit(city)
    leader_url = f"/visits/leaders/{city.leader.pk}/"
    liaison_page = login(city.liaison_a).get(f"/visits/{visit.pk}/").content.decode()
    assert city.leader.name in liaison_page and leader_url not in liaison_page
    assert login(city.liaison_a).get(leader_url).status_code == 404
    office_page = login(city.office).get(f"/visits/{visit.pk}/").content.decode()
    assert f'href="{leader_url}"' in office_page
    assert login(city.office).get(leader_url).status_code == 200


def test_a_public_page_names_the_platform_and_offers_to_sign_in(city, client):
    page = client.get("/assessment/public/").content.decode()
    assert "赶超市人民政府 · 赶超工作平台" in page
    assert 'href="/accounts/login/"' in page
    assert 'href="/about/"' not in page  # the about page needs an account


def test_the_calendar_page_says_it_once(city, login, pinned_clock):
    page = login(city.admin).get("/calendar/?year=2027").content.decode()
    assert page.count("gc-provisional") == 0  # the page's own status block says it
    assert "2027年：临时推算" in page
