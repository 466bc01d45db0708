"""How a published result's documents are stored: lz4 on PostgreSQL (migration 0007), nothing
changed on SQLite, and a server without lz4 still migrates; sent as bound parameters on
PostgreSQL (storage.result_insert)."""

import importlib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ganchao.assessment import selectors, services
from ganchao.assessment.models import Result
from ganchao.assessment.periods import parse
from ganchao.assessment.snapshot import standings
from ganchao.assessment.tests.test_scoring_queries import add_towns
from ganchao.orgs.models import Unit

lz4 = importlib.import_module("ganchao.assessment.migrations.0007_result_documents_lz4")

pytestmark = pytest.mark.django_db
Q2 = parse("2026-Q2", "quarter")


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


def test_a_publication_stores_its_documents_as_computed_and_keeps_them_on_the_result(scenario):
    """On PostgreSQL the documents go as bound parameters encoded by pydantic_core: the stored
    values are still the draft's, names with quotes and backslashes included, and the
    returned result holds the rows themselves."""
    add_towns(scenario, [11, 12])
    Unit.objects.filter(code="T11").update(name="新\"十一\"\\镇 '乙'")
    draft = selectors.draft_outcome(scenario.scheme, Q2)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        result, _changes = services.result_publish(
            actor=None, scheme=scenario.scheme, period="2026-Q2"
        )
    assert result.snapshot == draft.rows and result.unassessed == draft.unassessed
    assert result.standings == standings(draft.rows) and result.differences == []
    stored = Result.objects.get(pk=result.pk)
    assert stored.snapshot == draft.rows
    assert stored.standings == standings(draft.rows)
    assert [row["unit"] for row in stored.snapshot if row["unit_code"] == "T11"] == [
        "新\"十一\"\\镇 '乙'"
    ]
    insert = next(
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "assessment_result"')
    )
    if connection.vendor == "postgresql":  # the statement carries no document text
        assert "新" not in insert and len(insert) < 1000
        from psycopg import ClientCursor

        with connection.cursor() as cursor:  # later statements bind on the client again
            assert isinstance(cursor.cursor, ClientCursor)
