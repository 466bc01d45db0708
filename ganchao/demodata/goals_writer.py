"""Writing the demo plans: one plan per city with its tree, milestones, assignments, reports
and milestone completions, through bulk inserts with explicit ids.

Called by `services.demo_seed` inside its transaction, after the units, leaders and users.
City by city, and reports in batches, so that a province (about 40,000 assignments and
350,000 reports) never holds more than one city's plan and one batch of reports in memory.
"""

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from django.db.models import Max

from ganchao.common.workcalendar import SHANGHAI
from ganchao.demodata.generator import Dataset
from ganchao.demodata.goals_generator import CityPlan, build_city_plan, city_contexts
from ganchao.demodata.goals_reports import ReportRow, city_reports
from ganchao.goals.models import (
    Assignment,
    Item,
    Milestone,
    MilestoneCompletion,
    Plan,
    ProgressReport,
)
from ganchao.orgs.models import User

REPORT_BATCH = 2000
PLAN_MODELS = (Plan, Item, Item.leaders.through, Milestone, Assignment, ProgressReport,
               MilestoneCompletion)  # fmt: skip
COUNT_KEYS = ("plans", "items", "milestones", "assignments", "progress_reports",
              "milestone_completions")  # fmt: skip


def batched(rows, size: int):
    """`itertools.batched` (Python 3.12) for Python 3.11."""
    rows = iter(rows)
    while batch := tuple(islice(rows, size)):
        yield batch


@dataclass
class PlansWritten:
    """What `write_plans` wrote: row counts (by COUNT_KEYS and by item type), the plans' ids
    and a SHA-256 over every generated row, for the audit event."""

    counts: Counter = field(default_factory=Counter)
    plan_ids: list[int] = field(default_factory=list)
    year: int | None = None
    digest: str = ""


class Ids:
    """The next free id of each model, taken once: the seed assigns ids itself."""

    def __init__(self, models):
        self.next = {
            model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in models
        }

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def write_plans(dataset: Dataset, unit_ids: dict[str, int], leader_ids: dict[str, int], cal):
    """Every city's plan for the as-of year, and its reports up to the as-of date."""
    usernames = {u.username for u in dataset.users}
    user_ids = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
    writer = CityWriter(Ids(PLAN_MODELS), unit_ids, leader_ids, user_ids)
    written = PlansWritten(year=dataset.as_of.year)
    digest = hashlib.sha256()
    for context in city_contexts(dataset):
        city = build_city_plan(context, dataset.scale, dataset.seed, dataset.as_of)
        reports = city_reports(city, cal, dataset.as_of, dataset.seed)
        written.plan_ids.append(writer.write(city, reports, written.counts, digest))
    written.digest = digest.hexdigest()
    return written


class CityWriter:
    """Writes one city's plan at a time, with ids from the shared counters."""

    def __init__(self, ids: Ids, unit_ids, leader_ids, user_ids):
        self.ids, self.unit_ids = ids, unit_ids
        self.leader_ids, self.user_ids = leader_ids, user_ids

    def write(self, city: CityPlan, reports, counts: Counter, digest) -> int:
        for row in (city.plan, *city.items, *city.milestones, *city.assignments):
            digest.update(repr(row).encode())
        plan_id = self._plan(city)
        item_ids = self._items(city, plan_id)
        milestone_ids = self._milestones(city, item_ids)
        assignment_ids = self._assignments(city, item_ids)
        counts.update(
            plans=1,
            items=len(city.items),
            milestones=len(city.milestones),
            assignments=len(city.assignments),
        )
        counts.update(str(item.type) for item in city.items)
        for batch in batched(reports, REPORT_BATCH):
            for row in batch:
                digest.update(repr(row).encode())
            self._reports(batch, assignment_ids, milestone_ids, counts)
        return plan_id

    def _plan(self, city: CityPlan) -> int:
        row, pk = city.plan, self.ids.take(Plan)
        Plan.objects.bulk_create(
            [
                Plan(
                    id=pk,
                    owner_id=self.unit_ids[row.owner_code],
                    year=row.year,
                    name=row.name,
                    state=row.state,
                    issued_at=row.issued_at,
                )
            ]
        )
        return pk

    def _items(self, city: CityPlan, plan_id: int) -> dict[str, int]:
        ids: dict[str, int] = {}
        items, leaders = [], []
        for row in city.items:
            pk = ids[row.code] = self.ids.take(Item)
            q1, q2, q3, q4 = row.quarters or (None,) * 4
            items.append(
                Item(
                    id=pk, plan_id=plan_id, parent_id=ids.get(row.parent_code), code=row.code,
                    sort_key=Item.sort_key_for(row.code), name=row.name, type=row.type,
                    category=row.category, measure_unit=row.measure_unit, baseline=row.baseline,
                    target=row.target, stretch_target=row.stretch_target,
                    direction=row.direction, nature=row.nature, frequency=row.frequency,
                    q1=q1, q2=q2, q3=q3, q4=q4, deadline=row.deadline, weight=row.weight,
                    data_source_unit_id=self.unit_ids.get(row.data_source_code),
                )
            )  # fmt: skip
            leaders += [
                Item.leaders.through(item_id=pk, leader_id=self.leader_ids[key])
                for key in row.leader_keys
            ]
        Item.objects.bulk_create(items, batch_size=REPORT_BATCH)
        Item.leaders.through.objects.bulk_create(leaders, batch_size=REPORT_BATCH)
        return ids

    def _milestones(self, city: CityPlan, item_ids) -> dict[tuple[str, int], int]:
        ids, rows = {}, []
        for row in city.milestones:
            pk = ids[(row.item_code, row.position)] = self.ids.take(Milestone)
            rows.append(
                Milestone(
                    id=pk,
                    item_id=item_ids[row.item_code],
                    position=row.position,
                    due_date=row.due_date,
                    description=row.description,
                )
            )
        Milestone.objects.bulk_create(rows, batch_size=REPORT_BATCH)
        return ids

    def _assignments(self, city: CityPlan, item_ids) -> dict[tuple[str, str], int]:
        ids, rows = {}, []
        for row in city.assignments:
            pk = ids[(row.item_code, row.unit_code)] = self.ids.take(Assignment)
            q1, q2, q3, q4 = row.quarters or (None,) * 4
            rows.append(
                Assignment(
                    id=pk, item_id=item_ids[row.item_code], unit_id=self.unit_ids[row.unit_code],
                    role=row.role, target=row.target, q1=q1, q2=q2, q3=q3, q4=q4,
                    weight=row.weight, responsible_leader=row.responsible_leader,
                    responsible_person=row.responsible_person, contact=row.contact,
                    contact_phone=row.contact_phone,
                )
            )  # fmt: skip
        Assignment.objects.bulk_create(rows, batch_size=REPORT_BATCH)
        return ids

    def _reports(self, batch: tuple[ReportRow, ...], assignment_ids, milestone_ids, counts):
        reports, completions = [], []
        for row in batch:
            pk = self.ids.take(ProgressReport)
            reports.append(self._report(pk, row, assignment_ids[(row.item_code, row.unit_code)]))
            completions += [
                MilestoneCompletion(
                    id=self.ids.take(MilestoneCompletion),
                    report_id=pk,
                    milestone_id=milestone_ids[(row.item_code, position)],
                    completed_on=completed_on,
                )
                for position, completed_on in row.completions
            ]
        ProgressReport.objects.bulk_create(reports, batch_size=REPORT_BATCH)
        MilestoneCompletion.objects.bulk_create(completions, batch_size=REPORT_BATCH)
        counts.update(progress_reports=len(reports), milestone_completions=len(completions))

    def _report(self, pk: int, row: ReportRow, assignment_id: int) -> ProgressReport:
        return ProgressReport(
            id=pk, assignment_id=assignment_id, period=row.period, period_end=row.period_end,
            revision=row.revision, is_current=row.is_current, state=row.state, value=row.value,
            narrative=row.narrative, late=row.late, submitted_at=row.submitted_at,
            submitted_by_id=self.user_ids.get(row.submitted_by), reviewed_at=row.reviewed_at,
            reviewed_by_id=self.user_ids.get(row.reviewed_by), return_reason=row.return_reason,
        )  # fmt: skip


def status_moment(as_of: dt.date) -> dt.datetime:
    """The end of the as-of day, Asia/Shanghai: the moment the seeded statuses describe."""
    return dt.datetime.combine(as_of, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def recompute_statuses(plan_ids: list[int], as_of: dt.date) -> bool:
    """Fill the computed statuses of the seeded plans, when the status engine is installed;
    otherwise `ganchao tick` fills them. Returns whether it ran."""
    try:
        from ganchao.goals.status import recompute_plan
    except ImportError:
        return False
    moment = status_moment(as_of)
    for plan in Plan.objects.filter(id__in=plan_ids).order_by("id"):
        recompute_plan(plan, at=moment)
    return True
