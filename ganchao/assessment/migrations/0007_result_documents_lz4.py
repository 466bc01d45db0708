"""A published result's JSON documents are compressed with lz4 on PostgreSQL (issue 13).

A province's result is one multi-megabyte document (4.5 MB of JSON for 224 towns, 3.6 MB for
4,800 villages with nothing to assess), stored once per publication. PostgreSQL's default
pglz spent about a third of the publication's INSERT compressing it; lz4 compresses it faster
(and smaller: 1.01 MB -> 0.58 MB stored for the towns). Only the stored bytes change: the
value read back is the same jsonb. Values already stored stay pglz until rewritten.

A no-op on SQLite; on a PostgreSQL built without lz4 the columns keep the server's default."""

from django.db import migrations, transaction
from django.db.utils import NotSupportedError

TABLE = "assessment_result"
COLUMNS = ("snapshot", "standings", "unassessed", "differences")


def set_compression(schema_editor, method: str) -> None:
    """SET COMPRESSION `method` (lz4, or default for the server's) on the result's documents,
    in a savepoint: a server without lz4 refuses it and the migration goes on without it."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    quote = schema_editor.quote_name
    clauses = ", ".join(f"ALTER COLUMN {quote(c)} SET COMPRESSION {method}" for c in COLUMNS)
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute(f"ALTER TABLE {quote(TABLE)} {clauses}")
    except NotSupportedError:
        pass  # built without lz4 (--with-lz4): pglz, as before


def forwards(apps, schema_editor):
    set_compression(schema_editor, "lz4")


def backwards(apps, schema_editor):
    set_compression(schema_editor, "default")


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0006_component_enterprise_service"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
