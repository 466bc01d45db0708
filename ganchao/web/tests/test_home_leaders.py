"""The home page's 市级领导 card for unit users: the leaders of their own city with the number
of units each is in charge of, not the first dozen of every city in a province."""

import pytest

from ganchao.conftest import make_unit, make_user
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.models import Leader, LeaderArea

pytestmark = pytest.mark.django_db


def _province():
    province = make_unit("云江省", UnitType.PROVINCE, code="P")
    cities = []
    for n, name in ((1, "江川市"), (2, "澄阳市")):
        city = make_unit(name, UnitType.CITY, province, code=f"P{n}")
        office = make_unit(f"{name}政府办", UnitType.DEPARTMENT, city, code=f"P{n}01")
        towns = [make_unit(f"{name}{t}镇", UnitType.TOWN, city, code=f"P{n}T{t}") for t in (1, 2)]
        cities.append((city, office, towns))
    return cities


def _leader(name, title, *units, account_unit=None):
    leader = Leader.objects.create(name=name, title=title)
    for unit in units:
        LeaderArea.objects.create(leader=leader, unit=unit, start_date="2026-01-01")
    if account_unit is not None:
        make_user(f"u_{name}", account_unit, Role.LEADER, leader=leader)
    return leader


def test_a_town_liaison_sees_the_leaders_of_their_own_city(login):
    """Given two cities with their own vice-mayors, and a mayor in charge of no unit whose
    account is in the first city. When a town liaison of the first city opens the home page,
    Then the card counts and lists that city's three leaders with their units, none of the
    other city's."""
    (city1, office1, towns1), (city2, office2, towns2) = _province()
    _leader("甲副市长", "副市长", *towns1)
    _leader("乙副市长", "副市长", towns1[0])
    _leader("丙市长", "市长", account_unit=office1)
    _leader("丁副市长", "副市长", *towns2)
    _leader("戊副市长", "副市长", towns2[1], office2)
    liaison = make_user("p1t1_liaison", towns1[0], Role.LIAISON)
    page = login(liaison).get("/").content.decode()
    card = page.split("市级领导", 1)[1]
    assert '<div class="h1">3</div>' in card
    assert "甲副市长" in page and "乙副市长" in page and "丙市长" in page
    assert "丁副市长" not in page and "戊副市长" not in page
    assert "2 个单位" in page and "1 个单位" in page and "0 个单位" in page
