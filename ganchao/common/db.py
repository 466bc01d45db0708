"""Planner statistics after bulk writes (MACHINE_NOTES "PostgreSQL statistics after bulk loads").

A table filled by one bulk statement has no statistics until ANALYZE runs, and autovacuum lags a
bulk load (or is off): PostgreSQL then estimates one row where thousands come back and picks
nested loops over the units table. Every bulk writer — the demo seed, a large goal import, a
restore — calls `refresh_statistics` for the tables it filled. ANALYZE samples a fixed number of
rows per table (a second or two for the province seed) and may run inside a transaction; on
PostgreSQL it also counts the rows the current transaction wrote, so a writer can call it before
the reads that follow its inserts.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Model


def _table(model_or_table) -> str:
    if isinstance(model_or_table, str):
        return model_or_table
    if isinstance(model_or_table, type) and issubclass(model_or_table, Model):
        return model_or_table._meta.db_table
    raise TypeError(f"not a model or table name: {model_or_table!r}")


def refresh_statistics(tables: Iterable | None = None) -> list[str]:
    """ANALYZE the given models or table names (every table when None) on this connection's
    database. Returns the tables analysed (an empty list when None was given: all of them)."""
    names = sorted({_table(entry) for entry in tables}) if tables is not None else []
    if tables is not None and not names:
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if not names and connection.vendor == "postgresql":
            # The database's own tables by name: a bare ANALYZE also analyses the cluster's
            # shared catalogues (pg_authid …), whose lock is held to the end of the
            # transaction, so two databases seeded at once (two test workers, two cities)
            # waited for each other's whole transaction.
            every = connection.introspection.table_names(cursor)
            if every:
                cursor.execute("ANALYZE " + ", ".join(quote(name) for name in every))
        elif not names:
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(quote(name) for name in names))
        else:  # SQLite analyses one table (or the whole file) per statement
            for name in names:
                cursor.execute(f"ANALYZE {quote(name)}")
    return names
