"""The side navigation is kept per role set and page (web.navigation): what a user sees is
still their roles' entries, with the current page's entry marked, on every visit."""

import re

import pytest

pytestmark = pytest.mark.django_db


def current_links(response) -> list[str]:
    text = response.content.decode()
    return re.findall(r'<a class="nav-link" href="([^"]+)" aria-current="page">', text)


def test_the_current_page_is_marked_on_every_visit(city, login):
    client = login(city.liaison_a)
    for _visit in range(2):  # the second round is served from the kept navigation
        assert current_links(client.get("/")) == ["/"]
        assert current_links(client.get("/goals/workbench/")) == ["/goals/workbench/"]
        assert current_links(client.get("/orgs/units/")) == ["/orgs/units/"]
        assert current_links(client.get("/about/")) == []


def test_users_with_other_roles_see_their_own_entries_on_the_same_page(city, login):
    liaison = login(city.liaison_a).get("/supervision/alerts/").content.decode()
    office = login(city.office).get("/supervision/alerts/").content.decode()
    assert "我的工作台" in liaison and "进展审核" not in liaison
    assert "进展审核" in office and "我的工作台" not in office
