"""`ganchao score` and `ganchao ranking` (DESIGN.md 3.1, 3.10)."""

import csv
import io
import json

from openpyxl import load_workbook

from ganchao.assessment.models import Result
from ganchao.cli import main


def test_score_prints_the_draft_and_writes_nothing(scenario, capsys):
    assert main(["score", "--scheme", "TOWNS", "--period", "2026-Q2"]) == 0
    out = capsys.readouterr().out
    assert "1\tT02\t乙镇\t98.00\t优秀" in out
    assert "3\tT03\t丙镇\t57.00\t不合格 一票否决" in out
    assert "草稿" in out and not Result.objects.exists()


def test_score_publish_then_revision_2(scenario, capsys):
    assert main(["score", "--scheme", "TOWNS", "--period", "2026-q2", "--publish"]) == 0
    assert "第1版" in capsys.readouterr().out
    report = scenario.reports["4"]
    report.value = 60
    report.save(update_fields=["value"])
    assert main(["score", "--scheme", "TOWNS", "--period", "2026-Q2", "--publish"]) == 0
    out = capsys.readouterr().out
    assert "第2版" in out and "T03 丙镇 component:IND：25.00 → 30.00" in out


def test_period_of_the_wrong_type_is_a_usage_error(scenario, capsys):
    assert main(["score", "--scheme", "TOWNS", "--period", "2026-05"]) == 2
    assert "与方案的考核周期（季度）不符" in capsys.readouterr().err
    assert main(["ranking", "--scheme", "TOWNS", "--period", "2026", "--format", "json"]) == 2


def test_unknown_scheme_is_exit_1(scenario, capsys):
    assert main(["score", "--scheme", "NOPE", "--period", "2026-Q2"]) == 1
    assert "考核方案“NOPE”不存在" in capsys.readouterr().err


def test_ranking_json(scenario, capsys):
    assert main(["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [row["unit_code"] for row in data] == ["T02", "T01", "T03"]
    assert data[1] == {
        "unit_code": "T01", "unit": "甲镇", "rank": 2, "total": "90.92", "grade": "优秀",
        "veto": False,
        "components": [
            {"code": "IND", "name": "指标完成", "points": "50.00", "score": "46.67"},
            {"code": "MS", "name": "节点完成", "points": "30.00", "score": "26.25"},
            {"code": "SUP", "name": "督办情况", "points": "20.00", "score": "17.00"},
        ],
    }  # fmt: skip
    assert data[2]["veto"] is True and data[2]["rank"] == 3


def test_ranking_csv_uses_the_published_result(scenario, capsys):
    assert main(["score", "--scheme", "TOWNS", "--period", "2026-Q2", "--publish"]) == 0
    scenario.b.name = "乙街道"
    scenario.b.save(update_fields=["name"])
    capsys.readouterr()
    assert main(["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["排名", "单位编码", "单位", "总分", "等次", "一票否决", "指标完成",
                       "节点完成", "督办情况"]  # fmt: skip
    assert rows[1] == ["1", "T02", "乙镇", "98.00", "优秀", "否", "50.00", "30.00", "20.00"]
    assert rows[3][:6] == ["3", "T03", "丙镇", "57.00", "不合格", "是"]


def test_ranking_xlsx_needs_o(scenario, capsys, tmp_path):
    args = ["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "xlsx"]
    assert main(args) == 2
    assert "-o" in capsys.readouterr().err
    target = tmp_path / "rank.xlsx"
    assert main([*args, "-o", str(target)]) == 0
    sheet = load_workbook(target).active
    assert [cell.value for cell in sheet[2]][:5] == [1, "T02", "乙镇", 98, "优秀"]
    assert sheet["D2"].data_type == "n" and sheet["D2"].number_format == "0.00"
