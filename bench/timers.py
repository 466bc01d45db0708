"""Timers bench/run runs each in a process of its own, against the benchmark database; each
prints its figures as one last line `BENCH {json}`.

    python bench/timers.py recompute [--repeat N]     status recompute of every issued plan,
                                                      and its floor (the set-based SQL alone)
    python bench/timers.py scoring [--as-of DATE] [--repeat N]
                                                      draft and publish one period of every unit
                                                      category: ganchao.assessment.bench
    python bench/timers.py audit-topup --events N     append events until the chain holds N
    python bench/timers.py goal-sheet --year YEAR --rows N -o FILE
                                                      ganchao.goals.bench_sheet.write_goal_sheet
    python bench/timers.py import-floor --sheet FILE --plan YEAR --owner C01
    python bench/timers.py files-floor                hash every stored file (no database)
    python bench/timers.py audit-floor                read every event in seq order

The scoring and goal-sheet timers call the product's own code (ganchao/assessment/bench.py and
ganchao/goals/bench_sheet.py, which its tests run), so that the bench measures what ships.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BENCH_COMPONENTS = [
    {"code": "IND", "name": "指标完成", "kind": "indicators", "points": 50, "method": "ratio"},
    {"code": "MS", "name": "节点完成", "kind": "milestones", "points": 25},
    {"code": "SUP", "name": "督办情况", "kind": "supervision", "points": 15},
    {"code": "SAT", "name": "群众满意度", "kind": "manual", "points": 10},
]


def emit(figures: dict) -> None:
    print("BENCH " + json.dumps(figures, ensure_ascii=False, default=str), flush=True)


def timed(call):
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def sql_seconds(statements: list[str], repeat: int = 1) -> float:
    """The best of `repeat` runs of the statements, one after another."""
    from django.db import connection

    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return best


# ---- status recompute ------------------------------------------------------------------------


def latest_counting_sql(where: str = "") -> str:
    """The latest counting report per assignment and period, with its first submission time,
    joined to its assignment and item: what the recompute reads, in one statement."""
    from ganchao.goals.status import COUNTING_REPORT_STATES

    states = ", ".join(f"'{s}'" for s in sorted(str(s) for s in COUNTING_REPORT_STATES))
    return f"""
        SELECT DISTINCT ON (r.assignment_id, r.period_end)
               r.assignment_id, r.period_end, r.value,
               min(r.submitted_at) OVER (PARTITION BY r.assignment_id, r.period_end) AS first_at,
               a.unit_id, a.role, a.target, a.q1, a.q2, a.q3, a.q4,
               i.plan_id, i.type, i.frequency, i.direction, i.target AS item_target
        FROM goals_progressreport r
        JOIN goals_assignment a ON a.id = r.assignment_id
        JOIN goals_item i ON i.id = a.item_id
        WHERE r.state IN ({states}) {where}
        ORDER BY r.assignment_id, r.period_end, r.revision DESC"""


def recompute(args) -> None:
    import django

    django.setup()
    from django.utils import timezone

    from ganchao.goals.models import Plan
    from ganchao.goals.status import COUNTING_REPORT_STATES, recompute_plan

    plans = list(Plan.objects.filter(state="issued").order_by("pk"))
    ids = ", ".join(str(p.pk) for p in plans) or "0"
    states = ", ".join(f"'{s}'" for s in sorted(str(s) for s in COUNTING_REPORT_STATES))
    floor_sql = [
        f"SELECT count(*), sum(value) FROM ({latest_counting_sql(f'AND i.plan_id IN ({ids})')}) t",
        f"""SELECT count(*) FROM (
              SELECT r.assignment_id, c.milestone_id, min(c.completed_on)
              FROM goals_milestonecompletion c
              JOIN goals_progressreport r ON r.id = c.report_id
              JOIN goals_assignment a ON a.id = r.assignment_id
              JOIN goals_item i ON i.id = a.item_id
              WHERE r.state IN ({states}) AND i.plan_id IN ({ids})
              GROUP BY r.assignment_id, c.milestone_id) t""",
    ]
    best = None
    for _ in range(args.repeat):
        at = timezone.now()
        _, seconds = timed(lambda at=at: [recompute_plan(plan, at=at) for plan in plans])
        best = seconds if best is None else min(best, seconds)
    emit(
        {
            "plans": len(plans),
            "seconds": best,
            "floor_seconds": sql_seconds(floor_sql, repeat=max(3, args.repeat)),
            "floor_sql": floor_sql,
        }
    )


# ---- scoring (folded from scripts/bench_assessment) ------------------------------------------


def schemes_per_category():
    """The scheme of each category: the latest seeded one, else a new BENCH-<code> scheme."""
    from django.db import transaction

    from ganchao.assessment import services
    from ganchao.assessment.models import Scheme
    from ganchao.orgs.models import UnitCategory

    result = []
    for category in UnitCategory.objects.order_by("sort_order", "code"):
        scheme = (
            Scheme.objects.filter(category=category).order_by("code", "-scheme_version").first()
        )
        if scheme is None:
            with transaction.atomic():
                scheme = services.scheme_create(
                    actor=None, code=f"BENCH-{category.code}", name=f"{category.name}季度考核（基准）",
                    category=category, period_type="quarter", components=BENCH_COMPONENTS,
                )  # fmt: skip
        result.append(scheme)
    return result


def current_period(scheme, as_of: dt.date):
    from ganchao.assessment.periods import parse

    code = {"year": f"{as_of.year}", "quarter": f"{as_of.year}-Q{(as_of.month - 1) // 3 + 1}",
            "month": f"{as_of:%Y-%m}"}[scheme.period_type]  # fmt: skip
    return parse(code, scheme.period_type)


def scoring(args) -> None:
    """ganchao.assessment.bench.time_scoring for the current period of each category's scheme:
    the best of --repeat drafts, of as many first publications (each rolled back, so the
    database keeps no result and the next run times the same work) and the floor — the
    draft's own SELECTs replayed through a plain cursor."""
    import django

    django.setup()
    from django.utils import timezone

    from ganchao.assessment.bench import time_scoring

    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else timezone.localdate()
    lines = []
    for scheme in schemes_per_category():
        period = current_period(scheme, as_of)
        lines.append(time_scoring(scheme.code, period.code, repeat=args.repeat))
    emit(
        {
            "units": sum(line["units"] for line in lines),
            "draft_seconds": sum(line["draft_s"] for line in lines),
            "publish_seconds": sum(line["publish_s"] for line in lines),
            "floor_seconds": sum(line["floor_s"] for line in lines),
            "schemes": lines,
        }
    )


# ---- audit chain -------------------------------------------------------------------------------


def audit_topup(args) -> None:
    """Append `bench.filler`-like events (the registered action `audit.verify`? no: a real,
    registered action) until the chain holds args.events events, hashed with the chain's own
    functions and key, in bulk; the head is moved once at the end."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from ganchao.audit.chain import GENESIS_HASH, HASH_ALG, event_hash
    from ganchao.audit.keys import audit_key
    from ganchao.audit.models import AuditEvent, AuditHead
    from ganchao.audit.registry import ACTIONS

    action = args.action if args.action in ACTIONS else sorted(ACTIONS)[0]
    key = audit_key()
    added = 0
    started = time.perf_counter()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH}
        )
        seq, last = head.last_seq, head.last_hash or GENESIS_HASH
        at = timezone.now()
        while seq < args.events:
            batch = []
            for _ in range(min(20_000, args.events - seq)):
                seq += 1
                fields = {
                    "seq": seq, "at": at, "actor_id": None, "actor_username": "",
                    "actor_name": "系统", "on_behalf_of_id": None, "on_behalf_of_name": "",
                    "actor_unit_id": None, "actor_unit_code": "", "actor_unit_name": "",
                    "source_ip": "", "user_agent": "bench/run", "action": action,
                    "object_type": "", "object_id": "", "object_name": "",
                    "changes": {"bench": {"before": None, "after": seq}}, "reason": "",
                    "request_id": "", "success": True, "hash_alg": HASH_ALG, "prev_hash": last,
                }  # fmt: skip
                last = event_hash(fields, key)
                batch.append(AuditEvent(**fields, hash=last))
            AuditEvent.objects.bulk_create(batch)
            added += len(batch)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=last)
    emit({"added": added, "events": seq, "seconds": time.perf_counter() - started})


def audit_floor(args) -> None:
    """Reading every event in chain order, the least `audit verify` must do."""
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        (events,) = cursor.fetchone()
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DECLARE bench_events NO SCROLL CURSOR FOR "
                       "SELECT * FROM audit_auditevent ORDER BY seq")  # fmt: skip
        while True:
            cursor.execute("FETCH 20000 FROM bench_events")
            chunk = cursor.fetchall()
            if not chunk:
                break
            rows += len(chunk)
    emit({"events": events, "rows": rows, "seconds": time.perf_counter() - started})


# ---- stored files ------------------------------------------------------------------------------


def files_floor(args) -> None:
    """SHA-256 of every file in the upload folder: the hashing `files verify` cannot avoid."""
    import hashlib

    import django

    django.setup()
    from django.conf import settings

    started = time.perf_counter()
    count = size = 0
    for path in sorted((Path(settings.DATA_DIR) / "uploads").rglob("*")):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while block := handle.read(1 << 20):
                    digest.update(block)
                    size += len(block)
            count += 1
    emit({"files": count, "bytes": size, "seconds": time.perf_counter() - started})


# ---- goal sheet import -------------------------------------------------------------------------


def goal_sheet(args) -> None:
    """The goal sheet of ganchao.goals.bench_sheet.write_goal_sheet: args.rows rows naming the
    database's units and leaders, about 7.7 assignments a row, milestones in args.year."""
    import django

    django.setup()
    from ganchao.goals.bench_sheet import write_goal_sheet

    facts = write_goal_sheet(args.output, rows=args.rows, year=args.year, seed=args.seed)
    emit({"rows": facts.rows, "assignments": facts.assignments, "split_rows": facts.split_rows,
          "file": args.output})  # fmt: skip


def import_floor(args) -> None:
    """The least an import of the sheet must do: read it (streaming) and write the same item
    and assignment rows with COPY (into temporary tables shaped like the real ones)."""
    import django

    django.setup()
    from django.db import connection, transaction
    from openpyxl import load_workbook

    from ganchao.goals.models import Assignment, Item, Plan

    plan = Plan.objects.get(year=args.plan, owner__code=args.owner)
    item_columns = [f.column for f in Item._meta.concrete_fields if f.column != "id"]
    assignment_columns = [f.column for f in Assignment._meta.concrete_fields if f.column != "id"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(item_columns)} FROM goals_item WHERE plan_id = %s", [plan.pk]
        )
        items = cursor.fetchall()
        cursor.execute(
            f"SELECT {', '.join('a.' + c for c in assignment_columns)} FROM goals_assignment a "
            "JOIN goals_item i ON i.id = a.item_id WHERE i.plan_id = %s",
            [plan.pk],
        )
        assignments = cursor.fetchall()
    started = time.perf_counter()
    rows = 0
    book = load_workbook(args.sheet, read_only=True)
    for sheet in book.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            rows += 1
    read_s = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:
        for table, source in (
            ("bench_item", "goals_item"),
            ("bench_assignment", "goals_assignment"),
        ):
            cursor.execute(
                f"CREATE TEMP TABLE {table} ON COMMIT DROP AS SELECT * FROM {source} WITH NO DATA"
            )
        for table, columns, data in (
            ("bench_item", item_columns, items),
            ("bench_assignment", assignment_columns, assignments),
        ):
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for record in data:
                    copy.write_row(record)
    emit(
        {
            "sheet_rows": rows,
            "items": len(items),
            "assignments": len(assignments),
            "read_seconds": read_s,
            "seconds": time.perf_counter() - started,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="timer", required=True)
    p = sub.add_parser("recompute")
    p.add_argument("--repeat", type=int, default=1)
    p = sub.add_parser("scoring")
    p.add_argument("--as-of", default="")
    p.add_argument("--repeat", type=int, default=1)
    p = sub.add_parser("audit-topup")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--action", default="auth.login")
    sub.add_parser("audit-floor")
    sub.add_parser("files-floor")
    p = sub.add_parser("goal-sheet")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("-o", "--output", required=True)
    p = sub.add_parser("import-floor")
    p.add_argument("--sheet", required=True)
    p.add_argument("--plan", type=int, required=True)
    p.add_argument("--owner", default="C01")
    args = parser.parse_args()
    {
        "recompute": recompute,
        "scoring": scoring,
        "audit-topup": audit_topup,
        "audit-floor": audit_floor,
        "files-floor": files_floor,
        "goal-sheet": goal_sheet,
        "import-floor": import_floor,
    }[args.timer](args)


if __name__ == "__main__":
    main()
