"""The manual-score sheet (评议打分表): import by the rules of DESIGN.md 3.3, template, export."""

import io
from decimal import Decimal as D

import pytest
from django.db import transaction
from openpyxl import Workbook, load_workbook

from ganchao.assessment import services
from ganchao.assessment.manual_sheet import (
    manual_sheet_export,
    manual_sheet_import,
    manual_sheet_template,
)
from ganchao.assessment.models import ManualScore
from ganchao.assessment.tests.test_inputs import manual_scheme
from ganchao.audit.models import AuditEvent
from ganchao.conftest import make_unit, make_user
from ganchao.orgs.choices import Role, UnitType


@pytest.fixture
def office(scenario):
    return make_user("office", scenario.office_unit, Role.OFFICE)


def sheet(*rows, headers=("单位", "组成项", "得分"), title=None) -> bytes:
    book = Workbook()
    ws = book.active
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(office, scheme, data, **kwargs):
    return manual_sheet_import(
        actor=office, scheme=scheme, period="2026-Q2", data=data, filename="打分.xlsx", **kwargs
    )


def test_import_writes_all_and_reimport_changes_nothing(scenario, office):
    scheme = manual_scheme(scenario)
    data = sheet(
        ("T01", "领导评议", 8.5),
        ("乙镇", "EVAL", "9"),
        ("赶超市/丙镇", "群众满意度", 7),
        title="2026年二季度评议打分",
    )
    preview = run(office, scheme, data, dry_run=True)
    assert (preview.errors, preview.summary_lines()) == ([], ["新增 3，更新 0，未变 0"])
    assert not ManualScore.objects.exists()
    result = run(office, scheme, data)
    assert result.written and result.summary_lines() == ["新增 3，更新 0，未变 0"]
    assert ManualScore.objects.get(unit=scenario.a, component_code="EVAL").score == D("8.5")
    event = AuditEvent.objects.get(action="assessment.manual_import")
    assert event.changes["file"]["after"]["rows"] == 3
    again = run(office, scheme, data)
    assert (again.written, again.summary_lines()) == (False, ["新增 0，更新 0，未变 3"])
    # units still without a score are summed up, a line per component
    assert again.warnings == [
        "尚有1个单位未录入“领导评议”得分：丙镇",
        "尚有2个单位未录入“群众满意度”得分：甲镇、乙镇",
    ]


def test_every_error_named_and_nothing_written(scenario, office):
    scheme = manual_scheme(scenario)
    make_unit("某局", UnitType.DEPARTMENT, scenario.a.parent, code="D99")
    data = sheet(
        ("T01", "领导评议", 11),
        ("无此镇", "领导评议", 5),
        ("D99", "领导评议", 5),
        ("T02", "指标完成", 5),
        ("T03", "领导评议", "很好"),
        ("T01", "EVAL", 8),
        ("T02", "EVAL", 8),
        ("T02", "领导评议", 9),
    )
    result = run(office, scheme, data)
    messages = [str(e) for e in result.errors]
    assert messages == [
        "第2行 C列（得分）：得分应在 0 至 10 之间",
        "第3行 A列（单位）：找不到单位“无此镇”",
        "第4行 A列（单位）：“某局”不属于本方案的考核类别（乡镇）",
        "第5行 B列（组成项）：“指标完成”不是本方案的评议打分项，应为：领导评议、群众满意度",
        "第6行 C列（得分）：不是数字",
        "第9行 B列（组成项）：与第8行是同一单位同一组成项",
    ]
    assert not result.written and not ManualScore.objects.exists()


def test_old_excel_and_missing_headers_are_refused(scenario, office):
    scheme = manual_scheme(scenario)
    old = manual_sheet_import(
        actor=office, scheme=scheme, period="2026-Q2", data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        filename="打分.xls",
    )  # fmt: skip
    assert "请另存为 .xlsx 格式" in str(old.errors[0])
    headless = run(office, scheme, sheet(("T01", 5), headers=("单位", "得分")))
    assert "“单位”和“组成项”" in str(headless.errors[0])


def test_empty_scores_are_skipped_with_a_warning(scenario, office):
    scheme = manual_scheme(scenario)
    result = run(office, scheme, sheet(("T01", "领导评议", 8), ("T02", "领导评议", None)))
    assert result.summary_lines() == ["新增 1，更新 0，未变 0"]
    assert result.warnings[0] == "第3行得分为空，已跳过（共1行）"


def test_a_partly_filled_template_gives_two_summary_lines(scenario, office, monkeypatch):
    """Not two warnings per blank unit: one line for the skipped rows (at most LISTED row
    numbers, then 等) and one for the units without a score (at most LISTED names, then 等)."""
    from ganchao.assessment import manual_sheet

    monkeypatch.setattr(manual_sheet, "LISTED", 2)
    scheme = manual_scheme(scenario)
    data = sheet(
        ("T01", "领导评议", 8),
        ("T02", "领导评议", None),
        ("T03", "领导评议", None),
        ("T01", "群众满意度", None),
        ("T02", "群众满意度", 9),
        ("T03", "群众满意度", 7),
    )
    result = run(office, scheme, data, dry_run=True)
    assert result.errors == [] and result.summary_lines() == ["新增 3，更新 0，未变 0"]
    assert result.warnings == [
        "第3、4行等得分为空，已跳过（共3行）",
        "尚有2个单位未录入“领导评议”得分：乙镇、丙镇",
        "尚有1个单位未录入“群众满意度”得分：甲镇",
    ]


def test_one_manual_component_names_no_component(scenario, office):
    with transaction.atomic():
        scheme = services.scheme_create(
            actor=None, code="EVAL1", name="评议", category=scenario.category,
            period_type="quarter",
            components=[{"code": "EVAL", "name": "领导评议", "kind": "manual", "points": 100}],
        )  # fmt: skip
    result = run(office, scheme, sheet(("T01", "领导评议", 80), ("T02", "领导评议", None)))
    assert result.warnings == [
        "第3行得分为空，已跳过（共1行）",
        "尚有2个单位未录入得分：乙镇、丙镇",
    ]


def test_export_round_trip_changes_nothing(scenario, office):
    scheme = manual_scheme(scenario)
    run(office, scheme, sheet(("T01", "领导评议", 8.25), ("T02", "群众满意度", 10)))
    exported = manual_sheet_export(scheme, "2026-Q2")
    ws = load_workbook(io.BytesIO(exported)).worksheets[0]
    assert [c.value for c in ws[1]] == ["单位", "单位名称", "组成项", "满分", "得分"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == "T01"
    assert ws.max_row == 1 + 3 * 2
    result = run(office, scheme, exported)
    assert (result.errors, result.summary_lines()) == ([], ["新增 0，更新 0，未变 2"])
    assert not result.written


def test_blank_template_lists_units_and_components_without_scores(scenario, office):
    scheme = manual_scheme(scenario)
    ws = load_workbook(io.BytesIO(manual_sheet_template(scheme))).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0] == ["T01", "甲镇", "领导评议", 10, None]
    assert {row[4] for row in rows} == {None}
    result = run(office, scheme, manual_sheet_template(scheme))
    assert result.summary_lines() == ["新增 0，更新 0，未变 0"] and not result.errors


def test_a_changed_score_is_an_update(scenario, office):
    scheme = manual_scheme(scenario)
    run(office, scheme, sheet(("T01", "领导评议", 8)))
    result = run(office, scheme, sheet(("T01", "领导评议", 9), ("T02", "领导评议", 7)))
    assert result.summary_lines() == ["新增 1，更新 1，未变 0"]
    assert (result.updated[0].before, result.updated[0].after, result.updated[0].row) == (
        D(8), D(9), 2,
    )  # fmt: skip


def test_an_excluded_unit_gets_no_manual_score_and_no_row(scenario, office):
    """A scheme's excluded units are not its participants: the sheet refuses them by row and
    neither its template nor its export lists them."""
    with transaction.atomic():
        scheme = services.scheme_create(
            actor=None, code="TOWNS", name="乡镇季度考核", category=scenario.category,
            period_type="quarter", components=manual_scheme(scenario).components.values(
                "code", "name", "kind", "points", "method", "floor"),
            excluded_units=["T03"],
        )  # fmt: skip
    result = run(office, scheme, sheet(("T01", "领导评议", 8), ("丙镇", "领导评议", 9)))
    assert not result.written and "“丙镇”不参加本方案考核" in str(result.errors[0])
    names = [c.value for row in load_workbook(io.BytesIO(manual_sheet_template(scheme))).active
             .iter_rows() for c in row]  # fmt: skip
    assert "乙镇" in names and "丙镇" not in names
