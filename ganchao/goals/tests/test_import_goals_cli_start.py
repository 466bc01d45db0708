"""`ganchao import-goals` reads and writes a sheet without running Django's system checks
(issue 13: they import every URL and API router, about 3 s of a 10,000-row import)."""

import pytest
from django.core import checks

from ganchao.cli import main
from ganchao.goals.models import Plan
from ganchao.goals.tests.sheet_builders import basic_rows, goal_sheet

pytestmark = pytest.mark.django_db


def test_import_goals_runs_without_system_checks(city, tmp_path, capsys, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("import-goals ran the system checks")

    monkeypatch.setattr(checks, "run_checks", refuse)
    sheet = tmp_path / "goals.xlsx"
    sheet.write_bytes(goal_sheet(basic_rows()))
    assert main(["import-goals", str(sheet), "--plan", "2026"]) == 0
    assert "新增" in capsys.readouterr().out
    assert Plan.objects.filter(year=2026).exists()
