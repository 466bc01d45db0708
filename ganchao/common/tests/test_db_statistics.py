"""Bulk writers leave planner statistics behind (MACHINE_NOTES: without them PostgreSQL
estimates one row where thousands come back and loops over the units table)."""

import pytest
from django.db import connection

from ganchao.common.db import refresh_statistics
from ganchao.conftest import make_unit
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import Unit

pytestmark = pytest.mark.django_db


def _has_statistics(table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0] == 0:
                return False
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0] > 0


def test_statistics_exist_for_the_tables_a_bulk_writer_filled():
    root = make_unit("统计市", UnitType.CITY, code="STAT")
    for n in range(30):
        make_unit(f"统计单位{n}", UnitType.DEPARTMENT, root, code=f"STAT{n:02d}")
    table = Unit._meta.db_table
    assert refresh_statistics([Unit]) == [table]
    assert _has_statistics(table)


def test_whole_database_is_analysed_when_no_table_is_named():
    make_unit("统计市", UnitType.CITY, code="STAT")
    assert refresh_statistics() == []
    assert _has_statistics(Unit._meta.db_table)


def test_an_unknown_argument_is_refused():
    with pytest.raises(TypeError):
        refresh_statistics([42])


def _statistics(table: str) -> list:
    """The planner statistics of a table as they stand (empty when it has none): a test that
    committed an ANALYZE earlier on the same worker (a browser test's seed) leaves some behind,
    so an import is judged by whether it changes them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT attname, null_frac, n_distinct, most_common_vals::text,"
                " histogram_bounds::text FROM pg_stats WHERE tablename = %s ORDER BY attname",
                [table],
            )
        else:
            if not _has_statistics(table):
                return []
            cursor.execute(
                "SELECT idx, stat FROM sqlite_stat1 WHERE tbl = %s ORDER BY idx", [table]
            )
        return cursor.fetchall()


def test_a_large_goal_import_leaves_statistics_and_a_small_one_does_not(city, monkeypatch):
    from ganchao.goals import import_writes
    from ganchao.goals.imports import goal_sheet_import
    from ganchao.goals.models import Assignment
    from ganchao.goals.tests.sheet_builders import big_rows, goal_sheet

    table = Assignment._meta.db_table
    before = _statistics(table)
    monkeypatch.setattr(import_writes, "ANALYZE_AFTER_ROWS", 1_000)
    small = goal_sheet_import(actor=None, data=goal_sheet(big_rows(50)), year=2026)
    assert small.summary_lines() == ["新增 63，更新 0，未变 0"]
    assert _statistics(table) == before  # not analysed
    monkeypatch.setattr(import_writes, "ANALYZE_AFTER_ROWS", 50)
    large = goal_sheet_import(actor=None, data=goal_sheet(big_rows(50)), year=2027)
    assert large.summary_lines() == ["新增 63，更新 0，未变 0"]
    after = _statistics(table)
    assert after and after != before  # analysed: statistics of the 126 rows now there


def test_analysing_every_table_leaves_the_clusters_shared_catalogues_unlocked():
    """Two databases seeded at once (two test workers, two cities on one server) each ANALYZE
    inside their transaction: a bare ANALYZE locked the shared pg_authid to the end of it, so
    the second waited for the first's whole seed."""
    make_unit("统计市", UnitType.CITY, code="STAT")
    refresh_statistics()
    assert _has_statistics(Unit._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = pg_backend_pid() AND c.relisshared"
            )
            assert cursor.fetchall() == []
