"""The read replica router (DATABASE_REPLICA_URL): which reads may go to the replica and which
must stay on the primary. The tests give the app a second alias, "replica", that opens its own
connection to the test database (as Django's TEST MIRROR does), so each query can be counted on
the connection that ran it."""

import copy

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext

from config import env
from ganchao.audit.models import AuditEvent
from ganchao.common import db_router
from ganchao.common.tests.api_client import TokenApi
from ganchao.orgs.models import RoleGrant, Unit, User
from ganchao.scheduler.models import TickState

ROUTER = "ganchao.common.db_router.ReplicaRouter"
MIDDLEWARE = "ganchao.common.db_router.ReplicaRoutingMiddleware"


@pytest.fixture
def replica(settings, transactional_db):
    """A second alias on the same (committed) test database, the router and its middleware."""
    primary = connections[DEFAULT_DB_ALIAS]
    connections["replica"] = primary.__class__(copy.deepcopy(primary.settings_dict), "replica")
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    yield connections["replica"]
    connections["replica"].close()
    del connections["replica"]


def tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


@pytest.fixture
def admin(transactional_db):
    from ganchao.conftest import City

    return City().admin


def test_a_read_only_page_reads_the_replica_and_signs_in_on_the_primary(replica, admin):
    api = TokenApi(admin)
    primary = connections[DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(primary) as on_primary:
        response = api.get("/units")
    assert response.status_code == 200
    assert "赶超市" in {unit["name"] for unit in response.json()["items"]}
    assert "orgs_unit" in tables(on_replica.captured_queries)
    # the token, its user and the user's roles and posts are read on the primary; nothing
    # else is read there
    assert on_primary.captured_queries
    signed_in = (
        '"accounts_',
        '"orgs_user"',
        '"orgs_rolegrant"',
        '"orgs_post"',
        '"orgs_leaderarea"',
    )
    assert all(any(t in q["sql"] for t in signed_in) for q in on_primary.captured_queries)
    assert "accounts_" not in tables(on_replica.captured_queries)
    assert "orgs_user" not in tables(on_replica.captured_queries)


def test_a_write_lands_on_the_primary_and_pins_the_writer_to_it(replica, admin):
    api = TokenApi(admin)
    with CaptureQueriesContext(replica) as on_replica:
        created = api.post("/units", {"name": "南湖镇", "type": "town", "parent_code": "C"})
    assert created.status_code == 201, created.content
    assert on_replica.captured_queries == []
    assert int(created.cookies[db_router.PIN_COOKIE]["max-age"]) == db_router.PIN_SECONDS
    # the next page reads the primary: the writer sees the new unit even if the replica lags
    with CaptureQueriesContext(replica) as on_replica:
        listed = api.get("/units")
    assert "南湖镇" in {unit["name"] for unit in listed.json()["items"]}
    assert on_replica.captured_queries == []


def test_a_run_out_pin_reads_the_replica_again(replica, admin):
    api = TokenApi(admin)
    api.client.cookies[db_router.PIN_COOKIE] = "1000"  # a stamp long past
    with CaptureQueriesContext(replica) as on_replica:
        api.get("/units")
    assert "orgs_unit" in tables(on_replica.captured_queries)


def _in_get_request():
    return db_router._route.set(db_router._Route(replica_allowed=True))


def test_routing_decisions_inside_a_read_only_request(settings, transactional_db):
    settings.DATABASE_ROUTERS = [ROUTER]
    token = _in_get_request()
    try:
        assert router.db_for_read(Unit) == "replica"
        # who is signed in and what they may see: a disabled account or a revoked role must
        # not live on in a replica a moment behind
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
        assert router.db_for_read(RoleGrant) == DEFAULT_DB_ALIAS
        # sign-in, the audit chain and the tick's lease never read a replica that may lag
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS
        assert router.db_for_read(AuditEvent) == DEFAULT_DB_ALIAS
        assert router.db_for_read(TickState) == DEFAULT_DB_ALIAS
        with transaction.atomic():
            assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Unit) == "replica"
        # bookkeeping on a GET (an audit record, a session) writes to the primary and leaves
        # the request's other reads where they were
        assert router.db_for_write(AuditEvent) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Session) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Unit) == "replica"
        # a write of data moves the rest of the request over: it must read what it wrote
        assert router.db_for_write(Unit) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
    finally:
        db_router._route.reset(token)
    # outside a request (the tick, commands, the job worker): the primary
    assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
    assert router.allow_migrate("replica", "orgs") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "orgs") is True


def test_a_write_request_reads_the_primary(rf, settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    seen = {}

    def view(request):
        seen[request.method] = router.db_for_read(Unit)
        from django.http import HttpResponse

        return HttpResponse("")

    middleware = db_router.ReplicaRoutingMiddleware(view)
    middleware(rf.get("/"))
    posted = middleware(rf.post("/"))
    assert seen == {"GET": "replica", "POST": DEFAULT_DB_ALIAS}
    assert db_router.PIN_COOKIE in posted.cookies


def test_replica_url_needs_a_postgresql_primary(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgresql://ro@replica.local:5433/gc")
    monkeypatch.setenv("DATABASE_URL", "postgresql://rw@primary.local/gc")
    replica = env.database_replica(env.database(tmp_path))
    assert (replica["HOST"], replica["PORT"], replica["USER"]) == ("replica.local", "5433", "ro")
    assert replica["TEST"] == {"MIRROR": "default"}
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(env.ConfigError, match="DATABASE_REPLICA_URL"):
        env.database_replica(env.database(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://rw@primary.local/gc")
    for bad in ("sqlite:////srv/gc.sqlite3", "postgresql://replica.local:port/gc"):
        monkeypatch.setenv("DATABASE_REPLICA_URL", bad)
        with pytest.raises(env.ConfigError, match="DATABASE_REPLICA_URL"):
            env.database_replica(env.database(tmp_path))
    monkeypatch.delenv("DATABASE_REPLICA_URL")
    assert env.database_replica(env.database(tmp_path)) is None
