"""Database-level append-only protection of the audit tables (LEGAL_RULES C7).

BEFORE UPDATE and BEFORE DELETE triggers refuse any change to a row of the audit tables,
whoever issues it: the ORM, a raw cursor, or a console. PostgreSQL has had them on the events
since migration 0002; migration 0003 adds them to the other append-only tables on PostgreSQL
and to all of them on SQLite.

Emptying a whole database stays possible: PostgreSQL's TRUNCATE (Django's flush, the demo's
reset) fires no row triggers; on SQLite, `append_only_suspended()` drops the triggers for the
duration of such a reset and puts them back, inside the caller's transaction when there is one.
"""

from contextlib import contextmanager

from django.db import connection as default_connection

APPEND_ONLY_TABLES = (
    "audit_auditevent",
    "audit_auditidentity",
    "audit_auditcheckpoint",
    "audit_auditverifyrun",
)
# PostgreSQL's event triggers come from migration 0002; 0003 adds the others.
POSTGRES_NEW_TABLES = APPEND_ONLY_TABLES[1:]
MESSAGE = "audit records are append-only ({op} refused)"


def sqlite_create(tables=APPEND_ONLY_TABLES) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(op=op)}'); END"
        for table in tables
        for op in ("UPDATE", "DELETE")
    ]


def sqlite_drop(tables=APPEND_ONLY_TABLES) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}"
        for table in tables
        for op in ("UPDATE", "DELETE")
    ]


POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def postgres_create(tables=POSTGRES_NEW_TABLES) -> list[str]:
    return [POSTGRES_FUNCTION] + [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()"
        for table in tables
        for op in ("UPDATE", "DELETE")
    ]


def postgres_drop(tables=POSTGRES_NEW_TABLES) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()} ON {table}"
        for table in tables
        for op in ("UPDATE", "DELETE")
    ]


def install(connection=None) -> None:
    """Create the triggers this vendor needs (idempotent on SQLite)."""
    connection = connection or default_connection
    statements = {"sqlite": sqlite_create, "postgresql": postgres_create}.get(connection.vendor)
    if statements is None:
        return
    with connection.cursor() as cursor:
        for sql in statements():
            cursor.execute(sql)


@contextmanager
def append_only_suspended(connection=None):
    """On SQLite, lift the append-only triggers while a whole database is emptied (Django's
    flush, the demo's --reset); PostgreSQL empties tables with TRUNCATE and needs nothing."""
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        yield
        return
    tables = set(connection.introspection.table_names())
    present = [table for table in APPEND_ONLY_TABLES if table in tables]
    with connection.cursor() as cursor:
        for sql in sqlite_drop(present):
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in sqlite_create(present):
                cursor.execute(sql)
