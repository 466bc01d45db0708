"""The demo data set as a pure function of (scale, seed, as-of): no database needed."""

import datetime as dt
from collections import Counter

import pytest

from ganchao.demodata.generator import DEMO_PASSWORD, build
from ganchao.orgs.choices import Role, UnitType, parent_allowed

AS_OF = dt.date(2026, 5, 11)


@pytest.mark.parametrize("scale", ["town", "city", "province"])
def test_same_inputs_give_the_same_rows(scale):
    assert build(scale, 7, AS_OF) == build(scale, 7, AS_OF)
    assert build(scale, 7, AS_OF).digest() == build(scale, 7, AS_OF).digest()


@pytest.mark.parametrize("scale", ["town", "city"])
def test_another_seed_gives_other_names_but_the_same_codes(scale):
    one, two = build(scale, 1, AS_OF), build(scale, 2, AS_OF)
    assert [u.code for u in one.units] == [u.code for u in two.units]
    assert [u.name for u in one.units] != [u.name for u in two.units]
    assert [u.full_name for u in one.users] != [u.full_name for u in two.users]
    assert one.digest() != two.digest()


def test_town_scale_is_one_town_of_about_twenty_villages_under_a_small_city():
    data = build("town", 1, AS_OF)
    types = Counter(u.type for u in data.units)
    assert types[UnitType.CITY] == 1
    assert types[UnitType.TOWN] == 1
    assert types[UnitType.VILLAGE] + types[UnitType.COMMUNITY] == 20
    assert len(data.units) < 40


def test_city_scale_sizes():
    data = build("city", 1, AS_OF)
    types = Counter(u.type for u in data.units)
    assert types[UnitType.CITY] == 1
    assert types[UnitType.DEPARTMENT] == 60
    assert types[UnitType.TOWN] + types[UnitType.STREET] + types[UnitType.PARK] == 15
    assert types[UnitType.VILLAGE] + types[UnitType.COMMUNITY] == 300
    assert len(data.leaders) == 10
    assert {"市长", "常务副市长", "副市长"} <= {leader.title for leader in data.leaders}
    names = {u.name for u in data.units}
    assert {"市委督查室", "市政府办公室", "市财政局", "市统计局"} <= names


def test_province_scale_is_sixteen_cities_of_about_six_thousand_units():
    data = build("province", 1, AS_OF)
    types = Counter(u.type for u in data.units)
    assert types[UnitType.PROVINCE] == 1
    assert types[UnitType.CITY] == 16
    assert 5_800 <= len(data.units) <= 6_500
    assert len({u.username for u in data.users}) == len(data.users)


@pytest.mark.parametrize("scale", ["town", "city", "province"])
def test_tree_is_well_formed(scale):
    data = build(scale, 3, AS_OF)
    seen: dict[str, str] = {}
    for unit in data.units:
        parent_type = seen.get(unit.parent_code) if unit.parent_code else None
        assert unit.parent_code is None or unit.parent_code in seen, "parents come first"
        assert parent_allowed(unit.type, parent_type), unit
        seen[unit.code] = unit.type
    assert len(seen) == len(data.units), "codes are unique"
    siblings = Counter((u.parent_code, u.name) for u in data.units)
    assert max(siblings.values()) == 1, "names are unique among siblings"
    roots = [u for u in data.units if u.parent_code is None]
    assert len(roots) == 1


@pytest.mark.parametrize("scale", ["town", "city", "province"])
def test_every_role_has_a_demo_user(scale):
    data = build(scale, 1, AS_OF)
    held = {role for user in data.users for role in user.roles}
    assert held == set(Role.values)


@pytest.mark.parametrize("scale", ["town", "city"])
def test_office_and_leader_accounts_sit_in_their_offices(scale):
    data = build(scale, 1, AS_OF)
    names = {u.code: u.name for u in data.units}
    for user in data.users:
        if Role.OFFICE in user.roles:
            assert names[user.unit_code] == "市委督查室"
        if Role.LEADER in user.roles:
            assert names[user.unit_code] == "市政府办公室"
            assert user.leader_key is not None


def test_leader_accounts_carry_their_leaders_names_and_areas_start_in_january():
    data = build("city", 1, AS_OF)
    leaders = {leader.key: leader for leader in data.leaders}
    for user in data.users:
        if user.leader_key:
            assert user.full_name == leaders[user.leader_key].name
    assert {area.start_date for area in data.areas} == {dt.date(2026, 1, 1)}
    covered = {area.unit_code for area in data.areas}
    towns = {
        u.code for u in data.units if u.type in (UnitType.TOWN, UnitType.STREET, UnitType.PARK)
    }
    assert towns <= covered


def test_people_are_not_named_twice():
    data = build("province", 1, AS_OF)
    leader_names = [leader.name for leader in data.leaders]
    other_names = [u.full_name for u in data.users if not u.leader_key]
    assert len(set(leader_names + other_names)) == len(leader_names + other_names)


def test_demo_accounts_are_exempt_because_the_demo_password_is_public(db):
    """The demo password is printed for everyone, so the rules refuse it for real accounts
    (issue 12: it was accepted); the seeded demo accounts carry it only as exempt accounts."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from ganchao.orgs.models import User

    with pytest.raises(ValidationError):
        validate_password(DEMO_PASSWORD, User(username="someone"))
