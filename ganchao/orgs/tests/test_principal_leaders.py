"""Principal leaders (主要领导: the 市长 and the 市委书记) read their whole city — and only their
city, not the province — while other leaders read their areas (DESIGN.md part 1 "Users")."""

import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ganchao.audit.models import AuditEvent
from ganchao.conftest import make_unit, make_user
from ganchao.orgs import services
from ganchao.orgs.choices import Role, UnitType
from ganchao.orgs.exports import unit_sheet_export
from ganchao.orgs.imports import unit_sheet_import
from ganchao.orgs.models import Leader, LeaderArea, Unit
from ganchao.orgs.scoping import ancestor_paths, scope_of
from ganchao.orgs.tests.sheets import unit_sheet

pytestmark = pytest.mark.django_db
CITY_ROW = [["C101", "西湖镇", "赶超市", "镇", "", "", 0]]


def run(data):
    return unit_sheet_import(actor=None, data=data, filename="单位表.xlsx")


def _mayor(city, *, principal=True):
    mayor = Leader.objects.create(name="王市长", title="市长", principal=principal)
    LeaderArea.objects.create(leader=mayor, unit=city.stats, start_date="2026-01-01")
    return make_user("mayor", city.gov_office, Role.LEADER, leader=mayor)


def test_ancestor_paths():
    assert ancestor_paths("/0001/0007/0009/") == ["/0001/", "/0001/0007/", "/0001/0007/0009/"]


def test_a_principal_leader_reads_the_whole_city(city):
    scope = scope_of(_mayor(city))
    assert scope.is_principal
    readable = set(Unit.objects.filter(scope.units_q()).values_list("code", flat=True))
    assert readable == set(Unit.objects.values_list("code", flat=True))
    assert not scope.covers_path(city.village_b.path, write=True)  # reading is not writing


def test_an_unmarked_mayor_and_a_vice_mayor_read_only_their_areas(city):
    for user in (_mayor(city, principal=False), city.leader_user):
        scope = scope_of(user)
        assert not scope.is_principal
        assert not scope.covers_path(city.root.path)
    assert scope_of(city.leader_user).covers_path(city.village_a.path)
    assert not scope_of(city.leader_user).covers_path(city.village_b.path)


def test_a_principal_leader_reads_their_city_not_the_province(db):
    province = make_unit("云江省", UnitType.PROVINCE, code="P")
    cities = [make_unit(n, UnitType.CITY, province, code=f"P{i}") for i, n in ((1, "江川市"), (2, "澄阳市"))]  # fmt: skip
    offices = [
        make_unit("市政府办公室", UnitType.DEPARTMENT, c, code=f"{c.code}D01") for c in cities
    ]
    towns = [make_unit("东城街道", UnitType.STREET, c, code=f"{c.code}T01") for c in cities]
    mayor = Leader.objects.create(name="江川市长", title="市长", principal=True)
    user = make_user("p1_mayor", offices[0], Role.LEADER, leader=mayor)
    scope = scope_of(user)
    assert scope.city_paths == (cities[0].path,)
    assert scope.covers_path(towns[0].path) and scope.covers_path(cities[0].path)
    assert not scope.covers_path(towns[1].path)
    assert not scope.covers_path(province.path)


def test_leader_create_marks_the_principal_leaders_by_title_unless_told(city):
    assert services.leader_create(actor=city.admin, name="甲", title="市长").principal
    assert services.leader_create(actor=city.admin, name="乙", title="市委书记").principal
    assert not services.leader_create(actor=city.admin, name="丙", title="副市长").principal
    assert not services.leader_create(
        actor=city.admin, name="丁", title="市长", principal=False
    ).principal
    leader = services.leader_update(actor=city.admin, leader=city.leader, principal=True)
    assert Leader.objects.get(pk=leader.pk).principal
    event = AuditEvent.objects.filter(action="leader.update").latest("pk")
    assert "principal" in str(event.changes)


def test_the_leader_form_sets_the_mark(city, login):
    client = login(city.admin)
    response = client.post(
        f"/orgs/leaders/{city.leader.pk}/",
        {"name": city.leader.name, "title": "市长", "principal": "on", "sort_order": 0},
    )
    assert response.status_code == 302
    assert Leader.objects.get(pk=city.leader.pk).principal
    page = client.get(f"/orgs/leaders/{city.leader.pk}/").content.decode()
    assert "主要领导" in page


def test_the_leaders_api_shows_the_mark(city, login):
    mayor = _mayor(city)
    assert login(mayor).get("/api/v1/me").json()["principal"] is True
    assert login(city.leader_user).get("/api/v1/me").json()["principal"] is False
    rows = login(city.liaison_a).get("/api/v1/leaders").json()["items"]
    assert {row["name"]: row["principal"] for row in rows} == {"周明远": False, "王市长": True}


def test_the_leader_sheet_carries_the_mark_and_round_trips(city):
    _mayor(city)
    book = load_workbook(io.BytesIO(unit_sheet_export()))
    rows = list(book["领导分工"].values)
    assert rows[0] == ("姓名", "职务", "主要领导", "分管单位")
    assert {r[0]: r[2] for r in rows[1:]} == {"周明远": "否", "王市长": "是"}
    assert run(unit_sheet_export()).summary_lines()[1] == "市级领导：新增 0，更新 0，未变 2"
    headers = ["姓名", "职务", "主要领导", "分管单位"]
    leaders = [["周明远", "副市长", "是", "西湖镇"], ["李书记", "市委书记", "", "东山镇"]]
    result = run(unit_sheet(CITY_ROW, leaders=leaders, leader_headers=headers))
    assert not result.errors
    assert Leader.objects.get(name="周明远").principal  # explicit 是
    assert Leader.objects.get(name="李书记").principal  # empty: a new leader by title
    assert Leader.objects.get(name="王市长").principal  # not in the sheet: unchanged


def test_a_bad_mark_names_the_cell_and_changes_nothing(city):
    headers = ["姓名", "职务", "主要领导", "分管单位"]
    leaders = [["周明远", "副市长", "对", "西湖镇"]]
    before = AuditEvent.objects.count()
    result = run(unit_sheet(CITY_ROW, leaders=leaders, leader_headers=headers))
    assert [str(e) for e in result.errors] == [
        "“领导分工”表 第2行 C列（主要领导）：请填写“是”或“否”，或留空"
    ]
    assert AuditEvent.objects.count() == before
    assert not Leader.objects.get(name="周明远").principal


def test_without_the_column_a_new_mayor_is_marked_by_title(city):
    run(unit_sheet(CITY_ROW, leaders=[["赵市长", "市长", "西湖镇"]]))
    assert Leader.objects.get(name="赵市长").principal


def test_the_area_forms_effective_date_is_filled_in_as_the_date_picker_reads_it(city, login):
    """The date picker takes only 2026-12-07; the zh-hans input format 2026/12/07 left the
    required 生效日期 blank in the browser."""
    page = login(city.admin).get(f"/orgs/leaders/{city.leader.pk}/").content.decode()
    today = timezone.localdate().isoformat()
    assert re.search(rf'<input type="date" name="on"[^>]* value="{today}"', page)
