"""Timing of scoring for the benchmark (issue 13): draft, publish and the SQL floor of one
scheme period, measured the same way by `bench/run` and by hand.

    from ganchao.assessment.bench import time_scoring
    figures = time_scoring("TOWN-Q", "2026-Q4")

The floor is the SQL alone: every SELECT the draft runs (the scheme, the participants and one
query per component input), replayed through a plain cursor with its rows fetched and nothing
built from them. draft − floor is what Python spends turning rows into scores and snapshot
rows. Publishing runs in a transaction that is rolled back, so that the same first publication
can be timed again (set `keep=True` to commit it).
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ganchao.assessment import selectors, services
from ganchao.assessment.models import Scheme


class _Rollback(Exception):
    pass


def _timed(call):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        value = call()
        seconds = time.perf_counter() - started
    return value, seconds, [q["sql"] for q in queries.captured_queries]


def sql_floor(statements: list[str]) -> float:
    """Seconds to run the SELECT statements and fetch their rows through a plain cursor."""
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in selects:
            cursor.execute(sql)
            cursor.fetchall()
    return time.perf_counter() - started


def time_scoring(scheme_code: str, period_code: str, *, repeat: int = 3, keep: bool = False):
    """{scheme, period, units, unassessed, draft_s, draft_queries, publish_s, publish_queries,
    floor_s, floor_queries, ratio}: the minimum of `repeat` runs of each (ratio = draft_s ÷
    floor_s). The scheme is the code's latest version; the period must be one it may publish
    (started; a running period is published early)."""
    scheme = selectors.scheme_get(scheme_code)
    period = services.period_of(scheme, period_code)
    Scheme.objects.filter(pk=scheme.pk).first()  # connection warm before timing
    reverse("assessment:scorecard", args=[scheme.code, period.code, "-"])  # URLconf loaded once
    drafts = [_timed(lambda: selectors.draft_outcome(scheme, period)) for _ in range(repeat)]
    draft, draft_s, draft_sql = min(drafts, key=lambda run: run[1])
    floor_s = min(sql_floor(draft_sql) for _ in range(repeat))
    publishes = [_publish(scheme, period_code, keep and i == repeat - 1) for i in range(repeat)]
    publish_s, publish_queries = min(publishes)
    return {
        "scheme": scheme.code,
        "period": period.code,
        "units": len(draft.rows),
        "unassessed": len(draft.unassessed),
        "draft_s": draft_s,
        "draft_queries": len(draft_sql),
        "publish_s": publish_s,
        "publish_queries": publish_queries,
        "floor_s": floor_s,
        "floor_queries": sum(1 for sql in draft_sql if sql.lstrip().upper().startswith("SELECT")),
        "ratio": draft_s / floor_s if floor_s else None,
    }


def _publish(scheme, period_code: str, keep: bool) -> tuple[float, int]:
    def publish():
        return services.result_publish(actor=None, scheme=scheme, period=period_code)

    try:
        with transaction.atomic():
            _value, seconds, statements = _timed(publish)
            if not keep:
                raise _Rollback
    except _Rollback:
        pass
    return seconds, len(statements)


def time_all(period_of_scheme: dict[str, str], *, repeat: int = 3) -> list[dict]:
    """time_scoring for every {scheme code: period code}."""
    return [time_scoring(code, period, repeat=repeat) for code, period in period_of_scheme.items()]
