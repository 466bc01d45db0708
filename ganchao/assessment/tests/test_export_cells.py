"""Every .xlsx export adds up (issue 9 item 5): scores and values are numeric cells with a
number format (0.00 for scores, the indicator's 小数位数 for values), and text that begins like a
formula (a unit named =HYPERLINK("x")) stays text in every sheet and in `ganchao ranking --format
csv` — while export → import still changes nothing."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import transaction
from openpyxl import load_workbook

from ganchao.assessment import exports, manual_sheet, services
from ganchao.assessment.selectors import latest_result
from ganchao.assessment.tests.league_support import publish
from ganchao.cli import main
from ganchao.common.excel import csv_field
from ganchao.conftest import make_user
from ganchao.goals.models import Item
from ganchao.goals.selectors import places_by_assignment
from ganchao.orgs import exports as unit_exports
from ganchao.orgs.choices import Role
from ganchao.orgs.imports import unit_sheet_import

HOSTILE = '=HYPERLINK("x")'
SCORE_HEADERS = {"总分", "分值", "组成项得分", "明细得分", "扣分", "满分", "得分"}


@pytest.fixture
def hostile(scenario):
    """The worked example with 甲镇 renamed to a formula and indicators in real units."""
    scenario.a.name = HOSTILE
    scenario.a.save(update_fields=["name"])
    Item.objects.filter(plan=scenario.plan, code="1").update(measure_unit="起")
    Item.objects.filter(plan=scenario.plan, code="2").update(measure_unit="亿元")
    Item.objects.filter(plan=scenario.plan, code="3").update(measure_unit="个", decimal_places=1)
    return scenario


def sheets(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets


def columns(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1] if cell.value}


def assert_inert(ws) -> int:
    """Every cell holding the hostile name is a text cell Excel shows as text; how many."""
    found = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == HOSTILE:
                assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                found += 1
            assert cell.data_type != "f", cell.coordinate
    return found


def assert_numeric(ws, headers, fmt=None) -> int:
    """Every non-empty cell under `headers` that is not a word is a number (with `fmt`)."""
    seen = 0
    for header, column in columns(ws).items():
        if header not in headers:
            continue
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            if cell.value is None or cell.value in ("未报送", "未完成"):
                continue
            assert cell.data_type == "n", (header, cell.coordinate, cell.value)
            if fmt:
                assert cell.number_format == fmt, (header, cell.coordinate)
            seen += 1
    return seen


def test_ranking_sheet_holds_numbers_and_an_inert_name(hostile):
    publish(hostile.scheme, "2026-Q2")
    rows = latest_result("TOWNS", "2026-Q2").snapshot
    (ws,) = sheets(exports.ranking_xlsx(rows, "排名"))
    names = ["总分", "指标完成", "节点完成", "督办情况"]
    assert assert_numeric(ws, names, "0.00") == 12
    assert assert_inert(ws) == 1
    assert all(ws.cell(row, 1).data_type == "n" for row in range(2, 5))  # ranks
    assert all(ws.cell(row, 2).data_type == "s" for row in range(2, 5))  # codes stay text


def test_breakdown_values_follow_each_indicators_precision(hostile):
    publish(hostile.scheme, "2026-Q2")
    rows = latest_result("TOWNS", "2026-Q2").snapshot
    places = places_by_assignment(exports.detail_assignment_ids(rows))
    (ws,) = sheets(exports.breakdown_xlsx(rows, "得分明细", places))
    assert assert_numeric(ws, SCORE_HEADERS, "0.00") > 10
    assert assert_numeric(ws, {"权重", "完成率", "计分系数", "序时目标", "实际值"}) > 5
    assert assert_inert(ws) > 1
    head = columns(ws)
    formats = {
        ws.cell(row, head["明细"]).value: ws.cell(row, head["实际值"]).number_format
        for row in range(2, ws.max_row + 1)
        if ws.cell(row, head["实际值"]).data_type == "n"
    }
    assert formats["1 事项1"] == "#,##0"  # 起 counts whole things
    assert formats["2 事项2"] == "#,##0.00"  # 亿元
    assert formats["3 事项3"] == "#,##0.0"  # 个, but the office set one place


def test_ranking_csv_escapes_a_formula_name(hostile, capsys):
    publish(hostile.scheme, "2026-Q2")
    capsys.readouterr()
    assert main(["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    names = [row[2] for row in rows[1:]]
    assert "'" + HOSTILE in names and HOSTILE not in names
    assert all(not row[3].startswith("'") for row in rows[1:])  # totals stay numbers


def test_ranking_xlsx_from_the_command_line(hostile, tmp_path):
    target = tmp_path / "rank.xlsx"
    args = ["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "xlsx"]
    assert main([*args, "-o", str(target)]) == 0
    ws = load_workbook(target).active
    assert assert_numeric(ws, {"总分", "指标完成"}, "0.00") == 6
    assert assert_inert(ws) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+86 571", "'+86 571"),
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-2.50", "-2.50"),
        ("甲镇", "甲镇"),
        (None, ""),
        (Decimal("31.00"), "31.00"),
    ],
)
def test_csv_fields_that_would_run_get_a_quote(value, expected):
    assert csv_field(value) == expected


def test_manual_score_sheet_numbers_and_round_trip(hostile):
    with transaction.atomic():
        scheme = services.scheme_create(
            actor=None, code="EVAL", name="乡镇评议", category=hostile.category,
            period_type="quarter",
            components=[
                {"code": "IND", "name": "指标完成", "kind": "indicators", "points": 90, "method": "ratio"},
                {"code": "PEER", "name": "评议", "kind": "manual", "points": 10},
            ],
        )  # fmt: skip
        services.manual_score_set(
            actor=None, scheme=scheme, component_code="PEER", period="2026-Q2", unit=hostile.a,
            score=Decimal("8.5"),
        )  # fmt: skip
    office = make_user("office", hostile.office_unit, Role.OFFICE)
    data = manual_sheet.manual_sheet_export(scheme, "2026-Q2")
    ws = sheets(data)[0]
    assert assert_numeric(ws, {"满分"}, "0.00") == 3
    assert assert_numeric(ws, {"得分"}, "0.00") == 1
    assert assert_inert(ws) == 1  # 单位名称 of 甲镇
    result = manual_sheet.manual_sheet_import(
        actor=office, scheme=scheme, period="2026-Q2", data=data, filename="评议.xlsx",
        dry_run=True,
    )  # fmt: skip
    assert not result.errors and not result.has_changes, result.summary_lines()


def test_unit_sheet_round_trips_with_a_formula_name(hostile):
    data = unit_exports.unit_sheet_export()
    units = sheets(data)[0]
    assert assert_inert(units) >= 1
    assert assert_numeric(units, {"排序"}) == units.max_row - 1
    result = unit_sheet_import(actor=None, data=data, filename="单位.xlsx", dry_run=True)
    assert not result.errors and not result.has_changes, result.summary_lines()


# ---- a guard for every export: no number hides in a text cell -----------------------------

TEXT_HEADERS = {"编号", "单位编码", "单位", "期间", "联系电话", "上级单位", "简称", "说明", "明细"}
NUMBER_TEXT = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?%?$")


def assert_no_number_as_text(data: bytes) -> int:
    """Every cell outside the code and text columns that reads as a number is a numeric cell."""
    checked = 0
    for ws in sheets(data):
        head = {cell.column: cell.value for cell in ws[1]}
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if head.get(cell.column) in TEXT_HEADERS or cell.value is None:
                    continue
                if isinstance(cell.value, str) and NUMBER_TEXT.match(cell.value):
                    raise AssertionError(f"{ws.title}!{cell.coordinate} {cell.value!r} is text")
                checked += 1
    return checked


def test_no_export_of_the_assessment_holds_a_number_as_text(hostile):
    publish(hostile.scheme, "2026-Q2")
    rows = latest_result("TOWNS", "2026-Q2").snapshot
    exported = [
        exports.ranking_xlsx(rows, "排名"),
        exports.breakdown_xlsx(rows, "得分明细"),
        unit_exports.unit_sheet_export(),
        unit_exports.unit_sheet_template(),
    ]
    assert all(assert_no_number_as_text(data) for data in exported)
