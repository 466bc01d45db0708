"""Writing a checked goal sheet in bulk: a fixed number of queries per tree level whatever the
file's size, and one audit event for the batch (with the file's SHA-256 and the row counts).
Called by imports.py inside its transaction, only for a sheet without errors.

Items are inserted with bulk_create (their ids are needed for the rows below them). The many
rows under them — assignments (about eight per row at province scale), milestones and leader
links — are inserted as plain tuples without building model instances: COPY on PostgreSQL,
one executemany elsewhere (insert_rows). Updates touch only the rows and fields that changed.
"""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import Target, audit_record
from ganchao.common.crypto import EncryptedCharField
from ganchao.common.db import refresh_statistics
from ganchao.goals.choices import PlanState
from ganchao.goals.models import Assignment, Item, Milestone, Plan
from ganchao.goals.sheet_rows import ITEM_FIELDS

ASSIGNMENT_FIELDS = [
    "role",
    "target",
    "q1",
    "q2",
    "q3",
    "q4",
    "weight",
    "responsible_person",
    "contact",
    "contact_phone",
]
BATCH = 500


# Rows written by one import above which the goal tables' statistics are refreshed.
ANALYZE_AFTER_ROWS = 2_000


def write_goal_sheet(*, actor, owner, result) -> None:
    work = result.work
    plan = work.plan
    if plan is None:
        plan = Plan.objects.create(owner=owner, year=result.year, state=PlanState.DRAFT)
        result.plan_id = plan.pk
    now = timezone.now()
    touched = [
        d for d in work.desired.values() if d.row is not None and (d.stored is None or d.changes)
    ]
    pks = _write_items(plan, work, touched, now)
    _write_leaders(work, touched, pks)
    _write_milestones(work, touched, pks)
    _write_assignments(work, touched, pks, now)
    if len(touched) >= ANALYZE_AFTER_ROWS:
        # a large plan written in one go has no planner statistics yet: the status recompute
        # and the lists read right after it would loop over the units (MACHINE_NOTES)
        refresh_statistics([Item, Assignment, Milestone, Item.leaders.through])
    audit_record(
        actor=actor,
        action="goal.import",
        target=Target("goalsheet", result.sha256, result.filename or _("目标任务分解表")),
        changes=_audit_changes(plan, result),
    )


def _write_items(plan, work, touched, now) -> dict[str, int]:
    """Insert the new items a level at a time (a parent before its children), update the rest."""
    pks = {code: stored["id"] for code, stored in work.stored.items()}
    new = [d for d in touched if d.stored is None]
    names = ["plan_id", "parent_id", "code", "sort_key", *ITEM_FIELDS]
    for depth in sorted({d.code.count(".") for d in new}):
        rows = [
            (plan.pk, pks.get(d.code.rpartition(".")[0]), d.code, Item.sort_key_for(d.code),
             *(d.values[name] for name in ITEM_FIELDS))
            for d in new
            if d.code.count(".") == depth
        ]  # fmt: skip
        insert_rows(Item, names, rows, now=now)
        # the ids of this level, for the level below (one query; new codes are unique in a plan)
        pks.update(Item.objects.filter(plan=plan).values_list("code", "id"))
    changed = [d for d in touched if d.stored is not None]
    fields = sorted(
        {name for d in changed for name in ITEM_FIELDS if d.stored[name] != d.values[name]}
    )
    if changed:
        objects = [
            Item(pk=d.stored["id"], updated_at=now, **{n: d.values[n] for n in ITEM_FIELDS})
            for d in changed
        ]
        Item.objects.bulk_update(objects, [*fields, "updated_at"], batch_size=BATCH)
    return pks


def _write_leaders(work, touched, pks) -> None:
    through = Item.leaders.through
    stale, fresh = [], []
    for d in touched:
        pk = pks[d.code]
        before = set(work.stored_leaders.get(pk, [])) if d.stored else set()
        after = set(d.leaders)
        stale += [(pk, leader) for leader in before - after]
        fresh += [(pk, leader) for leader in d.leaders if leader not in before]
    if stale:
        by_item: dict[int, list[int]] = {}
        for pk, leader in stale:
            by_item.setdefault(pk, []).append(leader)
        for pk, leaders in by_item.items():
            through.objects.filter(item_id=pk, leader_id__in=leaders).delete()
    insert_rows(through, ["item_id", "leader_id"], fresh)


def _write_milestones(work, touched, pks) -> None:
    new, changed = [], []
    for d in touched:
        pk = pks[d.code]
        stored = work.stored_milestones.get(pk, []) if d.stored else []
        for position, (day, text) in enumerate(d.milestones, start=1):
            if position <= len(stored):
                before = stored[position - 1]
                if (before["due_date"], before["description"]) != (day, text):
                    changed.append(Milestone(pk=before["id"], due_date=day, description=text))
            else:
                new.append((pk, position, day, text))
    Milestone.objects.bulk_update(changed, ["due_date", "description"], batch_size=BATCH)
    insert_rows(Milestone, ["item_id", "position", "due_date", "description"], new)


def _write_assignments(work, touched, pks, now) -> None:
    new, changed = [], []
    for d in touched:
        pk = pks[d.code]
        stored = work.stored_assignments.get(pk, {}) if d.stored else {}
        for unit, values in d.assignments.items():
            fields = {name: values[name] for name in ASSIGNMENT_FIELDS}
            before = stored.get(unit)
            if before is None:
                new.append((pk, unit, *fields.values()))
            elif any(before[name] != fields[name] for name in ASSIGNMENT_FIELDS):
                changed.append(Assignment(pk=before["id"], updated_at=now, **fields))
    Assignment.objects.bulk_update(changed, [*ASSIGNMENT_FIELDS, "updated_at"], batch_size=BATCH)
    insert_rows(Assignment, ["item_id", "unit_id", *ASSIGNMENT_FIELDS], new, now=now)


def insert_rows(model, names: list[str], rows, *, now=None) -> None:
    """Insert `rows` (tuples of the fields `names`, by attname) into the model's table as
    bulk_create would — every other column takes its default, auto_now columns `now` —
    without model instances: COPY on PostgreSQL, one executemany elsewhere. No ids come back."""
    rows = list(rows)
    if not rows:
        return
    now = now or timezone.now()
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    rest = [f for name, f in fields.items() if name not in names]
    defaults = tuple(_prepared(f, _default(f, now)) for f in rest)
    converters = [
        (index, fields[name]) for index, name in enumerate(names) if _needs_preparing(fields[name])
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(f.column) for f in [*(fields[n] for n in names), *rest]
    )

    # A sheet repeats a unit's contact phone on every row of its items: each distinct clear
    # text is encrypted once. Encryption is deterministic (AES-SIV, no nonce), so the
    # remembered ciphertext is the one a second call would give.
    encrypted: dict[tuple[int, str], str] = {}

    def convert(index, field, value):
        if not isinstance(value, str) or not isinstance(field, EncryptedCharField):
            return _prepared(field, value)
        key = (index, value)
        if key not in encrypted:
            encrypted[key] = _prepared(field, value)
        return encrypted[key]

    def full(row):
        if converters:
            row = list(row)
            for index, field in converters:
                row[index] = convert(index, field, row[index])
        return (*row, *defaults)

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(full(row))
        else:
            marks = ", ".join(["%s"] * (len(names) + len(rest)))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            cursor.executemany(sql, [full(row) for row in rows])


def _default(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def _prepared(field, value):
    return value if value is None else field.get_db_prep_save(value, connection)


def _needs_preparing(field) -> bool:
    """Plain text, numbers and foreign keys go to the driver as they are; encrypted columns,
    JSON, and (outside PostgreSQL, whose driver adapts them) dates and decimals go through
    the field."""
    if isinstance(field, EncryptedCharField):
        return True
    internal = field.get_internal_type()
    if field.is_relation or internal in {"CharField", "TextField", "BooleanField"}:
        return False
    plain = {"PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"}
    if connection.vendor == "postgresql":
        plain |= {"DecimalField", "DateField", "DateTimeField"}
    return internal not in plain


def _audit_changes(plan, result) -> dict:
    return {
        "file": {
            "before": None,
            "after": {"name": result.filename, "sha256": result.sha256, "rows": result.rows},
        },
        "plan": {
            "before": None,
            "after": {
                "id": plan.pk,
                "year": plan.year,
                "owner": result.owner_code,
                "created": result.plan_created,
            },
        },
        "summary": {
            "before": None,
            "after": {
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": result.unchanged,
            },
        },
        "created": {"before": None, "after": [row["code"] for row in result.created]},
        "updated": {
            "before": {
                row["code"]: {h: old for h, old, _new in row["changes"]} for row in result.updated
            },
            "after": {
                row["code"]: {h: new for h, _old, new in row["changes"]} for row in result.updated
            },
        },
    }
