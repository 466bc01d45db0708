"""The suite's test databases, migrated once per run (ganchao/conftest.py `django_db_setup`).

Migrating an empty database takes one to four minutes on the CI machine, and pytest-django
migrates one per xdist worker. Here the first worker that needs a database migrates a template
(the test database's name + `_template`) under a file lock, and every worker, the first
included, copies it: PostgreSQL `CREATE DATABASE … TEMPLATE`, SQLite the file through SQLite's
backup API. The migrations still run, once per run, from the first to the last. The process
that started the run (the xdist controller, or the only process) drops the template at the end.

A run with --reuse-db (and no --create-db) or --no-migrations keeps pytest-django's own set-up.
"""

import fcntl
import json
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

FOLDER_KEY = pytest.StashKey[Path]()
WORKER_INPUT = "ganchao_test_databases"
TEMPLATES = "templates.json"


def start_run(config) -> None:
    """In the process that started the run: a folder of its own for the lock and the list of
    templates made, handed to the workers (configure_node)."""
    if not hasattr(config, "workerinput"):
        config.stash[FOLDER_KEY] = Path(tempfile.mkdtemp(prefix="ganchao-test-databases-"))


def configure_node(node) -> None:
    node.workerinput[WORKER_INPUT] = str(node.config.stash[FOLDER_KEY])


def run_folder(config) -> Path | None:
    if hasattr(config, "workerinput"):
        folder = config.workerinput.get(WORKER_INPUT)
        return Path(folder) if folder else None
    return config.stash.get(FOLDER_KEY, None)


def finish_run(config) -> None:
    """In the process that started the run, after every worker has finished: drop the
    templates made during the run and the folder."""
    if hasattr(config, "workerinput") or FOLDER_KEY not in config.stash:
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    folder = config.stash[FOLDER_KEY]
    listed = folder / TEMPLATES
    made = json.loads(listed.read_text()) if listed.exists() else {}
    with config.stash[blocking_manager_key].unblock():
        for alias, name in made.items():
            connections[alias].creation._destroy_test_db(name, verbosity=0)
            connections[alias].close()
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _locked(folder: Path):
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def setup_from_template(config, *, aliases, serialized_aliases, verbosity):
    """As django.test.utils.setup_databases, each database copied from the run's template
    (migrated here first if no worker has yet). Returns what teardown_databases takes."""
    from django.db import connections
    from django.test.utils import get_unique_databases_and_mirrors

    folder = run_folder(config)
    worker = config.workerinput["workerid"] if hasattr(config, "workerinput") else None
    test_databases, mirrored_aliases = get_unique_databases_and_mirrors(aliases)
    old_names = []
    with _locked(folder):
        listed = folder / TEMPLATES
        made = json.loads(listed.read_text()) if listed.exists() else {}
        for db_name, group in test_databases.values():
            first = connections[group[0]]
            old_names.append((first, db_name, True))
            if first.alias not in made:
                made[first.alias] = _migrate_template(first, worker, verbosity)
                listed.write_text(json.dumps(made))
            _copy_template(first, made[first.alias])
            for alias in group[1:]:
                old_names.append((connections[alias], db_name, False))
                connections[alias].creation.set_as_test_mirror(first.settings_dict)
    for alias, mirror_alias in mirrored_aliases.items():
        connections[alias].creation.set_as_test_mirror(connections[mirror_alias].settings_dict)
    for alias in serialized_aliases:
        connection = connections[alias]
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    return old_names


def _migrate_template(connection, worker, verbosity) -> str:
    """A fresh test database by the name of this process's one without the worker's suffix,
    + _template, made by Django as it makes a test database (migrate, createcachetable); left
    closed, with the connection's names as they were."""
    from django.conf import settings

    test = connection.settings_dict["TEST"]
    own = connection.creation._get_test_db_name()
    base = own.removesuffix(f"_{worker}") if worker else own
    template = f"{base}_template"
    name_before, test_name_before = connection.settings_dict["NAME"], test.get("NAME")
    test["NAME"] = template
    try:
        connection.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        connection.close()
        test["NAME"] = test_name_before
        settings.DATABASES[connection.alias]["NAME"] = name_before
        connection.settings_dict["NAME"] = name_before
    return template


def _copy_template(connection, template: str) -> None:
    """This process's test database, a copy of the template; the connection pointed at it."""
    from django.conf import settings

    target = connection.creation._get_test_db_name()
    _copy(connection, template, target)
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = target
    connection.settings_dict["NAME"] = target
    connection.ensure_connection()


def copy_template_to(config, target: str, alias: str = "default") -> bool:
    """A migrated, empty database at `target` (a PostgreSQL database name, created; a SQLite
    file path), copied from the run's template; False when the run made none (--reuse-db)."""
    from django.db import connections

    folder = run_folder(config)
    listed = folder / TEMPLATES if folder else None
    if listed is None or not listed.exists():
        return False
    template = json.loads(listed.read_text()).get(alias)
    if template is None:
        return False
    with _locked(folder):
        _copy(connections[alias], template, target)
    return True


def _copy(connection, template: str, target: str) -> None:
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
            cursor.execute(f"CREATE DATABASE {quote(target)} WITH TEMPLATE {quote(template)}")
    elif connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
        source, copy = sqlite3.connect(template), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:  # config/env.py accepts only these two (DATABASE_URL)
        raise RuntimeError(
            f"test databases are copied from a template on SQLite and PostgreSQL only, "
            f"not {connection.vendor}"
        )
