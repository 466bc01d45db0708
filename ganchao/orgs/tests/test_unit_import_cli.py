"""`ganchao import-units` and `ganchao export-units` (DESIGN.md 3.1): exit status, stdout
summary, one Chinese error per line on stderr with the place named."""

import pytest
from django.db import connections

from ganchao import cli
from ganchao.audit.models import AuditEvent
from ganchao.orgs.models import Unit
from ganchao.orgs.tests.sheets import BAD_ROWS, GOOD_ROWS, unit_sheet


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    # A command closes the connections when it ends; the test's transaction must survive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture
def sheet(tmp_path):
    def _write(data: bytes, name: str = "单位表.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return _write


def test_bad_sheet_exits_1_and_writes_nothing(city, sheet, capsys):
    units, events = Unit.objects.count(), AuditEvent.objects.count()
    assert cli.main(["import-units", sheet(unit_sheet(BAD_ROWS))]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "第3行 C列（上级单位）：找不到单位“南湖镇”",
        "第4行 B列（单位名称）：同一上级单位下已有名为“北湖镇”的单位（第2行）",
        "第5行 D列（单位类型）：村不能设在市“赶超市”之下",
    ]
    assert (Unit.objects.count(), AuditEvent.objects.count()) == (units, events)


def test_good_sheet_then_export_round_trip(city, sheet, tmp_path, capsys):
    assert cli.main(["import-units", sheet(unit_sheet(GOOD_ROWS))]) == 0
    captured = capsys.readouterr()
    assert captured.out == "新增 4，更新 0，未变 0\n"
    assert "提示：单位“市统计局（C003）”不在表中" in captured.err
    exported = tmp_path / "导出.xlsx"
    assert cli.main(["export-units", "-o", str(exported)]) == 0
    assert str(exported) in capsys.readouterr().out
    events = AuditEvent.objects.count()
    assert cli.main(["import-units", str(exported)]) == 0
    captured = capsys.readouterr()
    total = Unit.objects.count()
    assert captured.out == f"新增 0，更新 0，未变 {total}\n市级领导：新增 0，更新 0，未变 1\n"
    assert captured.err == ""
    assert AuditEvent.objects.count() == events


def test_dry_run_prints_the_summary_and_writes_nothing(city, sheet, capsys):
    units = Unit.objects.count()
    assert cli.main(["import-units", sheet(unit_sheet(GOOD_ROWS)), "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "新增 4，更新 0，未变 0\n"
    assert "试运行" in captured.err
    assert Unit.objects.count() == units


def test_dry_run_of_a_bad_sheet_exits_1(city, sheet, capsys):
    assert cli.main(["import-units", sheet(unit_sheet(BAD_ROWS)), "--dry-run"]) == 1
    assert len(capsys.readouterr().err.splitlines()) == 3


def test_missing_file_exits_1(city, tmp_path, capsys):
    assert cli.main(["import-units", str(tmp_path / "没有.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err


def test_old_excel_format_exits_1(city, sheet, capsys):
    assert cli.main(["import-units", sheet(unit_sheet(GOOD_ROWS), "单位表.xls")]) == 1
    assert "请另存为 .xlsx 格式" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["import-units"], ["export-units"], ["import-units", "a.xlsx", "--bogus"]]
)
def test_usage_errors_exit_2(db, argv, capsys):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err


def test_export_to_an_unwritable_place_exits_1(city, tmp_path, capsys):
    assert cli.main(["export-units", "-o", str(tmp_path / "无此目录" / "单位.xlsx")]) == 1
    assert "无法写入文件" in capsys.readouterr().err
