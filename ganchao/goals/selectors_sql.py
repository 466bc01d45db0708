"""The subqueries of the read scope, compiled once per process (issue 13).

Every page and API call of 盯着干 filters its rows by visible_assignments_q: the assignment's
unit among the units in scope, or its item among the items the actor reads as data source or
named leader, and its plan released. Built with the ORM on every request, those three
subqueries cost more than the rows they select: making the querysets, resolving them into the
outer query and compiling them took about a quarter of a /statuses call on the province.

Their SQL is a pure function of the actor's scope (roles and unit paths, computed per request
from the database) and of the leader they are: the same scope always gives the same SQL, and
new data is found because the SQL runs again on every request. So each subquery is compiled
the first time a scope needs it, kept in a bounded cache keyed by what it depends on, and
compiled into the outer query as text. A change of roles, posts or areas makes a new scope,
hence a new key: it takes effect on the next request, as before.

The SQL is the text the ORM writes for the same subquery (ganchao/goals/tests/
test_selectors_sql.py compares them), so query plans and results do not change.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.db.models import BooleanField, Expression, F, Subquery

# Distinct scopes a process sees (users, leaders, posts …) before the oldest are dropped.
CACHE_SIZE = 4096

_lock = threading.Lock()
_compiled: OrderedDict = OrderedDict()


def cache_clear() -> None:
    with _lock:
        _compiled.clear()


def _subquery_sql(key: Hashable, build: Callable, compiler, connection) -> tuple[str, tuple]:
    """The subquery `build()` returns, compiled as the ORM compiles it inside the query
    `compiler` is writing: "(SELECT U0.… FROM … U0 WHERE …)" and its parameters. Cached by
    `key`, the database vendor and the outer query's alias prefix (its subqueries' aliases
    follow from it)."""
    full_key = (key, connection.vendor, compiler.query.alias_prefix)
    with _lock:
        found = _compiled.get(full_key)
        if found is not None:
            _compiled.move_to_end(full_key)
            return found
    # Resolved against a copy: resolving records the subquery's aliases on the outer query.
    subquery = Subquery(build().order_by()).resolve_expression(query=compiler.query.clone())
    sql, params = compiler.compile(subquery)
    found = (sql, tuple(params))
    with _lock:
        _compiled[full_key] = found
        while len(_compiled) > CACHE_SIZE:
            _compiled.popitem(last=False)
    return found


class CompiledSubquery(Expression):
    """A subquery compiled once per `key` (see the module's docstring), for a lookup's right-hand
    side: `Q(item__plan__in=CompiledSubquery(key, lambda: Plan.objects.filter(…).values("pk")))`.
    `build` must return the same rows for the same key."""

    def __init__(self, key: Hashable, build: Callable, output_field=None):
        super().__init__(output_field=output_field)
        self.key, self.build = key, build

    def as_sql(self, compiler, connection):
        return _subquery_sql(self.key, self.build, compiler, connection)

    def get_group_by_cols(self):
        return []


class CompiledKeyIn(Expression):
    """orgs.scoping.KeyIn with its subquery compiled once per `key`: `field_id = ANY(ARRAY(SELECT
    …))` on PostgreSQL, `field_id IN (SELECT …)` elsewhere. The key column is compiled per query
    (its alias depends on the outer query's joins); `build` returns the subquery's queryset and
    must return the same rows for the same key."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, key: Hashable, build: Callable):
        super().__init__()
        self.column, self.key, self.build = F(field), key, build

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        field_sql, field_params = compiler.compile(self.column)
        sub_sql, sub_params = _subquery_sql(self.key, self.build, compiler, connection)
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (field_sql, sub_sql), (*field_params, *sub_params)

    def get_group_by_cols(self):
        return []
