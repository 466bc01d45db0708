"""The suite's databases (ganchao/testdb.py): each worker's database is a copy of one template
made by running every migration, so it holds the whole schema and migrate's own rows."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db


def test_the_database_has_every_migration_applied():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_the_database_holds_the_rows_migrate_writes():
    assert ContentType.objects.filter(app_label="orgs", model="user").exists()
