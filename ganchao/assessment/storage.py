"""How a published result reaches the database with its JSON documents (issue 13).

A province's publication writes about 10 MB of JSON (the snapshot of every unit's breakdown,
the units with nothing to assess). Django encodes a JSONField with `json.dumps` and, with the
client-side binding it uses by default on psycopg 3, quotes the text into the INSERT, which
PostgreSQL then lexes before parsing it as JSON. On PostgreSQL the documents are instead
encoded by pydantic_core (about four times faster than `json.dumps` on these documents) and
sent as bound parameters of that one INSERT: no quoting on our side, no lexing on the
server's. jsonb keeps the parsed value, not the text, so the stored documents are the same
value either way. Elsewhere (SQLite keeps the text itself) Django's own path, unchanged."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection
from django.db.models import Value
from pydantic_core import to_json

from ganchao.assessment.models import Result

DOCUMENTS = ("snapshot", "standings", "unassessed", "differences")


def result_insert(result: Result) -> Result:
    """INSERT the unsaved `result`; its document attributes keep their Python values."""
    if connection.vendor != "postgresql":
        result.save(force_insert=True)
        return result
    from psycopg.types.json import Jsonb

    documents = {name: getattr(result, name) for name in DOCUMENTS}
    for name, document in documents.items():
        # An expression is compiled as it is: Django neither adapts nor encodes it again.
        setattr(result, name, Value(Jsonb(document, dumps=to_json)))
    try:
        with _server_side_binding():
            result.save(force_insert=True)
    finally:
        for name, document in documents.items():
            setattr(result, name, document)
    return result


@contextmanager
def _server_side_binding():
    """Cursors opened meanwhile send their parameters apart from the statement (psycopg's
    Cursor instead of the ClientCursor Django uses unless OPTIONS server_side_binding)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    factory = raw.cursor_factory
    raw.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        raw.cursor_factory = factory
