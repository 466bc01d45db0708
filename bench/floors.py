"""Floor views: a bare Django view that runs the same SQL as a measured endpoint and returns
the same rows as JSON, without authentication, middleware work of its own, forms or templates.

bench/run captures, once at start, the SELECT statements a measured request runs for its data
(bench/prepare.py: the session, user, second-factor, lockout and audit look-ups are left out)
and writes them to the JSON file named by GANCHAO_BENCH_FLOORS ({name: [sql, …]}). The view
replays them with connection.cursor() and answers {"results": [[rows of each statement]]}:
whatever the endpoint's SQL is today, the floor is that SQL with nothing around it.
"""

import json
import os
from pathlib import Path

from django.db import connection
from django.http import Http404, JsonResponse

_STATEMENTS: dict[str, list[str]] | None = None


def statements() -> dict[str, list[str]]:
    global _STATEMENTS
    if _STATEMENTS is None:
        path = os.environ.get("GANCHAO_BENCH_FLOORS", "")
        _STATEMENTS = json.loads(Path(path).read_text("utf-8")) if path else {}
    return _STATEMENTS


def floor_view(request, name: str):
    wanted = statements().get(name)
    if wanted is None:
        raise Http404(name)
    results = []
    with connection.cursor() as cursor:
        for sql in wanted:
            cursor.execute(sql)
            results.append(cursor.fetchall())
    return JsonResponse({"results": results}, json_dumps_params={"default": str})
