"""Django's flush, able to empty the audit tables on SQLite too.

The audit tables are append-only at database level (triggers refuse UPDATE and DELETE).
PostgreSQL's flush uses TRUNCATE, which fires no row triggers; SQLite's flush deletes rows, so
there the triggers are lifted for the flush and put back afterwards. Emptying a whole database
is a deliberate act of whoever runs the command (and the test runner between tests), not a
way to rewrite the chain unseen: an emptied chain has no events, no identity, no checkpoints.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from ganchao.audit.triggers import append_only_suspended


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with append_only_suspended(connection):
            return super().handle(**options)
