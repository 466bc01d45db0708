"""Exports that cannot run code (issue 12 item 2): unit names like `=cmd|' /C calc'!A0` and
`=HYPERLINK("http://x","y")` came out as live formula cells in the unit, goal, manual-score,
ranking and breakdown exports and raw in `ganchao ranking --format csv`.

Two guards. The code walk: nothing outside common/exports.py writes a sheet or a CSV file on its
own (no openpyxl workbook, no csv writer), and every function that produces an export (calls
`workbook_bytes` or `csv_text`) is in EXPORTS below — so a new export cannot be forgotten. The
registry walk: every export in EXPORTS is run with hostile unit and item names, and what it
wrote is read back: no formula cell anywhere, the hostile names come back as the literal text.
"""

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import transaction
from openpyxl import load_workbook

from ganchao.assessment import exports as ranking_exports
from ganchao.assessment import manual_sheet, services
from ganchao.assessment.selectors import latest_result
from ganchao.assessment.tests.conftest import scenario  # noqa: F401  (the fixture)
from ganchao.assessment.tests.league_support import publish
from ganchao.cli import main
from ganchao.common.exports import FORMULA_TRIGGERS, csv_field, csv_text, write_cell
from ganchao.goals import exports as goal_exports
from ganchao.goals.models import Item
from ganchao.orgs import exports as unit_exports

CALC = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://x","y")'
HOSTILE = (CALC, LINK)
PACKAGE = Path(__file__).resolve().parents[2]
# the one writer, the one reader, and the benchmark's generated input sheet (its cells are
# generated codes and the units' own names, never served to a user as a download)
WRITERS = {"common/exports.py", "common/excel.py", "goals/bench_sheet.py"}


@pytest.fixture
def world(scenario, settings):  # noqa: F811
    """The worked example with two towns and two items named like formulas, a manual component
    scored, the ranking published; the city itself named like a formula (the unit template)."""
    settings.GANCHAO_CITY_NAME = LINK
    scenario.a.name, scenario.b.name = CALC, LINK
    scenario.a.save(update_fields=["name"])
    scenario.b.save(update_fields=["name"])
    Item.objects.filter(plan=scenario.plan, code="1").update(name=CALC)
    Item.objects.filter(plan=scenario.plan, code="2").update(name=LINK)
    with transaction.atomic():
        scenario.manual = services.scheme_create(
            actor=None, code="EVAL", name=LINK, category=scenario.category, period_type="quarter",
            components=[
                {"code": "IND", "name": "指标完成", "kind": "indicators", "points": 90, "method": "ratio"},
                {"code": "PEER", "name": CALC, "kind": "manual", "points": 10},
            ],
        )  # fmt: skip
        services.manual_score_set(
            actor=None, scheme=scenario.manual, component_code="PEER", period="2026-Q2",
            unit=scenario.a, score=Decimal("8.5"),
        )  # fmt: skip
    publish(scenario.scheme, "2026-Q2")
    scenario.rows = latest_result("TOWNS", "2026-Q2").snapshot
    return scenario


def _catalogue_sheet(world, monkeypatch):
    from ganchao.decisions import selectors_catalogue

    item = SimpleNamespace(
        seq=1, title=CALC, get_category_display=lambda: LINK, undertaking_unit=world.a,
        planned_quarter="-1", description=LINK,
    )  # fmt: skip
    monkeypatch.setattr(selectors_catalogue, "catalogue_items", lambda catalogue: [item])
    return selectors_catalogue.catalogue_sheet(None)


def _exceptions_sheet(world, monkeypatch):
    from ganchao.decisions.views.after import _exceptions_xlsx

    row = SimpleNamespace(
        rule=LINK, kind="@SUM(A1)", decision_code="+86", decision_title=CALC, at=None, who=CALC,
        reason="\tx",
    )  # fmt: skip
    return _exceptions_xlsx([row], 2026).content


def _case_manifest(world, monkeypatch):
    from ganchao.enforcement.archive import MANIFEST_FIELDS, manifest_csv

    row = dict.fromkeys(MANIFEST_FIELDS, LINK) | {"path": CALC, "size": -12}
    return manifest_csv([row])


def _problem_sheet(world, monkeypatch):
    import datetime as dt

    from ganchao.problems.models import Problem
    from ganchao.problems.sheet import problem_sheet_export

    Problem.objects.create(
        number="WT202600001", source="visit", place_type="village", place=CALC, place_key=CALC,
        category="other", severity="general", description=LINK, owner_unit=world.a,
        found_on=dt.date(2026, 3, 2), deadline=dt.date(2026, 3, 30), measures="-1",
    )  # fmt: skip
    return problem_sheet_export(Problem.objects.all())


# Every function that produces an export → (how to run it on `world`, whether the hostile names
# reach it). A new export is added here, or the code walk below fails.
EXPORTS = {
    "orgs.exports:unit_sheet_export": (lambda w, m: unit_exports.unit_sheet_export(), True),
    "orgs.exports:unit_sheet_template": (lambda w, m: unit_exports.unit_sheet_template(), True),
    "goals.exports:goal_sheet_export": (lambda w, m: goal_exports.goal_sheet_export(w.plan), True),
    "goals.exports:goal_sheet_template": (lambda w, m: goal_exports.goal_sheet_template(), False),
    "goals.exports:report_sheet_template": (
        lambda w, m: goal_exports.report_sheet_template(w.plan),
        False,
    ),
    "assessment.exports:ranking_xlsx": (
        lambda w, m: ranking_exports.ranking_xlsx(w.rows, "排名", unassessed=[w.rows[0]]),
        True,
    ),
    "assessment.exports:ranking_csv": (lambda w, m: ranking_exports.ranking_csv(w.rows), True),
    "assessment.exports:breakdown_xlsx": (
        lambda w, m: ranking_exports.breakdown_xlsx(w.rows, "得分明细"),
        True,
    ),
    "assessment.manual_sheet:_workbook": (
        lambda w, m: manual_sheet.manual_sheet_export(w.manual, "2026-Q2"),
        True,
    ),
    "decisions.selectors_catalogue:catalogue_sheet": (_catalogue_sheet, True),
    "decisions.views.after:_exceptions_xlsx": (_exceptions_sheet, True),
    "enforcement.archive:manifest_csv": (_case_manifest, True),
    "problems.sheet:problem_sheet_export": (_problem_sheet, True),
}
EXPORT_CALLS = {"workbook_bytes", "csv_text"}


# ---- the code walk ------------------------------------------------------------------------


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _called_names(node) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def _export_functions() -> set[str]:
    found = set()
    for relative, tree in _sources():
        if relative in WRITERS:
            continue
        module = relative.removesuffix(".py").replace("/", ".")
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and _called_names(node) & EXPORT_CALLS:
                found.add(f"{module}:{node.name}")
    return found


def test_every_export_function_is_in_the_registry():
    found = _export_functions()
    assert found, "the walk found no export at all"
    assert found == set(EXPORTS), (
        f"not in EXPORTS: {sorted(found - set(EXPORTS))}; gone: {sorted(set(EXPORTS) - found)}"
    )


def _writes_on_its_own(tree) -> list[str]:
    """Imports that would let a module write a sheet or CSV past the one writer (styles and
    cell helpers of openpyxl are fine)."""
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bad += [a.name for a in node.names if a.name in {"csv", "openpyxl", "xlsxwriter"}]
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top in {"csv", "xlsxwriter"} or node.module == "openpyxl":
                bad.append(node.module)
    return bad


def test_nothing_writes_a_sheet_or_csv_past_the_one_writer():
    offenders = {
        relative: bad
        for relative, tree in _sources()
        if relative not in WRITERS and (bad := _writes_on_its_own(tree))
    }
    assert not offenders, offenders


# ---- the registry walk --------------------------------------------------------------------


def _starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def _check_sheet(data: bytes) -> set[str]:
    """No formula cell; every text starting like a formula is a quoted text cell; the texts."""
    texts = set()
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    if _starts_like_formula(cell.value):
                        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    return texts


def _check_csv(text: str) -> set[str]:
    """Every field starting like a formula is a number; the fields, quote prefixes removed."""
    fields = set()
    for line in csv.reader(io.StringIO(text.removeprefix("\ufeff"))):
        for field in line:
            if _starts_like_formula(field):
                Decimal(field)  # a negative number written as a number stays one
            fields.add(field.removeprefix("'") if field.startswith("'") else field)
    return fields


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_export_writes_formula_names_as_text(world, monkeypatch, name):
    run, reaches = EXPORTS[name]
    output = run(world, monkeypatch)
    texts = _check_csv(output) if isinstance(output, str) else _check_sheet(output)
    if reaches:
        assert texts & set(HOSTILE), f"{name} wrote none of the hostile names"
        assert not {t for t in texts if t.startswith("'=")}, "a quote was written into a cell"


def test_ranking_csv_on_the_command_line_quotes_the_formula_names(world, capsys):
    capsys.readouterr()
    assert main(["ranking", "--scheme", "TOWNS", "--period", "2026-Q2", "--format", "csv"]) == 0
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    names = {line[2] for line in lines[1:]}
    assert {"'" + CALC, "'" + LINK} <= names
    assert all(line[2].startswith("'=") for line in lines[1:] if "=" in line[2])
    assert not any(field.startswith(FORMULA_TRIGGERS) for line in lines for field in line)


def test_a_sheet_cell_reads_back_as_the_literal_text():
    from ganchao.common.exports import new_workbook, workbook_bytes

    book = new_workbook()
    sheet = book.create_sheet("t")
    for row, text in enumerate([*HOSTILE, "+1", "-", "@x", "\tx", "\rx"], start=1):
        write_cell(sheet, row, 1, text)
    write_cell(sheet, 7, 1, -12.5)
    ws = load_workbook(io.BytesIO(workbook_bytes(book)))["t"]
    assert [ws.cell(r, 1).value for r in range(1, 4)] == [CALC, LINK, "+1"]
    assert all(ws.cell(r, 1).data_type == "s" for r in range(1, 7))
    assert ws.cell(7, 1).value == -12.5 and ws.cell(7, 1).data_type == "n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(CALC, "'" + CALC), (LINK, "'" + LINK), (-3, "-3"), ("-2.5", "-2.5"), ("-2+3", "'-2+3")],
)
def test_csv_fields(value, expected):
    assert csv_field(value) == expected
    assert list(csv.reader(io.StringIO(csv_text([[value]], header=["h"])))) == [["h"], [expected]]
