"""Read replica routing (enabled when DATABASE_REPLICA_URL is set, see config/env.py).

Only the reads of a safe request (GET, HEAD, OPTIONS) may go to the streaming replica, and
only while nothing speaks against it:

- every write goes to the primary, and after the first write of a request (``db_for_write``
  was asked: a save, an update, ``select_for_update``, ``get_or_create``) the rest of that
  request reads the primary too. Bookkeeping writes to the primary-only models below (an API
  token's last use, a session, an audit record) do not move the request: its later reads of
  those models are on the primary anyway, and no other row depends on them;
- a read inside a transaction on the primary reads the primary (it must see its own rows);
- the models of sign-in and security (sessions, axes lockouts, second factors, API tokens,
  the user accounts and their roles, posts and leader areas, which decide the scope),
  the audit chain, the tick's lease and the job queue are always read from the primary: a
  replica a moment behind must never log someone out, let a locked account in, or seal the
  audit chain on a stale tail;
- read-your-writes: a user who has just sent a write (POST/PUT/PATCH/DELETE) reads the primary
  for ``PIN_SECONDS`` (a cookie carries the pin, so it holds across app hosts);
- anything outside a request (management commands, the tick, the job worker) uses the
  primary.
"""

import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
PIN_COOKIE = "gc_primary"
PIN_SECONDS = 15
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY_ONLY_APPS = frozenset(
    {
        "sessions",
        "axes",
        "django_otp",
        "otp_totp",
        "otp_static",
        "accounts",
        "audit",
        "scheduler",
        "django_tasks_database",
    }
)
# Who is signed in and what they may see: an account disabled or a role revoked a moment ago
# must not keep working on the replica, and a changed password must not log its owner out.
PRIMARY_ONLY_MODELS = frozenset(
    {("orgs", "user"), ("orgs", "rolegrant"), ("orgs", "post"), ("orgs", "leaderarea")}
)


@dataclass
class _Route:
    replica_allowed: bool
    wrote: bool = False


_route: ContextVar[_Route | None] = ContextVar("ganchao_db_route", default=None)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        route = _route.get()
        if route is None or not route.replica_allowed or route.wrote:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if (model._meta.app_label, model._meta.model_name) in PRIMARY_ONLY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_DB_ALIAS

    def db_for_write(self, model, **hints):
        route = _route.get()
        if route is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            route.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: one database seen twice

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaRoutingMiddleware:
    """Marks the request as replica-readable (or not) for ReplicaRouter and pins a user who
    has just written to the primary for PIN_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        token = _route.set(_Route(replica_allowed=safe and not pinned(request)))
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if not safe:
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + PIN_SECONDS),
                max_age=PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def pinned(request) -> bool:
    """The request carries a read-your-writes pin that has not run out yet (the cookie's
    max-age ends it in a browser; the stamp ends it for a client that keeps cookies longer)."""
    raw = request.COOKIES.get(PIN_COOKIE, "")
    try:
        return int(raw) > time.time()
    except ValueError:
        return False
