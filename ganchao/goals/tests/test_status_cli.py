"""The goal-sheet commands through the `ganchao` console script: exit codes 0/1/2, summaries on
stdout, errors on stderr; `ganchao status` prints the tree as JSON (DESIGN.md 3.1, 3.7)."""

import json
from decimal import Decimal

import pytest

from ganchao.cli import main
from ganchao.goals import goal_sheet as gs
from ganchao.goals.models import Item, Plan, ProgressReport
from ganchao.goals.tests.sheet_builders import basic_rows, goal_sheet, indicator, report_sheet
from ganchao.goals.tree import decimal_string, plan_tree


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "goals.xlsx"
    path.write_bytes(goal_sheet(basic_rows()))
    return path


@pytest.mark.django_db
def test_import_goals_exit_codes(city, sheet, tmp_path, capsys):
    assert main(["import-goals", str(sheet), "--plan", "2026", "--dry-run"]) == 0
    assert capsys.readouterr().out.strip() == "新增 6，更新 0，未变 0"
    assert not Plan.objects.exists()
    assert main(["import-goals", str(sheet), "--plan", "2026", "--owner", "C"]) == 0
    assert capsys.readouterr().out.strip() == "新增 6，更新 0，未变 0"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        goal_sheet(basic_rows() + [indicator("1.9", "坏", target="abc", quarters=None)])
    )
    assert main(["import-goals", str(bad), "--plan", "2026"]) == 1
    assert capsys.readouterr().err.splitlines() == ["第8行 F列（目标值）：不是数字"]
    assert main(["import-goals", str(sheet)]) == 2  # --plan is required
    assert main(["import-goals", str(sheet), "--plan", "twenty"]) == 2
    assert main(["import-goals", str(tmp_path / "missing.xlsx"), "--plan", "2026"]) == 1
    assert "找不到文件" in capsys.readouterr().err


@pytest.mark.django_db
def test_export_and_reimport_through_the_cli(city, sheet, tmp_path, capsys):
    main(["import-goals", str(sheet), "--plan", "2026"])
    out = tmp_path / "out.xlsx"
    assert main(["export-goals", "--plan", "2026", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["import-goals", str(out), "--plan", "2026"]) == 0
    assert capsys.readouterr().out.strip() == "新增 0，更新 0，未变 6"
    assert main(["export-goals", "--plan", "2031", "-o", str(out)]) == 1
    assert "没有2031年的计划" in capsys.readouterr().err


@pytest.mark.django_db
def test_import_reports_cli(city, sheet, tmp_path, capsys):
    main(["import-goals", str(sheet), "--plan", "2026"])
    reports = tmp_path / "reports.xlsx"
    reports.write_bytes(report_sheet([{gs.CODE: "1.1", gs.PERIOD: "2026-01", gs.VALUE: 900}]))
    capsys.readouterr()
    assert main(["import-reports", str(reports), "--plan", "2026"]) == 0
    assert capsys.readouterr().out.strip() == "新增 1，更新 0，未变 0"
    report = ProgressReport.objects.get()
    assert report.submitted_by is None and report.state == "submitted"
    reports.write_bytes(report_sheet([{gs.CODE: "1.1", gs.PERIOD: "2026-13", gs.VALUE: 900}]))
    assert main(["import-reports", str(reports), "--plan", "2026"]) == 1
    assert capsys.readouterr().err.startswith("第2行 C列（期间）：")


@pytest.mark.django_db
def test_status_prints_the_tree(city, sheet, capsys):
    main(["import-goals", str(sheet), "--plan", "2026"])
    Item.objects.filter(code="1.1").update(
        status="green", expected=Decimal("4153.84615"), actual=Decimal("4200")
    )
    capsys.readouterr()
    assert main(["status", "--plan", "2026"]) == 0
    tree = json.loads(capsys.readouterr().out)
    assert [node["code"] for node in tree] == ["1", "2"]
    first = tree[0]
    assert set(first) == {"id", "code", "name", "type", "status", "expected", "actual", "children"}
    assert (first["type"], first["status"], first["expected"]) == ("goal", None, None)
    assert [c["code"] for c in first["children"]] == ["1.1", "1.2"]
    indicator_node = first["children"][0]
    assert indicator_node["type"] == "indicator" and indicator_node["status"] == "green"
    assert (indicator_node["expected"], indicator_node["actual"]) == ("4153.8462", "4200")
    task_node = first["children"][1]
    assert task_node["type"] == "task" and task_node["status"] is None
    assert [c["code"] for c in task_node["children"]] == ["1.2.1"]
    assert main(["status", "--plan", "2030"]) == 1


@pytest.mark.django_db
def test_plan_tree_orders_by_code_in_one_query(city, django_assert_num_queries):
    rows = basic_rows() + [indicator("1.10", "第十"), indicator("1.3", "第三")]
    from ganchao.goals.imports import goal_sheet_import

    goal_sheet_import(actor=None, data=goal_sheet(rows), year=2026)
    plan = Plan.objects.get()
    with django_assert_num_queries(1):
        tree = plan_tree(plan)
    assert [c["code"] for c in tree[0]["children"]] == ["1.1", "1.2", "1.3", "1.10"]


def test_decimal_strings():
    assert decimal_string(Decimal("12000.0000")) == "12000"
    assert decimal_string(Decimal("4153.84615")) == "4153.8462"
    assert decimal_string(Decimal("0.50")) == "0.5"
    assert decimal_string(None) is None
