"""How a published result's documents are stored: lz4 on PostgreSQL (migration 0007), nothing
changed on SQLite, and a server without lz4 still migrates."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

lz4 = importlib.import_module("ganchao.assessment.migrations.0007_result_documents_lz4")

pytestmark = pytest.mark.django_db


def _compression() -> dict[str, str]:
    """Each document column's attcompression: 'l' lz4, 'p' pglz, '' the server's default."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute"
            " WHERE attrelid = 'assessment_result'::regclass AND attname = ANY(%s)",
            [list(lz4.COLUMNS)],
        )
        return {name: method.replace("\x00", "") for name, method in cursor.fetchall()}


class _Editor:
    """What the migration uses of a schema editor, run on the test's connection (SQLite's own
    schema editor refuses to open inside the test's transaction)."""

    def __init__(self):
        self.connection = connection
        self.quote_name = connection.ops.quote_name
        self.statements = []

    def execute(self, sql):
        self.statements.append(sql)
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_documents_are_lz4_on_postgresql_and_untouched_elsewhere():
    editor = _Editor()
    if connection.vendor != "postgresql":
        with CaptureQueriesContext(connection) as queries:
            lz4.forwards(None, editor)
            lz4.backwards(None, editor)
        assert queries.captured_queries == []
        return
    assert _compression() == dict.fromkeys(lz4.COLUMNS, "l")
    lz4.backwards(None, editor)
    assert _compression() == dict.fromkeys(lz4.COLUMNS, "")
    lz4.forwards(None, editor)
    assert _compression() == dict.fromkeys(lz4.COLUMNS, "l")


class _WithoutLz4(_Editor):
    """A server built without lz4: every ALTER fails as PostgreSQL's does
    (feature_not_supported), inside the migration's transaction."""

    def execute(self, sql):
        self.statements.append(sql)
        with connection.cursor() as cursor:
            cursor.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'compression method lz4 not supported'"
                " USING ERRCODE = 'feature_not_supported'; END $$"
            )


def test_a_server_without_lz4_keeps_its_default_and_the_migration_goes_on():
    without = _WithoutLz4()
    lz4.forwards(None, without)
    # The transaction is still usable: the failure was confined to a savepoint.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    if connection.vendor == "postgresql":
        assert len(without.statements) == 1
        assert "SET COMPRESSION lz4" in without.statements[0]
        assert _compression() == dict.fromkeys(lz4.COLUMNS, "l")  # as migrated, unchanged
    else:
        assert without.statements == []
