"""How the goal sheet import reads a large file (issue 13): a sheet written without a leading
<dimension> (openpyxl's write-only mode) imports exactly as the same rows written normally,
the garbage collector paused for the import runs again afterwards (also after a refused
file), and a phone repeated on many rows is stored encrypted on each of them."""

import gc
import io
import zipfile

import pytest
from django.db import connection
from openpyxl import Workbook

from ganchao.common.import_jobs import estimated_rows
from ganchao.goals import goal_sheet as gs
from ganchao.goals.imports import goal_sheet_import
from ganchao.goals.models import Assignment, Item
from ganchao.goals.tests.sheet_builders import HEADERS, basic_rows, big_rows, goal_sheet


def run(data, year=2026):
    return goal_sheet_import(actor=None, data=data, year=year, filename="goals.xlsx")


def write_only_sheet(rows) -> bytes:
    """The rows as openpyxl's write-only mode writes them: no <dimension> before the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(gs.GOAL_SHEET_TITLE)
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stored(year):
    return list(
        Item.objects.filter(plan__year=year)
        .order_by("code", "assignments__unit__code")
        .values_list("code", "name", "type", "target", "q4", "assignments__unit__code")
    )


@pytest.mark.django_db
def test_a_sheet_without_a_leading_dimension_imports_as_the_same_rows_written_normally(city):
    rows = big_rows(60)
    data = write_only_sheet(rows)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<dimension" not in sheet_xml.split(b"<sheetData")[0]
    normal = run(goal_sheet(rows), year=2026)
    streamed = run(data, year=2027)
    assert [str(e) for e in streamed.errors] == []
    assert streamed.summary_lines() == normal.summary_lines() == ["新增 63，更新 0，未变 0"]
    assert stored(2027) == stored(2026)
    assert estimated_rows(goal_sheet(rows), "goals.xlsx") == len(rows) + 1


@pytest.mark.django_db
def test_the_garbage_collector_runs_again_after_an_import_and_after_a_refused_file(city):
    assert gc.isenabled()
    assert run(goal_sheet(basic_rows())).summary_lines() == ["新增 6，更新 0，未变 0"]
    assert gc.isenabled()
    refused = run(b"not a workbook")
    assert refused.errors and gc.isenabled()
    rows = basic_rows()
    rows[1][gs.TARGET] = "很多"
    assert [str(e) for e in run(goal_sheet(rows), year=2027).errors] == [
        "第3行 F列（目标值）：不是数字"
    ]
    assert gc.isenabled()


@pytest.mark.django_db
def test_a_phone_repeated_on_many_rows_is_stored_encrypted_on_each(city):
    rows = big_rows(40)
    codes = [row[gs.CODE] for row in rows if row[gs.TYPE] != "目标"]
    split = [
        {gs.CODE: code, gs.UNIT: "东山镇", gs.CONTACT_PHONE: "0571-12345678"} for code in codes
    ]
    result = run(goal_sheet(rows, split=split))
    assert [str(e) for e in result.errors] == []
    phones = Assignment.objects.filter(unit=city.town_b).values_list("contact_phone", flat=True)
    assert len(phones) == len(codes) and set(phones) == {"0571-12345678"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT contact_phone FROM goals_assignment WHERE contact_phone <> ''"
        )
        assert [value.startswith("enc1:") for (value,) in cursor.fetchall()] == [True]
