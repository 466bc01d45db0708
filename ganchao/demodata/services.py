"""Loading the demo data set (DESIGN.md 3.1 `ganchao seed`).

The rows come from `generator.build`; they are written here with bulk inserts in batches
(per-row services would take hours for a province) inside one transaction, with one audit
event for the whole batch. The first city's 依法干 decisions are the exception: few, and made
through the decisions services with their own audit events (decisions_writer). Ids are assigned here, so that each unit's materialised path is
right on insert; PostgreSQL's identity sequences are moved past them afterwards.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import (
    Target,
    append_only_suspended,
    audit_record,
    checkpoint_path,
    diff,
)
from ganchao.common.db import refresh_statistics
from ganchao.common.errors import ValidationFailed
from ganchao.common.workdays import current_calendar
from ganchao.demodata.assessment_writer import (
    ASSESSMENT_COUNT_KEYS,
    ASSESSMENT_MODELS,
    AssessmentWritten,
    write_assessment,
)
from ganchao.demodata.decisions_writer import (
    DECISION_COUNT_KEYS,
    DecisionsWritten,
    write_decisions,
)
from ganchao.demodata.enforcement_writer import (
    ENFORCEMENT_COUNT_KEYS,
    EnforcementWritten,
    write_enforcement,
)
from ganchao.demodata.generator import DEMO_PASSWORD, SCALE_LABELS, Dataset, build
from ganchao.demodata.goals_writer import (
    COUNT_KEYS,
    PLAN_MODELS,
    PlansWritten,
    recompute_statuses,
    write_plans,
)
from ganchao.demodata.grassroots_writer import (
    GRASSROOTS_COUNT_KEYS,
    GrassrootsWritten,
    write_grassroots,
    write_key_projects,
)
from ganchao.demodata.matters_writer import (
    MATTER_COUNT_KEYS,
    MATTER_MODELS,
    MattersWritten,
    write_matters,
)
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Leader, LeaderArea, RoleGrant, Unit, UnitCategory, User
from ganchao.orgs.services import principal_by_title
from ganchao.visits.services import burden_threshold_set

BATCH_SIZE = 1000
SEEDED_MODELS = (UnitCategory, Unit, Leader, LeaderArea, User, RoleGrant)
# --reset empties every table of Ganchao's own apps, except the administrator-entered
# working-day calendar, plus the tables that name users: sessions, login attempts, jobs.
KEPT_APPS = {"ganchao.workcal"}
ALSO_RESET_APPS = {"django.contrib.sessions", "axes", "django_tasks_db"}
AUDIT_TABLES = ("audit_auditevent", "audit_audithead")


@dataclass
class SeedResult:
    """What a load wrote, for the command's summary."""

    dataset: Dataset
    audit_seq: int
    reset_tables: list[str] = field(default_factory=list)
    retired_checkpoints: Path | None = None
    plans: PlansWritten = field(default_factory=PlansWritten)
    statuses_computed: bool = False
    matters: MattersWritten = field(default_factory=MattersWritten)
    assessment: AssessmentWritten = field(default_factory=AssessmentWritten)
    decisions: DecisionsWritten = field(default_factory=DecisionsWritten)
    enforcement: EnforcementWritten = field(default_factory=EnforcementWritten)
    grassroots: GrassrootsWritten = field(default_factory=GrassrootsWritten)

    @property
    def unit_types(self) -> Counter:
        return Counter(str(row.type) for row in self.dataset.units)


def demo_seed(*, scale: str, seed: int, as_of: dt.date, reset: bool = False) -> SeedResult:
    """Write the demo data set of (scale, seed, as_of). Refuses a database that already has
    units unless `reset`, which first empties the business tables and the audit log."""
    dataset = build(scale, seed, as_of)
    # One hash for every demo account: Argon2 is deliberately slow.
    password_hash = make_password(DEMO_PASSWORD)
    # named by the database identity, which the reset empties with the rest of the audit log
    old_checkpoints = _checkpoint_file() if reset else None
    with transaction.atomic():
        reset_tables = database_reset() if reset else []
        if Unit.objects.exists():
            raise ValidationFailed.on(
                "reset",
                _("数据库中已有单位数据，未生成演示数据。如要清空后重新生成，请加 --reset。"),
            )
        _refuse_taken_usernames(dataset)
        plans = _write(dataset, password_hash)
        # Fresh tables have no planner statistics: without them the status recompute and the
        # matters' reads below pick nested loops over the units (MACHINE_NOTES).
        refresh_statistics()
        # Computed statuses are derived data, not audited; the matters need them (instructions
        # on red and yellow items, 督办单 for red assignments), so they are filled first.
        computed = recompute_statuses(plans.plan_ids, as_of)
        matters = _write_matters(dataset, plans)
        _set_burden_threshold()
        # the key projects are goal tasks of the plan: written before the assessment scores it
        write_key_projects(dataset.seed, dataset.as_of, dataset.scale)  # through the services
        assessment = _write_assessment(dataset)
        decisions = write_decisions(dataset.seed, dataset.as_of)  # through the services
        enforcement = write_enforcement(
            dataset.seed, dataset.as_of, dataset.scale
        )  # through the services
        grassroots = write_grassroots(
            dataset.seed, dataset.as_of, dataset.scale
        )  # through the services
        event = _record_load(
            dataset, reset, plans, matters, assessment, decisions, enforcement, grassroots
        )
    retired = _retire_checkpoints(old_checkpoints) if old_checkpoints else None
    refresh_statistics()  # the matters, scores, decisions, cases and problems written since
    return SeedResult(
        dataset,
        event.seq,
        reset_tables,
        retired,
        plans,
        computed,
        matters,
        assessment,
        decisions,
        enforcement,
        grassroots,
    )


# The demo's towns each report some 56 indicators a month, so with the default of 30 the burden
# meter warned for every town in every month and told the office nothing. At 70 it marks the
# months when notices, instructions and data requests pile up on top of the routine reports.
DEMO_BURDEN_THRESHOLD = 70


def _set_burden_threshold() -> None:
    office = User.objects.filter(role_grants__role=Role.OFFICE).order_by("pk").first()
    if office is not None:
        burden_threshold_set(actor=office, monthly_threshold=DEMO_BURDEN_THRESHOLD)


def _write_matters(dataset: Dataset, plans: PlansWritten) -> MattersWritten:
    written = write_matters(
        dataset.scale, dataset.seed, dataset.as_of, plans.plan_ids, current_calendar()
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), MATTER_MODELS):
                cursor.execute(sql)
    return written


def _write_assessment(dataset: Dataset) -> AssessmentWritten:
    """Schemes, items, manual scores and published results; last, as they score the rest."""
    written = write_assessment(dataset.seed, dataset.as_of)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), ASSESSMENT_MODELS):
                cursor.execute(sql)
    return written


def _record_load(dataset, reset, plans, matters, assessment, decisions, enforcement, grassroots):
    """The one audit event of a load: its inputs, row counts and the rows' digests (the
    units, leaders and accounts; the plans with their reports)."""
    label = _("演示数据（%(scale)s）") % {"scale": SCALE_LABELS[dataset.scale]}
    payload = {
        "scale": dataset.scale,
        "seed": dataset.seed,
        "as_of": dataset.as_of,
        "counts": dataset.counts()
        | {key: plans.counts[key] for key in COUNT_KEYS}
        | {key: matters.counts[key] for key in MATTER_COUNT_KEYS}
        | {key: assessment.counts[key] for key in ASSESSMENT_COUNT_KEYS}
        | {key: decisions.counts[key] for key in DECISION_COUNT_KEYS}
        | {key: enforcement.counts[key] for key in ENFORCEMENT_COUNT_KEYS}
        | {key: grassroots.counts[key] for key in GRASSROOTS_COUNT_KEYS},
        "digest": dataset.digest(),
        "plan_digest": plans.digest,
        "matter_digest": matters.digest,
        "assessment_digest": assessment.digest,
        "grassroots_digest": grassroots.digest,
        "reset": reset,
    }
    return audit_record(
        actor=None,
        action="seed.load",
        target=Target("seed", dataset.scale, label),
        changes=diff({}, payload),
    )


# ---- reset ----------------------------------------------------------------------------


def reset_models() -> list:
    labels = {
        config.label
        for config in apps.get_app_configs()
        if (config.name.startswith("ganchao.") and config.name not in KEPT_APPS)
        or config.name in ALSO_RESET_APPS
    }
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels and model._meta.managed and not model._meta.proxy
    ]


def database_reset() -> list[str]:
    """Empty the business tables, the audit log included, inside the caller's transaction.

    Audit events are append-only: the ORM refuses to delete them and PostgreSQL's BEFORE
    DELETE triggers too. TRUNCATE fires no row triggers, so PostgreSQL empties the tables with
    one TRUNCATE; SQLite empties them with plain DELETEs, its triggers lifted meanwhile.
    """
    tables = sorted({model._meta.db_table for model in reset_models()})
    quoted = [connection.ops.quote_name(table) for table in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows inserted earlier in this transaction have deferred foreign-key checks
            # pending, and TRUNCATE refuses a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE TABLE {', '.join(quoted)} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            with append_only_suspended():  # the audit tables' triggers refuse DELETE
                for table in quoted:
                    cursor.execute(f"DELETE FROM {table}")  # table names come from the models
            placeholders = ", ".join(["%s"] * len(tables))
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({placeholders})", tables)
    return tables


def _checkpoint_file() -> Path | None:
    try:
        return checkpoint_path()
    except Exception:  # no identity left to name it (a tampered chain): nothing to retire
        return None


def _retire_checkpoints(path: Path) -> Path | None:
    """The old audit checkpoints witness a chain that no longer exists: keep them aside, so
    that `ganchao audit verify` checks the new chain against its own checkpoints only."""
    if not path.exists():
        return None
    stamp = timezone.localtime().strftime("%Y%m%dT%H%M%S")
    retired = path.with_name(f"{path.name}.before-reset-{stamp}")
    number = 1
    while retired.exists():
        number += 1
        retired = path.with_name(f"{path.name}.before-reset-{stamp}-{number}")
    path.rename(retired)
    return retired


# ---- writing ----------------------------------------------------------------------------


def _refuse_taken_usernames(dataset: Dataset) -> None:
    wanted = {row.username.lower() for row in dataset.users}
    taken = sorted(
        User.objects.annotate(lower=Lower("username"))
        .filter(lower__in=wanted)
        .values_list("username", flat=True)
    )
    if taken:
        raise ValidationFailed.on(
            "username",
            _("以下用户名已存在，未生成演示数据（可加 --reset 清空后重新生成）：%(names)s")
            % {"names": "、".join(taken)},
        )


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _write(dataset: Dataset, password_hash: str) -> PlansWritten:
    category_ids = _write_categories(dataset)
    unit_ids = _write_units(dataset, category_ids)
    leader_ids = _write_leaders(dataset, unit_ids)
    _write_users(dataset, unit_ids, leader_ids, password_hash)
    plans = write_plans(dataset, unit_ids, leader_ids, current_calendar())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            models = SEEDED_MODELS + PLAN_MODELS
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    return plans


def _write_categories(dataset: Dataset) -> dict[str, int]:
    """Categories by code; an existing category of the same code or name is reused."""
    existing = list(UnitCategory.objects.values_list("id", "code", "name"))
    by_code = {code: pk for pk, code, _name in existing}
    by_name = {name: pk for pk, _code, name in existing}
    ids, new, next_id = {}, [], _next_id(UnitCategory)
    for row in dataset.categories:
        pk = by_code.get(row.code) or by_name.get(row.name)
        if pk is None:
            pk, next_id = next_id, next_id + 1
            new.append(UnitCategory(id=pk, code=row.code, name=row.name, sort_order=row.sort_order))
        ids[row.code] = pk
    UnitCategory.objects.bulk_create(new)
    return ids


def _write_units(dataset: Dataset, category_ids: dict[str, int]) -> dict[str, int]:
    placed: dict[str, tuple[int, str, int]] = {}  # code → (id, path, depth)
    units, next_id = [], _next_id(Unit)
    for row in dataset.units:
        parent = placed.get(row.parent_code) if row.parent_code else None
        path = Unit.path_for(parent[1] if parent else "", next_id)
        depth = parent[2] + 1 if parent else 0
        placed[row.code] = (next_id, path, depth)
        units.append(
            Unit(
                id=next_id,
                code=row.code,
                name=row.name,
                type=row.type,
                parent_id=parent[0] if parent else None,
                category_id=category_ids.get(row.category_code),
                aliases=list(row.aliases),
                sort_order=row.sort_order,
                path=path,
                depth=depth,
            )
        )
        next_id += 1
    Unit.objects.bulk_create(units, batch_size=BATCH_SIZE)
    return {code: value[0] for code, value in placed.items()}


def _write_leaders(dataset: Dataset, unit_ids: dict[str, int]) -> dict[str, int]:
    next_id = _next_id(Leader)
    leader_ids = {row.key: next_id + offset for offset, row in enumerate(dataset.leaders)}
    Leader.objects.bulk_create(
        [
            Leader(
                id=leader_ids[row.key],
                name=row.name,
                title=row.title,
                sort_order=row.sort_order,
                principal=principal_by_title(row.title),  # the 市长 and the 市委书记
            )
            for row in dataset.leaders
        ],
        batch_size=BATCH_SIZE,
    )
    LeaderArea.objects.bulk_create(
        [
            LeaderArea(
                leader_id=leader_ids[row.leader_key],
                unit_id=unit_ids[row.unit_code],
                start_date=row.start_date,
            )
            for row in dataset.areas
        ],
        batch_size=BATCH_SIZE,
    )
    return leader_ids


def _write_users(dataset, unit_ids, leader_ids, password_hash) -> None:
    next_id = _next_id(User)
    users, grants = [], []
    for offset, row in enumerate(dataset.users):
        users.append(
            User(
                id=next_id + offset,
                username=row.username,
                full_name=row.full_name,
                unit_id=unit_ids[row.unit_code],
                leader_id=leader_ids[row.leader_key] if row.leader_key else None,
                password=password_hash,
                must_change_password=False,
                password_policy_exempt=True,
            )
        )
        grants += [RoleGrant(user_id=next_id + offset, role=role) for role in row.roles]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    RoleGrant.objects.bulk_create(grants, batch_size=BATCH_SIZE)
