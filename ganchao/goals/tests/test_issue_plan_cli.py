"""`ganchao issue-plan --plan YEAR [--owner CODE]` (DESIGN.md 3.1): a plan imported from a goal
sheet is issued with the page's checks, and a tick then evaluates it; exit 1 names what stops
the issue in Chinese on stderr, exit 2 on usage errors."""

import pytest

from ganchao.cli import main
from ganchao.goals.choices import PlanState
from ganchao.goals.models import Assignment, Plan
from ganchao.goals.tests.sheet_builders import basic_rows, goal_sheet
from ganchao.goals.tree import plan_tree

pytestmark = pytest.mark.django_db


def _statuses(plan) -> dict:
    found = {}

    def walk(nodes):
        for node in nodes:
            found[node["code"]] = node["status"]
            walk(node["children"])

    walk(plan_tree(plan))
    return found


def test_import_issue_then_tick_evaluates_the_plan(city, tmp_path, capsys):
    sheet = tmp_path / "goals.xlsx"
    sheet.write_bytes(goal_sheet(basic_rows()))
    assert main(["import-goals", str(sheet), "--plan", "2026"]) == 0
    plan = Plan.objects.get(year=2026)
    assert plan.state == PlanState.DRAFT
    assert main(["tick", "--at", "2026-05-11"]) == 0
    assert not Assignment.objects.filter(item__plan=plan).exclude(status="").exists()
    capsys.readouterr()

    assert main(["issue-plan", "--plan", "2026", "--owner", "C"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("已下达") and "指标 2 项，任务 2 项" in out, out
    plan.refresh_from_db()
    assert plan.state == PlanState.ISSUED

    assert main(["tick", "--at", "2026-05-11T12:00:00+08:00"]) == 0
    statuses = _statuses(plan)
    assert statuses["1.1"] == "not_reported"  # the April report was due that day
    assert statuses["1.2"] == "not_reported"  # a task reports monthly too
    assert statuses["2.1"] == "not_reported"  # quarterly: the Q1 report was due in April
    assert statuses["1"] is None  # goals have none


def test_issue_plan_refusals_name_the_reason(city, capsys):
    assert main(["issue-plan", "--plan", "2026"]) == 1
    assert capsys.readouterr().err.strip() == "赶超市没有2026年的计划"
    Plan.objects.create(owner=city.root, year=2026)
    assert main(["issue-plan", "--plan", "2026"]) == 1
    assert capsys.readouterr().err.strip() == "计划中还没有指标或任务，不能下达"
    assert main(["issue-plan", "--plan", "2026", "--owner", "X9"]) == 1
    assert "找不到编码为“X9”的单位" in capsys.readouterr().err
    assert Plan.objects.get(year=2026).state == PlanState.DRAFT


def test_issue_plan_usage_errors(city, capsys):
    assert main(["issue-plan"]) == 2
    assert main(["issue-plan", "--plan", "明年"]) == 2
    assert "年度应为四位数字" in capsys.readouterr().err


def test_a_plan_is_issued_once(city, tmp_path, capsys):
    sheet = tmp_path / "goals.xlsx"
    sheet.write_bytes(goal_sheet(basic_rows()))
    main(["import-goals", str(sheet), "--plan", "2026"])
    assert main(["issue-plan", "--plan", "2026"]) == 0
    capsys.readouterr()
    assert main(["issue-plan", "--plan", "2026"]) == 1
    assert "不能下达" in capsys.readouterr().err
