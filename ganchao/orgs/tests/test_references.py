"""Unit references in sheets: code, unique name or alias, or a path (DESIGN.md 3.3)."""

import pytest

from ganchao.conftest import make_unit
from ganchao.orgs.choices import UnitType
from ganchao.orgs.references import (
    UNKNOWN,
    Pending,
    UnitNode,
    UnitResolver,
    Unresolved,
    describe,
    resolve_unit,
)


def tree():
    city = UnitNode("C", "赶超市", "city")
    west = UnitNode("C101", "西湖镇", "town", aliases=["西湖"], parent=city)
    east = UnitNode("C102", "东山镇", "town", parent=city)
    village_w = UnitNode("C101001", "李庄村", "village", parent=west)
    village_e = UnitNode("C102001", "李庄村", "village", parent=east)
    return [city, west, east, village_w, village_e]


def test_by_code_name_and_alias():
    city, west, *_rest = nodes = tree()
    resolver = UnitResolver(nodes)
    assert resolver.resolve("C101") is west
    assert resolver.resolve(" 西湖镇 ") is west
    assert resolver.resolve("西湖") is west
    assert resolver.resolve("赶超市") is city


def test_ambiguous_name_lists_the_candidates():
    resolver = UnitResolver(tree())
    with pytest.raises(Unresolved) as caught:
        resolver.resolve("李庄村")
    assert caught.value.message == (
        "“李庄村”对应多个单位：东山镇/李庄村（C102001）、西湖镇/李庄村（C101001），"
        "请改填单位编码或“上级单位/本单位”这样的路径"
    )


def test_path_references():
    *_rest, village_w, village_e = nodes = tree()
    resolver = UnitResolver(nodes)
    assert resolver.resolve("西湖镇/李庄村") is village_w
    assert resolver.resolve("东山镇／李庄村") is village_e
    assert resolver.resolve("赶超市/西湖/李庄村") is village_w
    assert resolver.resolve("C102/李庄村") is village_e
    with pytest.raises(Unresolved, match="找不到单位“北湖镇/李庄村”"):
        resolver.resolve("北湖镇/李庄村")
    with pytest.raises(Unresolved, match="空的部分"):
        resolver.resolve("西湖镇//李庄村")


def test_not_found():
    with pytest.raises(Unresolved, match="找不到单位“北湖镇”"):
        UnitResolver(tree()).resolve("北湖镇")


def test_a_code_wins_over_a_name():
    city = UnitNode("C", "赶超市", "city")
    named_like_code = UnitNode("X1", "C101", "department", parent=city)
    coded = UnitNode("C101", "西湖镇", "town", parent=city)
    assert UnitResolver([city, named_like_code, coded]).resolve("C101") is coded


def test_unsettled_candidates_are_pending_until_final():
    *_rest, village_w, _village_e = nodes = tree()
    row = UnitNode("", "李庄村", "village", parent=UNKNOWN, row=7, settled=False)
    resolver = UnitResolver([*nodes, row])
    with pytest.raises(Pending):
        resolver.resolve("李庄村", final=False)
    with pytest.raises(Pending):
        resolver.resolve("西湖镇/李庄村", final=False)
    row.merged_into = village_w
    with pytest.raises(Unresolved) as caught:
        resolver.resolve("李庄村")
    assert "（表中第7行）" not in caught.value.message  # the row became the existing unit
    assert resolver.resolve("西湖镇/李庄村") is village_w


def test_describe_names_sheet_rows_without_codes():
    city = UnitNode("C", "赶超市", "city")
    row = UnitNode("", "北湖镇", "town", parent=city, row=12)
    assert describe(row) == "北湖镇（表中第12行）"
    assert describe(city) == "赶超市（C）"


def test_from_database(city):
    resolver = UnitResolver.from_database()
    assert resolver.resolve("统计局").pk == city.stats.pk
    assert resolver.resolve("东山镇/王庄村").pk == city.village_b.pk
    assert resolve_unit("C101001") == city.village_a
    make_unit("李庄村", UnitType.VILLAGE, city.town_b, code="C102009")
    with pytest.raises(Unresolved, match="东山镇/李庄村（C102009）、西湖镇/李庄村（C101001）"):
        resolve_unit("李庄村")
