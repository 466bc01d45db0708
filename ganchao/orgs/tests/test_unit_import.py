"""Importing and exporting the unit sheet through the service (DESIGN.md 3.3, 3.4)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Forbidden
from ganchao.orgs.exports import unit_sheet_export, unit_sheet_template
from ganchao.orgs.imports import unit_sheet_import
from ganchao.orgs.models import Leader, LeaderArea, Unit, UnitCategory
from ganchao.orgs.tests.sheets import (
    BAD_ROWS,
    GOOD_ROWS,
    UNIT_HEADERS,
    unit_book,
    unit_sheet,
    workbook_bytes,
)


def run(data, *, actor=None, **kwargs):
    return unit_sheet_import(actor=actor, data=data, filename="单位表.xlsx", **kwargs)


def snapshot():
    return (
        list(Unit.objects.order_by("pk").values_list()),
        AuditEvent.objects.count(),
        list(LeaderArea.objects.order_by("pk").values_list()),
    )


def test_bad_sheet_writes_nothing_and_names_every_error(city):
    before = snapshot()
    result = run(unit_sheet(BAD_ROWS))
    assert [str(e) for e in result.errors] == [
        "第3行 C列（上级单位）：找不到单位“南湖镇”",
        "第4行 B列（单位名称）：同一上级单位下已有名为“北湖镇”的单位（第2行）",
        "第5行 D列（单位类型）：村不能设在市“赶超市”之下",
    ]
    assert not result.written
    assert snapshot() == before


def test_good_sheet_imports(city):
    result = run(unit_sheet(GOOD_ROWS))
    assert result.errors == []
    assert result.summary_lines() == ["新增 4，更新 0，未变 0"]
    town = Unit.objects.get(name="北湖镇")
    village = Unit.objects.get(name="张家村")
    grid = Unit.objects.get(name="第一网格")
    assert village.parent == town and grid.parent == village
    assert town.code.startswith("C") and village.code == f"{town.code}001"
    assert grid.code == f"{village.code}001"
    assert (town.depth, village.depth, grid.depth) == (1, 2, 3)
    assert grid.path == f"{city.root.path}{town.pk:010d}/{village.pk:010d}/{grid.pk:010d}/"
    assert town.aliases == ["北湖", "北湖乡"] and town.sort_order == 5
    assert town.category.name == "乡镇（街道）"
    assert UnitCategory.objects.filter(name="市直部门").exists()
    assert Unit.objects.get(name="市发展改革委").parent == city.root
    assert len(result.warnings) == Unit.objects.count() - 4  # the city's units are not listed


def test_import_writes_one_audit_event_for_the_units(city):
    data = unit_sheet(GOOD_ROWS)
    before = AuditEvent.objects.count()
    result = run(data)
    event = AuditEvent.objects.get(action="unit.import")
    assert AuditEvent.objects.count() == before + 1
    assert event.object_id == result.sha256 and event.object_name == "单位表.xlsx"
    assert event.changes["file"]["after"]["rows"] == 4
    assert event.changes["summary"]["after"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert len(event.changes["created"]["after"]) == 4
    assert event.actor_name == "系统"


def test_reimporting_the_same_file_changes_nothing(city):
    data = unit_sheet(GOOD_ROWS)
    run(data)
    before = snapshot()
    result = run(data)
    assert result.summary_lines() == ["新增 0，更新 0，未变 4"]
    assert snapshot() == before


def test_export_then_import_changes_nothing(city):
    run(unit_sheet(GOOD_ROWS, leaders=[["周明远", "副市长", "西湖镇、北湖镇"]]))
    before = snapshot()
    result = run(unit_sheet_export())
    total = Unit.objects.count()
    assert result.errors == []
    assert result.warnings == []
    assert result.summary_lines() == [
        f"新增 0，更新 0，未变 {total}",
        "市级领导：新增 0，更新 0，未变 1",
    ]
    assert snapshot() == before


def test_export_layout(city):
    city.stats.aliases = ["统计局", "市统计"]
    city.stats.save()
    book = load_workbook(io.BytesIO(unit_sheet_export()))
    assert book.sheetnames == ["单位", "领导分工", "填写说明"]
    rows = list(book["单位"].values)
    assert list(rows[0]) == UNIT_HEADERS
    assert rows[1][:4] == ("C", "赶超市", None, "市")
    stats = next(r for r in rows if r[1] == "市统计局")
    assert stats == ("C003", "市统计局", "赶超市", "部门", None, "统计局、市统计", 0)
    assert book["单位"]["A2"].number_format == "@"
    assert list(book["领导分工"].values)[1] == ("周明远", "副市长", "否", "西湖镇")


def test_export_writes_a_path_for_an_ambiguous_parent(city):
    rows = [
        ["C102002", "李庄村", "东山镇", "村", "", "", 0],
        ["", "一网格", "C102002", "网格", "", "", 0],
    ]
    assert run(unit_sheet(rows)).errors == []
    rows = list(load_workbook(io.BytesIO(unit_sheet_export()))["单位"].values)
    grid = next(r for r in rows if r[1] == "一网格")
    assert grid[2] == "东山镇/李庄村"
    assert run(unit_sheet_export()).created == []


def test_header_below_a_title_row(city):
    data = unit_sheet(
        [["", "北湖镇", "赶超市", "镇", "", "", 1]],
        title_rows=[["2026年赶超市单位及领导分工表"], []],
    )
    result = run(data)
    assert result.errors == [] and len(result.created) == 1


def test_headers_are_normalised(city):
    headers = [
        "单位 编码",
        "单位名称（全称）",
        "上级单位",
        "单位类型",
        "2026年单位类别",
        "简称",
        "排序",
    ]
    result = run(unit_sheet([["", "北湖镇", "赶超市", "镇", "乡镇", "", 1]], headers=headers))
    assert result.errors == []
    assert Unit.objects.get(name="北湖镇").category.name == "乡镇"


def test_merged_parent_cells(city):
    book = unit_book(
        [
            ["", "甲村", "西湖镇", "村", "", "", 1],
            ["", "乙村", None, "村", "", "", 2],
            ["", "丙村", None, "村", "", "", 3],
        ]
    )
    book.active.merge_cells("C2:C4")
    result = run(workbook_bytes(book))
    assert result.errors == []
    assert set(Unit.objects.filter(parent=city.town_a).values_list("name", flat=True)) == {
        "李庄村", "甲村", "乙村", "丙村",
    }  # fmt: skip


def test_ambiguous_parent_lists_candidates_and_a_path_resolves(city):
    run(unit_sheet([["", "李庄村", "东山镇", "村", "", "", 0]]))
    result = run(unit_sheet([["", "一网格", "李庄村", "网格", "", "", 0]]))
    (error,) = result.errors
    assert (error.row, error.column, error.header) == (2, "C", "上级单位")
    assert "东山镇/李庄村" in error.message and "西湖镇/李庄村（C101001）" in error.message
    result = run(unit_sheet([["", "一网格", "东山镇/李庄村", "网格", "", "", 0]]))
    assert result.errors == []
    assert Unit.objects.get(name="一网格").parent.parent == city.town_b


def test_ambiguity_inside_the_file(city):
    rows = [
        ["", "北湖镇", "赶超市", "镇", "", "", 0],
        ["", "新村", "北湖镇", "村", "", "", 0],
        ["", "新村", "西湖镇", "村", "", "", 0],
        ["", "一网格", "新村", "网格", "", "", 0],
    ]
    (error,) = run(unit_sheet(rows)).errors
    assert error.row == 5
    assert (
        "北湖镇/新村（表中第3行）" in error.message and "西湖镇/新村（表中第4行）" in error.message
    )


def test_rows_without_codes_match_existing_units(city):
    rows = [
        ["", "西湖镇", "赶超市", "镇", "乡镇", "西湖", 3],
        ["", "李庄村", "西湖镇", "村", "", "", 0],
    ]
    result = run(unit_sheet(rows))
    assert (len(result.created), len(result.updated), result.unchanged) == (0, 1, 1)
    (update,) = result.updated
    assert update["code"] == "C101"
    assert update["changes"] == [("单位类别", "", "乡镇"), ("简称", "", "西湖"), ("排序", "0", "3")]
    city.town_a.refresh_from_db()
    assert city.town_a.aliases == ["西湖"] and city.town_a.version == 2


def test_rename_and_move_by_code_keep_paths_right(city):
    rows = [
        ["C101", "西湖街道", "赶超市", "街道", "", "", 0],
        ["C102", "东山镇", "C101", "镇", "", "", 0],  # a town cannot sit under a street
    ]
    (error,) = run(unit_sheet(rows)).errors
    assert (error.row, error.header) == (3, "单位类型")
    rows[1] = ["C102001", "王庄村", "C101", "村", "", "", 0]
    result = run(unit_sheet(rows))
    assert result.errors == []
    assert [u["code"] for u in result.updated] == ["C101", "C102001"]
    city.village_b.refresh_from_db()
    city.town_a.refresh_from_db()
    assert city.town_a.name == "西湖街道" and city.town_a.type == "street"
    assert city.village_b.parent == city.town_a
    assert city.village_b.path == f"{city.town_a.path}{city.village_b.pk:010d}/"
    assert city.village_b.depth == 2


def test_move_carries_the_subtree(city):
    run(unit_sheet([["", "一网格", "西湖镇/李庄村", "网格", "", "", 0]]))
    result = run(
        unit_sheet(
            [
                ["C101", "西湖镇", "赶超市", "区", "", "", 0],
                ["C102", "东山镇", "西湖镇", "镇", "", "", 0],
            ]
        )
    )
    assert result.errors == []
    city.village_b.refresh_from_db()
    assert city.village_b.path.startswith(Unit.objects.get(code="C102").path)
    assert city.village_b.depth == 3
    grid = Unit.objects.get(name="一网格")
    assert grid.path.startswith(Unit.objects.get(code="C101001").path) and grid.depth == 3


def test_swapping_sibling_names(city):
    rows = [
        ["C101", "东山镇", "赶超市", "镇", "", "", 0],
        ["C102", "西湖镇", "赶超市", "镇", "", "", 0],
    ]
    result = run(unit_sheet(rows))
    assert result.errors == [] and len(result.updated) == 2
    assert Unit.objects.get(code="C101").name == "东山镇"
    assert Unit.objects.get(code="C102").name == "西湖镇"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["", "", "赶超市", "镇", "", "", 0], "第2行 B列（单位名称）：请填写单位名称"),
        (["", "北湖镇", "赶超市", "", "", "", 0], "第2行 D列（单位类型）：请填写单位类型"),
        (["", "北湖镇", "赶超市", "乡", "", "", 0], "第2行 D列（单位类型）：单位类型“乡”无效"),
        (["", "北湖镇", "赶超市", "镇", "", "", "第一"], "第2行 G列（排序）：不是整数"),
        (["", "北湖镇", "赶超市", "镇", "", "", 1.5], "第2行 G列（排序）：不是整数"),
        (["A B", "北湖镇", "赶超市", "镇", "", "", 1], "第2行 A列（单位编码）：单位编码不能含空格"),
        (["", "北湖镇", "", "镇", "", "", 1], "第2行 C列（上级单位）：请填写上级单位"),
        (["", "新省", "", "省", "", "", 1], "第2行 C列（上级单位）：已有根单位“赶超市（C）”"),
        (["C", "赶超市", "C101", "市", "", "", 0], "第2行 C列（上级单位）：上级单位不能是本单位或其下级"),
        (["C101", "西湖镇", "赶超市", "部门", "", "", 0], "第2行 D列（单位类型）：改为部门后，下级单位“李庄村”（村）不能设在其下"),
    ],
)  # fmt: skip
def test_row_errors(city, row, expected):
    before = snapshot()
    result = run(unit_sheet([row]))
    assert any(str(e).startswith(expected) for e in result.errors), result.errors
    assert snapshot() == before


def test_duplicate_code_in_the_file(city):
    rows = [
        ["X1", "北湖镇", "赶超市", "镇", "", "", 0],
        ["X1", "南湖镇", "赶超市", "镇", "", "", 0],
    ]
    (error,) = run(unit_sheet(rows)).errors
    assert str(error) == "第3行 A列（单位编码）：单位编码“X1”与第2行重复"


def test_parents_in_a_cycle(city):
    rows = [["X1", "甲镇", "X2", "区", "", "", 0], ["X2", "乙区", "X1", "区", "", "", 0]]
    errors = run(unit_sheet(rows)).errors
    assert [(e.row, e.header) for e in errors] == [(2, "上级单位"), (3, "上级单位")]


def test_a_new_root_into_an_empty_database(db):
    rows = [["", "东区", "赶超市", "区", "", "", 0], ["", "赶超市", "", "市", "", "", 0]]
    result = run(unit_sheet(rows))
    assert result.errors == []
    root = Unit.objects.get(parent=None)
    assert root.path == f"/{root.pk:010d}/" and root.code.startswith("U")
    assert Unit.objects.get(name="东区").code == f"{root.code}001"


def test_two_roots_in_an_empty_database(db):
    rows = [["", "甲市", "", "市", "", "", 0], ["", "乙市", "", "市", "", "", 0]]
    (error,) = run(unit_sheet(rows)).errors
    assert str(error).startswith("第3行 C列（上级单位）：已有根单位“甲市（表中第2行）”")


def test_columns_left_out_are_kept(city):
    city.town_a.sort_order = 7
    city.town_a.save()
    headers = ["单位编码", "单位名称", "单位类型"]
    result = run(unit_sheet([["C101", "西湖镇", "镇"]], headers=headers))
    assert result.errors == [] and result.unchanged == 1
    city.town_a.refresh_from_db()
    assert city.town_a.sort_order == 7 and city.town_a.parent == city.root


def test_dry_run_writes_nothing(city):
    before = snapshot()
    result = run(unit_sheet(GOOD_ROWS), dry_run=True)
    assert result.summary_lines() == ["新增 4，更新 0，未变 0"]
    assert not result.written
    assert snapshot() == before


def test_only_a_system_admin_imports(city):
    with pytest.raises(Forbidden):
        run(unit_sheet(GOOD_ROWS), actor=city.office)
    result = run(unit_sheet(GOOD_ROWS), actor=city.admin)
    assert result.written
    assert AuditEvent.objects.get(action="unit.import").actor_username == "city_admin"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an excel file", "请另存为 .xlsx 格式"),
        (workbook_bytes(unit_book([], headers=["名称", "类型"])), "找不到单位表"),
        (workbook_bytes(unit_book([])), "表中没有单位"),
    ],
)
def test_file_level_errors(city, data, message):
    (error,) = run(data).errors
    assert message in str(error) and error.row is None


# ---- the 领导分工 sheet ------------------------------------------------------------------


def test_leaders_are_created_and_their_areas_set(city):
    leaders = [["周明远", "常务副市长", "西湖镇、北湖镇"], ["李华", "副市长", "市统计局；C102"]]
    result = run(unit_sheet(GOOD_ROWS, leaders=leaders))
    assert result.errors == []
    assert result.summary_lines()[1] == "市级领导：新增 1，更新 1，未变 0"
    zhou = Leader.objects.get(name="周明远")
    li = Leader.objects.get(name="李华")
    assert zhou.title == "常务副市长"
    current = LeaderArea.objects.filter(end_date__isnull=True)
    assert set(current.filter(leader=zhou).values_list("unit__name", flat=True)) == {
        "西湖镇", "北湖镇",
    }  # fmt: skip
    assert set(current.filter(leader=li).values_list("unit__code", flat=True)) == {"C003", "C102"}
    assert li.sort_order > zhou.sort_order
    assert AuditEvent.objects.filter(action="leader.area_set").count() == 3  # fixture + 2


def test_leader_sheet_round_trip_and_dropped_areas(city):
    run(
        unit_sheet(
            [["C101", "西湖镇", "赶超市", "镇", "", "", 0]],
            leaders=[["周明远", "副市长", "西湖镇、东山镇"]],
        )
    )
    book = load_workbook(io.BytesIO(unit_sheet_export()))
    assert list(book["领导分工"].values)[1] == ("周明远", "副市长", "否", "西湖镇、东山镇")
    assert run(unit_sheet_export()).summary_lines()[1] == "市级领导：新增 0，更新 0，未变 1"
    run(
        unit_sheet(
            [["C101", "西湖镇", "赶超市", "镇", "", "", 0]],
            leaders=[["周明远", "副市长", "东山镇"]],
        )
    )
    areas = LeaderArea.objects.filter(leader=city.leader, end_date__isnull=True)
    assert list(areas.values_list("unit__name", flat=True)) == ["东山镇"]


def test_leader_sheet_errors_name_the_sheet(city):
    leaders = [["周明远", "副市长", "南湖镇、西湖镇"], ["", "副市长", ""], ["周明远", "", ""]]
    errors = [str(e) for e in run(unit_sheet(GOOD_ROWS, leaders=leaders)).errors]
    assert errors == [
        "“领导分工”表 第2行 C列（分管单位）：找不到单位“南湖镇”",
        "“领导分工”表 第3行 A列（姓名）：请填写姓名",
        "“领导分工”表 第4行 A列（姓名）：姓名“周明远”与第2行重复",
    ]


def test_leader_sheet_without_its_headers(city):
    book = unit_book(GOOD_ROWS)
    book.create_sheet("领导分工").append(["领导", "分工"])
    (error,) = run(workbook_bytes(book)).errors
    assert str(error) == "“领导分工”表：前五行中找不到“姓名”和“分管单位”两列表头"


def test_leaders_absent_from_the_sheet_are_warned_about(city):
    result = run(unit_sheet(GOOD_ROWS, leaders=[["李华", "副市长", ""]]))
    assert "市级领导“周明远”不在“领导分工”表中，保持不变" in result.warnings


# ---- template and scale ---------------------------------------------------------------------


def test_template_has_notes_and_imports_into_an_empty_database(db):
    data = unit_sheet_template()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["单位", "领导分工", "填写说明"]
    notes = [row[1] for row in book["填写说明"].values]
    assert set(UNIT_HEADERS) <= set(notes)
    result = run(data)
    assert result.errors == []
    assert result.summary_lines() == ["新增 3，更新 0，未变 0", "市级领导：新增 1，更新 0，未变 0"]


def departments(prefix: str, count: int) -> bytes:
    rows = [
        ["", f"{prefix}{i}", "赶超市", "部门", f"{prefix}类{i % 3}", f"{prefix}简{i}", i]
        for i in range(count)
    ]
    return unit_sheet(rows)


def queries_for(data) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = run(data)
    assert result.errors == [] and result.written
    return len(captured)


def test_import_queries_do_not_grow_with_the_sheet(city):
    small = queries_for(departments("甲", 5))
    large = queries_for(departments("乙", 60))
    assert large == small


def test_a_new_row_takes_the_blame_for_a_clash(city):
    rows = [
        ["", "东山镇", "赶超市", "镇", "", "", 0],
        ["C102", "东山镇", "赶超市", "镇", "", "", 0],
    ]
    rows[0][0] = "X9"
    (error,) = run(unit_sheet(rows)).errors
    assert str(error) == "第2行 B列（单位名称）：同一上级单位下已有名为“东山镇”的单位（第3行）"
    rows = [["", "新市", "", "市", "", "", 0], ["C", "赶超市", "", "市", "", "", 0]]
    (error,) = run(unit_sheet(rows)).errors
    assert str(error) == "第2行 C列（上级单位）：已有根单位“赶超市（C）”，请填写上级单位"
