"""Which plans the status scan must recompute at a tick: those whose inputs changed since the
plan was last recomputed, or all of them when the moment crossed into another day.

The status of an assignment (ganchao.goals.status_rules), the monthly rows and the alerts a
recompute raises depend on exactly these inputs:

- the moment, only through its local date and whether it is at or after 23:59:59 of that
  date (`time_key`): every deadline, working-day count and completed month is a function of
  the date, so two ticks with the same key and the same rows give the same results;
- the working-day calendar (overrides and entered schedules) — hashed as loaded;
- the plan row (year, state, thresholds), its items, milestones and assignments — per plan:
  count, max and sum of ids and of `updated_at` (every writer saves through `save()` or sets
  `updated_at`; the recompute's own writes touch neither), milestones by content;
- progress reports and milestone completions, 450,000 rows at province scale — one global
  signature (count, max and sum of ids, max and sum of `updated_at`); when it moved, the plans
  of the rows inserted or updated since the last signature are found with one query, and any
  change the new rows do not explain (a delete, an insert committed below the last max id)
  marks every plan.

A plan is recomputed when its mark is missing, its fingerprint or time key differs, the
calendar changed, or a report of it changed. Marks are written after the plan's recompute and
alerts succeeded; the global "inputs" mark only after every plan did, so a failed tick is
repeated in full by the next one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import chinese_calendar
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ganchao.goals.models import (
    Assignment,
    Item,
    Milestone,
    MilestoneCompletion,
    Plan,
    ProgressReport,
)
from ganchao.scheduler.models import StatusMark

# Rows updated less than LAG before the last signature's newest `updated_at` are looked at
# again: a write transaction that began earlier but committed after that signature was read.
LAG = dt.timedelta(minutes=10)
INPUTS_KEY = "inputs"


def time_key(at: dt.datetime) -> str:
    """The class of moments with the same results: the local date, and "E" from 23:59:59 on
    (the moment that month's end counts as completed, ganchao.goals.status)."""
    local = timezone.localtime(at)
    return local.date().isoformat() + ("E" if local.time() >= dt.time(23, 59, 59) else "")


# Bump when a status rule changes (ganchao/goals/status_rules.py, status.py): a deploy then
# recomputes every plan at its next tick instead of after midnight.
RULES_VERSION = 1


def calendar_hash(cal) -> str:
    """The working-day calendar as the status rules see it, with what else decides a day: the
    holiday data of chinese-calendar, the time zone and the rules' version."""
    content = (
        RULES_VERSION,
        chinese_calendar.__version__,
        settings.TIME_ZONE,
        sorted(cal.overrides.items()),
        sorted((year, sorted(days.items())) for year, days in cal.entered.items()),
        cal.sessions,
    )
    return hashlib.sha256(repr(content).encode()).hexdigest()[:32]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _epoch(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"extract(epoch from {column})"
    return f"julianday({column})"


def _sig_columns(alias: str, stamp: str | None) -> str:
    columns = ["count(*)", f"max({alias}.id)", f"sum({alias}.id)"]
    if stamp:
        columns += [f"max({alias}.{_q(stamp)})", f"sum({_epoch(f'{alias}.{_q(stamp)}')})"]
    return ", ".join(columns)


def _plain(values) -> list:
    out = []
    for value in values:
        if isinstance(value, dt.datetime | dt.date):
            out.append(value.isoformat())
        elif value is None or isinstance(value, int | str):
            out.append(value)
        else:
            out.append(str(value))
    return out


def _fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in(ids) -> tuple[str, list]:
    ids = sorted(ids)
    return ", ".join(["%s"] * len(ids)), ids


def plan_fingerprints(plans: list[Plan]) -> dict[int, str]:
    """The fingerprint of each plan's own inputs, in three queries whatever the plans' size."""
    if not plans:
        return {}
    marks, ids = _in(p.pk for p in plans)
    item, assignment, milestone = (
        _q(Item._meta.db_table),
        _q(Assignment._meta.db_table),
        _q(Milestone._meta.db_table),
    )
    parts: dict[int, list] = {
        p.pk: [
            _plain(
                [
                    p.updated_at,
                    p.year,
                    p.state,
                    p.yellow_gap,
                    p.red_overdue_working_days,
                    p.report_due_working_days,
                ]
            )
        ]
        for p in plans
    }
    for row in _fetch(
        f"SELECT i.plan_id, {_sig_columns('i', 'updated_at')} FROM {item} i"
        f" WHERE i.plan_id IN ({marks}) GROUP BY i.plan_id",
        ids,
    ):
        parts[row[0]].append(["items", *_plain(row[1:])])
    for row in _fetch(
        f"SELECT i.plan_id, {_sig_columns('a', 'updated_at')} FROM {assignment} a"
        f" JOIN {item} i ON i.id = a.item_id WHERE i.plan_id IN ({marks}) GROUP BY i.plan_id",
        ids,
    ):
        parts[row[0]].append(["assignments", *_plain(row[1:])])
    for row in _fetch(
        f"SELECT i.plan_id, m.id, m.item_id, m.due_date, m.position FROM {milestone} m"
        f" JOIN {item} i ON i.id = m.item_id WHERE i.plan_id IN ({marks}) ORDER BY m.id",
        ids,
    ):
        parts[row[0]].append(repr(row[1:]))  # ids, item, due date and position
    return {
        pk: hashlib.sha256(json.dumps(content).encode()).hexdigest()[:32]
        for pk, content in parts.items()
    }


def _report_tables():
    return (
        _q(ProgressReport._meta.db_table),
        _q(MilestoneCompletion._meta.db_table),
        _q(Assignment._meta.db_table),
        _q(Item._meta.db_table),
    )


def input_signatures() -> dict[str, list]:
    """Signatures of the shared report tables: two queries (one scan of each table)."""
    report, completion, _a, _i = _report_tables()
    reports = _fetch(f"SELECT {_sig_columns('r', 'updated_at')} FROM {report} r")[0]
    completions = _fetch(
        f"SELECT {_sig_columns('c', None)}, sum({_epoch('c.completed_on')}) FROM {completion} c"
    )[0]
    return {"reports": _plain(reports), "completions": _plain(completions)}


ALL = None  # "every plan" from changed_report_plans


def changed_report_plans(old: dict, new: dict) -> set[int] | None:
    """Plans with a report or completion inserted or updated between the signatures `old` and
    `new`; None (ALL) when a change cannot be attributed to plans."""
    if old == new:
        return set()
    report, completion, assignment, item = _report_tables()
    plans: set[int] = set()
    if old["reports"] != new["reports"]:
        count, top, total, newest, _stamps = old["reports"]
        top, total = top or 0, int(total or 0)
        added = _fetch(f"SELECT count(*), sum(id) FROM {report} WHERE id > %s", [top])[0]
        if new["reports"][0] != count + added[0] or int(new["reports"][2] or 0) != total + int(
            added[1] or 0
        ):
            return ALL  # a delete, or an insert committed below the last max id
        where, params = "r.id > %s", [top]
        if newest:
            since = dt.datetime.fromisoformat(newest)
            if timezone.is_naive(since):  # SQLite keeps UTC without an offset
                since = since.replace(tzinfo=dt.UTC)
            since = connection.ops.adapt_datetimefield_value(since - LAG)
            where, params = "r.id > %s OR r.updated_at >= %s", [top, since]
        rows = _fetch(
            f"SELECT DISTINCT i.plan_id FROM {report} r JOIN {assignment} a"
            f" ON a.id = r.assignment_id JOIN {item} i ON i.id = a.item_id WHERE {where}",
            params,
        )
        if not rows:
            return ALL
        plans.update(row[0] for row in rows)
    if old["completions"] != new["completions"]:
        count, top, total, _days = old["completions"]
        top, total = top or 0, int(total or 0)
        added = _fetch(f"SELECT count(*), sum(id) FROM {completion} WHERE id > %s", [top])[0]
        if new["completions"][0] != count + added[0] or int(
            new["completions"][2] or 0
        ) != total + int(added[1] or 0):
            return ALL
        rows = _fetch(
            f"SELECT DISTINCT i.plan_id FROM {completion} c JOIN {report} r ON r.id = c.report_id"
            f" JOIN {assignment} a ON a.id = r.assignment_id JOIN {item} i ON i.id = a.item_id"
            " WHERE c.id > %s",
            [top],
        )
        if not rows:
            return ALL
        plans.update(row[0] for row in rows)
    return plans


@dataclass
class Marks:
    """The decision for one tick: `due` are the plans to recompute; call `plan_done` after
    each one succeeded and `finish` when every plan did."""

    due: set[int]
    fingerprints: dict[int, str]
    time: str
    calendar: str
    inputs: dict
    old_inputs: dict | None = None
    written: list[int] = field(default_factory=list)

    def plan_done(self, plan_id: int) -> None:
        StatusMark.objects.update_or_create(
            key=f"plan:{plan_id}",
            defaults={
                "value": {
                    "fp": self.fingerprints[plan_id],
                    "time": self.time,
                    "calendar": self.calendar,
                }
            },
        )
        self.written.append(plan_id)

    def finish(self) -> None:
        if self.inputs == self.old_inputs:
            return
        StatusMark.objects.update_or_create(key=INPUTS_KEY, defaults={"value": self.inputs})


def plans_due(plans: list[Plan], at: dt.datetime, cal) -> Marks:
    """Decide which of `plans` must be recomputed at `at` (a handful of queries)."""
    when, cal_hash = time_key(at), calendar_hash(cal)
    inputs = input_signatures()
    fingerprints = plan_fingerprints(plans)
    stored = {
        mark.key: mark.value
        for mark in StatusMark.objects.filter(
            key__in=[INPUTS_KEY, *(f"plan:{p.pk}" for p in plans)]
        )
    }
    old_inputs = stored.get(INPUTS_KEY)
    by_reports = ALL if old_inputs is None else changed_report_plans(old_inputs, inputs)
    due = set()
    for plan in plans:
        mark = stored.get(f"plan:{plan.pk}")
        if (
            by_reports is ALL
            or plan.pk in by_reports
            or mark is None
            or mark.get("fp") != fingerprints[plan.pk]
            or mark.get("time") != when
            or mark.get("calendar") != cal_hash
        ):
            due.add(plan.pk)
    return Marks(due, fingerprints, when, cal_hash, inputs, old_inputs)


# ---- the monthly rows' mark (ganchao.goals.status) --------------------------------------------


def ids_signature(year: int, assignment_ids: list[int]) -> str:
    """The plan's year and the assignments it evaluates, as one hash."""
    content = f"{year}:" + ",".join(map(str, sorted(assignment_ids)))
    return hashlib.sha256(content.encode()).hexdigest()[:32]


def months_done(plan_id: int, signature: str) -> int:
    """How many of the year's first months every assignment of `signature` has monthly rows
    for, as marked by `months_mark`; 0 when unmarked or the assignments differ."""
    value = (
        StatusMark.objects.filter(key=f"months:{plan_id}").values_list("value", flat=True).first()
    )
    if not value or value.get("ids") != signature:
        return 0
    return int(value.get("months", 0))


def months_mark(plan_id: int, signature: str, months: int) -> None:
    """One upsert, the same query whether the mark is new or not."""
    StatusMark.objects.bulk_create(
        [StatusMark(key=f"months:{plan_id}", value={"ids": signature, "months": months})],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["value"],
    )


def forget() -> None:
    """Drop every mark: the next tick recomputes every plan (after a restore, say)."""
    with transaction.atomic():
        StatusMark.objects.all().delete()
