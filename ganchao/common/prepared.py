"""Queries compiled once per process and shape, run again with new values (issue 13).

Building a queryset and compiling it to SQL costs more than running it for the small look-ups
every request makes (the bearer token with its user, the signed-in user, the actor's grants,
one assignment by id): on the province, about 1 ms each of Python for a statement PostgreSQL
answers in a tenth of that. Their SQL never changes, only the values in it: so a `Prepared`
builds its queryset once per process and key with stand-in values, compiles it, and from then
on runs the same SQL with the request's values in the stand-ins' places, through Django's own
cursor, converters and iterables (model instances with their select_related objects,
values(), values_list()), exactly as the queryset would.

It is compiled twice with two different sets of stand-ins; only when the two SQL texts are
equal and each stand-in appears as a parameter of its own (not transformed, as startswith
transforms its value into a LIKE pattern, and not written into the text) is the shape kept.
Otherwise, or when the query cannot be compiled ahead (it selects nothing), every call builds
and runs the queryset as before. Either way the rows are the queryset's rows
(ganchao/common/tests/test_prepared.py).
"""

import copy
import datetime as dt
import operator
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Count, IntegerField, Value, prefetch_related_objects
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
)

# Distinct keys (shapes × scopes × databases) a process keeps before the oldest are dropped.
CACHE_SIZE = 4096

_UNCACHABLE = object()

# The iterables a compiled shape runs (NamedValuesListIterable reads more of the query).
ITERABLES = (ModelIterable, ValuesIterable, ValuesListIterable, FlatValuesListIterable)


def _stand_ins(kinds: dict[str, type], round_: int) -> dict:
    """Values no request passes, distinct per name and per round."""
    values = {}
    for n, (name, kind) in enumerate(sorted(kinds.items())):
        if kind is int:
            values[name] = -(10**12) * round_ - 7919 * (n + 1)
        elif kind is str:
            values[name] = f"gc-stand-in-{round_}-{n}-end"
        elif kind is dt.date:
            values[name] = dt.date(1900 + round_, 1, 1) + dt.timedelta(days=n)
        else:
            raise TypeError(f"Prepared: unsupported parameter type {kind!r} for {name}")
    return values


class _Shape:
    """What running a compiled queryset again needs, and no more: its SQL and where the values
    go, its compiler's column map (select, related objects, converters) without the query it
    was compiled from, the iterable that turns rows into instances, dicts or tuples, and the
    names of its values. A process keeps thousands of shapes (one per scope and filter shape):
    the query objects are most of a queryset's memory and are not kept."""

    __slots__ = (
        "compiler", "sql", "slots", "embedded", "iterable", "names", "prefetch", "columns",
        "converters",
    )  # fmt: skip

    def __init__(self, queryset, compiler, sql, slots):
        self.sql, self.slots = sql, slots
        # The converters of the selected columns (Django works them out again on every run,
        # asking each column's field and the backend: a seventh of a short list's CPU).
        self.columns = [column for column, *_ in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(self.columns)
        self.embedded = frozenset(name for name, how in slots if isinstance(how, tuple))
        query = queryset.query
        self.names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        self.iterable = queryset._iterable_class
        self.prefetch = tuple(queryset._prefetch_related_lookups)
        # Not read when running (execute_sql, results_iter, converters): the query and the
        # conditions the compiler kept from compiling it, most of a shape's memory.
        compiler.query = compiler.where = compiler.having = compiler.qualify = None
        self.compiler = compiler


class _Query:
    """The part of a query Django's iterables read: its compiler and the names of its values."""

    def __init__(self, compiler, selected):
        self.compiler, self.selected = compiler, selected

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiler


class _QuerySet:
    """The part of a queryset Django's iterables read (ModelIterable, ValuesIterable,
    ValuesListIterable, FlatValuesListIterable)."""

    _known_related_objects: dict = {}

    def __init__(self, db, query):
        self.db, self.query = db, query


# Characters of a text value that no backend escapes inside a LIKE pattern or a longer text
# (besides letters and digits of any script): unit paths, codes.
PLAIN = frozenset("/-.:")


def _param(name, how, values):
    if name is None:
        return how  # a constant of the query
    value = values[name]
    if how is True:
        return str(value)
    if isinstance(how, tuple):
        return how[0] + value + how[1]
    return value


def aggregates_of(queryset, **aggregates):
    """`SELECT COUNT(*), … FROM … WHERE …` of a queryset (without slicing or distinct) as a
    one-row values_list a Prepared can compile (QuerySet.aggregate() runs at once): grouped by
    a constant, which the SQL leaves out, so it is the statement aggregate() runs."""
    return (
        queryset.order_by()
        .annotate(gc_all=Value(1, output_field=IntegerField()))
        .values("gc_all")
        .annotate(**aggregates)
        .values_list(*aggregates)
    )


def count_of(queryset):
    """`SELECT COUNT(*) FROM … WHERE …` of a queryset: the statement QuerySet.count() runs."""
    return aggregates_of(queryset, gc_count=Count("*")).values_list("gc_count", flat=True)


class Prepared:
    """`Prepared(Model, build, user_id=int, today=dt.date)`: `build(**values)` returns a
    queryset of Model (same shape for the same key whatever the values); `fetch(key, **values)`
    returns its rows as a list. `key` names what else the shape depends on (e.g. the actor's
    scope)."""

    def __init__(self, model, build: Callable, **kinds: type):
        """`model`: the model class, or its "app_label.Model" name where the module defining
        the Prepared is imported before the apps are ready."""
        self._model, self.build, self.kinds = model, build, kinds
        self._lock = threading.Lock()
        self._shapes: OrderedDict = OrderedDict()

    @property
    def model(self):
        if isinstance(self._model, str):
            self._model = apps.get_model(self._model)
        return self._model

    def cache_clear(self) -> None:
        with self._lock:
            self._shapes.clear()

    def _compile(self, alias: str, build: Callable):
        rounds = []
        for round_ in (1, 2):
            values = _stand_ins(self.kinds, round_)
            queryset = build(**values)
            if queryset._known_related_objects or queryset._iterable_class not in ITERABLES:
                return _UNCACHABLE
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                return _UNCACHABLE
            rounds.append((values, queryset, compiler, sql, tuple(params)))
        (values1, queryset, compiler, sql, params1), (values2, _, _, sql2, params2) = rounds
        if sql != sql2 or len(params1) != len(params2):
            return _UNCACHABLE
        # Each stand-in as the backend passes it: itself, or its text (SQLite passes dates as
        # text), or written inside a longer text (startswith: "/1/7/%").
        by_value1 = {}
        for name, value in values1.items():
            by_value1[repr(value)] = (name, False)
            by_value1.setdefault(repr(str(value)), (name, True))
        slots, used = [], set()
        for first, second in zip(params1, params2, strict=True):
            found = by_value1.get(repr(first))
            embedded = [
                name
                for name, kind in self.kinds.items()
                if kind is str and isinstance(first, str) and values1[name] in first
            ]
            if found is not None:
                name, as_text = found
                expected = str(values2[name]) if as_text else values2[name]
                if type(first) is not type(second) or second != expected:
                    return _UNCACHABLE
                slots.append((name, as_text))
                used.add(name)
            elif len(embedded) == 1:
                name = embedded[0]
                prefix, _, suffix = first.partition(values1[name])
                if second != prefix + values2[name] + suffix:
                    return _UNCACHABLE
                slots.append((name, (prefix, suffix)))
                used.add(name)
            elif first == second and not embedded:
                slots.append((None, first))
            else:
                return _UNCACHABLE
        for name, value in values1.items():
            if name not in used and str(value) in sql:
                return _UNCACHABLE  # a stand-in written into the text, not a parameter
        return _Shape(queryset, compiler, sql, tuple(slots))

    def _fits(self, shape: "_Shape", values: dict) -> bool:
        """Whether the values can go where the stand-ins were: of their type, and a text
        written inside a longer one only when the backend would not have escaped any of it."""
        for name, kind in self.kinds.items():
            value = values[name]
            if not isinstance(value, kind):
                return False
            if name in shape.embedded and not all(c.isalnum() or c in PLAIN for c in value):
                return False
        return True

    def fetch(self, key: Hashable = (), build: Callable | None = None, **values) -> list:
        """The rows. `build`: the queryset builder for this key when it is not the one given
        to the constructor (a closure over what the key names, e.g. the actor's scope)."""
        # The database the queryset would read (a replica for read-only pages, see db_router).
        alias = router.db_for_read(self.model) or "default"
        full_key = (key, alias)
        with self._lock:
            shape = self._shapes.get(full_key)
            if shape is not None:
                self._shapes.move_to_end(full_key)
        if shape is None:
            shape = self._compile(alias, build or self.build)
            with self._lock:
                self._shapes[full_key] = shape
                while len(self._shapes) > CACHE_SIZE:
                    self._shapes.popitem(last=False)
        if shape is _UNCACHABLE or not self._fits(shape, values):
            return list((build or self.build)(**values))
        params = tuple(_param(name, how, values) for name, how in shape.slots)
        return _run(shape, params)


def _run(shape: _Shape, params: tuple) -> list:
    """The shape's rows for `params`: its iterable (instances, values, values_list) over a copy
    of its compiler that answers the cached SQL instead of compiling again."""
    compiler = copy.copy(shape.compiler)
    # This thread's connection: Django's connections are per thread, and the shape may have
    # been compiled by another thread of the server.
    compiler.connection = connections[compiler.using]
    sql = shape.sql
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    compiler.get_converters = lambda columns: (
        shape.converters
        if len(columns) == len(shape.columns) and all(map(operator.is_, columns, shape.columns))
        else type(compiler).get_converters(compiler, columns)
    )
    queryset = _QuerySet(compiler.using, _Query(compiler, shape.names))
    rows = list(shape.iterable(queryset))
    if shape.prefetch and rows:
        # Built and run by the ORM as QuerySet.prefetch_related does, after the rows.
        prefetch_related_objects(rows, *shape.prefetch)
    return rows


class PreparedPage:
    """A list for a paginator (ninja's @paginate, Django's Paginator) whose count and requested
    page run through Prepared statements: `build(**values)` returns the ordered rows,
    `counted(**values)` the same rows without what only the page needs (joins for its columns);
    `key` names what the SQL depends on besides the values (the actor's scope, the filters
    given)."""

    def __init__(self, counter: Prepared, pager: Prepared, key, *, build, counted=None,
                 values=None, to_row=None):  # fmt: skip
        self.counter, self.pager, self.key = counter, pager, key
        self.values = values or {}
        self.build, self.counted = build, counted or build
        self.to_row = to_row

    def count(self) -> int:
        def build(**values):
            return count_of(self.counted(**values))

        (count,) = self.counter.fetch(("count", *self.key), build=build, **self.values)
        return count

    __len__ = count

    def __getitem__(self, page: slice) -> list:
        def build(**values):
            return self.build(**values)[page]

        key = (*self.key, page.start, page.stop)
        rows = self.pager.fetch(key, build=build, **self.values)
        return [self.to_row(row) for row in rows] if self.to_row else rows
