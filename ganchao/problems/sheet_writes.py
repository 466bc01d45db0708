"""Writing a checked sheet 问题台账 in bulk: new problems (numbers generated when the row has
none, deadlines from the severity when empty, a 登记 event each), changed problems (version
bumped, an 修改 event each), recurrences (sheet_recurrence: reopened or linked, as the services
do) and one audit event for the batch. Called by sheet.py inside its transaction, only for a
plan without errors."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common import workdays
from ganchao.problems.choices import EventKind, State
from ganchao.problems.models import Problem, ProblemEvent, ProblemSettings
from ganchao.problems.sheet_columns import FIELD_OF, SHEET_TITLE, place_key
from ganchao.problems.sheet_recurrence import write_links, write_reopens

register("problem.import", gettext_lazy("导入问题台账"))
register_object_type("problemsheet", gettext_lazy("问题台账表"))


def next_numbers(year: int, count: int) -> list[str]:
    """`count` new numbers WT{year}{seq:05d} after the highest of the year."""
    prefix = f"WT{year}"
    taken = Problem.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = max(
        (int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()),
        default=0,
    )
    return [f"{prefix}{seq:05d}" for seq in range(highest + 1, highest + 1 + count)]


def _create(actor, rows, now) -> list[str]:
    today = timezone.localdate(now)
    settings = ProblemSettings.objects.first() or ProblemSettings()
    fresh = iter(next_numbers(today.year, sum(1 for r in rows if not r.code)))
    problems = []
    for parsed in rows:
        values = dict(parsed.values)
        if values["deadline"] is None:
            days = settings.deadline_days(values["severity"])
            values["deadline"] = workdays.add_working_days(today, days)
        problems.append(
            Problem(
                number=parsed.code or next(fresh),
                place_key=place_key(values["place"]),
                found_on=today,
                found_by=actor,
                found_by_unit_id=getattr(actor, "unit_id", None),
                state=State.OPEN,
                **values,
            )
        )
    Problem.objects.bulk_create(problems)
    created = Problem.objects.filter(number__in=[p.number for p in problems])
    ProblemEvent.objects.bulk_create(
        ProblemEvent(
            problem_id=pk,
            kind=EventKind.CREATED,
            actor=actor,
            at=now,
            note=_("由问题台账导入登记"),
            to_state=State.OPEN,
        )
        for pk in created.values_list("pk", flat=True)
    )
    return [p.number for p in problems]


def _update(actor, updates, now) -> None:
    changed_fields = set()
    problems = []
    for problem, _parsed, changes in updates:
        for header, _old, new in changes:
            setattr(problem, FIELD_OF[header], new)
            changed_fields.add(FIELD_OF[header])
        problem.place_key = place_key(problem.place)
        problem.updated_at = now
        problems.append(problem)
    Problem.objects.bulk_update(
        problems, sorted(changed_fields | {"place_key", "updated_at"}), batch_size=500
    )
    Problem.objects.filter(pk__in=[p.pk for p in problems]).update(version=F("version") + 1)
    ProblemEvent.objects.bulk_create(
        ProblemEvent(
            problem=problem,
            kind=EventKind.EDITED,
            actor=actor,
            at=now,
            note=_("由问题台账导入修改：%(fields)s")
            % {"fields": "、".join(h for h, _o, _n in changes)},
        )
        for problem, _parsed, changes in updates
    )


def write_batch(actor, plan: dict, result) -> None:
    now = timezone.now()
    recurrences = plan["recurrences"]
    reopened = write_reopens(actor, recurrences)
    numbers = _create(actor, plan["create"], now) if plan["create"] else []
    number_of_row = {id(row): number for row, number in zip(plan["create"], numbers, strict=True)}
    links = write_links(actor, recurrences, plan["create"], number_of_row, now)
    if plan["update"]:
        _update(actor, plan["update"], now)
    audit_record(
        actor=actor,
        action="problem.import",
        target=Target("problemsheet", result.sha256, result.filename or SHEET_TITLE),
        changes={
            "file": {
                "before": None,
                "after": {"name": result.filename, "sha256": result.sha256, "rows": result.rows},
            },
            "summary": {
                "before": None,
                "after": {
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "unchanged": result.unchanged,
                },
            },
            "created": {"before": None, "after": numbers},
            "reopened": {"before": None, "after": reopened},
            "recurrence_of": {"before": None, "after": links},
            "updated": {
                "before": {p.number: {h: o for h, o, _n in c} for p, _r, c in plan["update"]},
                "after": {p.number: {h: n for h, _o, n in c} for p, _r, c in plan["update"]},
            },
        },
    )
