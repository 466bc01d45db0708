"""The goal sheet import at size (issue 13): a fixed number of queries whatever the file's
size, the bench sheet imports cleanly and round-trips, and the bulk writes store what the ORM
would (encrypted phone numbers, defaults)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganchao.goals import goal_sheet as gs
from ganchao.goals.bench_sheet import write_goal_sheet
from ganchao.goals.imports import goal_sheet_import
from ganchao.goals.models import Assignment, Item, Milestone
from ganchao.goals.tests.sheet_builders import basic_rows, big_rows, goal_sheet


def run(data, year=2026, **kwargs):
    return goal_sheet_import(actor=None, data=data, year=year, filename="goals.xlsx", **kwargs)


def counted(data, year):
    with CaptureQueriesContext(connection) as queries:
        result = run(data, year=year)
    assert [str(e) for e in result.errors] == []
    return result, len(queries.captured_queries)


@pytest.mark.django_db
def test_import_takes_as_many_queries_for_500_rows_as_for_50(city):
    small, small_queries = counted(goal_sheet(big_rows(50)), 2026)
    large, large_queries = counted(goal_sheet(big_rows(500)), 2027)
    assert small.summary_lines() == ["新增 63，更新 0，未变 0"]
    assert large.summary_lines() == ["新增 504，更新 0，未变 0"]
    assert Assignment.objects.filter(item__plan__year=2027).count() == 24 * (10 * 3 + 10)
    assert small_queries == large_queries <= 30


@pytest.mark.django_db
def test_changed_rows_are_updated_in_as_many_queries_for_500_rows_as_for_50(city):
    sizes = {2026: big_rows(50), 2027: big_rows(500)}
    queries = {}
    for year, rows in sizes.items():
        run(goal_sheet(rows), year=year)
        rows[1][gs.NAME] = "改过的名称"
        rows[1][gs.MEASURE_UNIT] = "万人"
        result, queries[year] = counted(goal_sheet(rows), year)
        assert result.summary_lines() == [f"新增 0，更新 1，未变 {len(rows) - 1}"]
        assert Item.objects.get(plan__year=year, code="1.1").name == "改过的名称"
    assert queries[2026] == queries[2027] <= 30


@pytest.mark.django_db
def test_bench_sheet_imports_and_reimports_unchanged(city, tmp_path):
    path = tmp_path / "goals.xlsx"
    facts = write_goal_sheet(path, rows=120, year=2026)
    data = path.read_bytes()
    first = run(data)
    assert [str(e) for e in first.errors] == []
    assert first.summary_lines() == ["新增 120，更新 0，未变 0"]
    assert Assignment.objects.count() == facts.assignments > 120
    assert Milestone.objects.exists()
    again = run(data)
    assert again.summary_lines() == ["新增 0，更新 0，未变 120"] and not again.written


@pytest.mark.django_db
def test_bulk_written_assignments_read_back_as_the_orm_writes_them(city):
    split = [{gs.CODE: "1.1", gs.UNIT: "西湖镇", gs.TARGET: 7000, gs.Q1: 1000, gs.Q2: 3000,
              gs.Q3: 5000, gs.Q4: 7000, gs.CONTACT: "李四", gs.CONTACT_PHONE: "0571-12345678"}]  # fmt: skip
    result = run(goal_sheet(basic_rows(), split=split))
    assert [str(e) for e in result.errors] == []
    lead = Assignment.objects.get(item__code="1.1", unit=city.town_a)
    assert (lead.contact, lead.contact_phone, lead.target, lead.version) == (
        "李四",
        "0571-12345678",
        7000,
        1,
    )
    assert lead.created_at is not None and lead.weight == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM goals_assignment WHERE id = %s", [lead.pk])
        assert cursor.fetchone()[0].startswith("enc1:")
    assert run(goal_sheet(basic_rows(), split=split)).summary_lines() == ["新增 0，更新 0，未变 6"]
