"""Reads of the full-process record (B6, B7), scoped to the actor: a case's text records, field
actions and files by stage, each action's recording coverage, and the objects a page or the API
fetches for change. A fixed number of queries per case."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from ganchao.common.errors import NotFound
from ganchao.enforcement import gates
from ganchao.enforcement.choices import (
    AV_GAP_TOLERANCE_SECONDS,
    MEDIA_KINDS,
    STAGE_ORDER,
    AVPolicy,
    Stage,
)
from ganchao.enforcement.models import Action, CaseFile, CaseRecord, Officer
from ganchao.enforcement.selectors import action_facts, av_policies, case_get, cases_visible


def officer_facts(officers, matter_id: int) -> list[gates.OfficerFacts]:
    """The officers as the B2 gate sees them, with the matters prefetched in one query."""
    ids = [o.pk for o in officers]
    rows = Officer.objects.filter(pk__in=ids).prefetch_related("matters")
    by_id = {o.pk: o for o in rows}
    return [
        gates.OfficerFacts(
            name=o.name,
            certificate_no=o.certificate_no,
            expires=o.certificate_expires,
            covers_matter=o.covers_all_matters
            or any(m.pk == matter_id for m in by_id[o.pk].matters.all()),
            active=o.active,
        )
        for o in officers
    ]


def case_officers(case):
    """The officers who may take part in the case's actions: the agency's certified staff."""
    return (
        Officer.objects.filter(agency_id=case.agency_id, active=True)
        .exclude(certificate_no="")
        .order_by("name", "id")
    )


def actions_of(case):
    return (
        Action.objects.filter(case=case)
        .select_related("created_by")
        .prefetch_related(
            "officers__matters",
            Prefetch("files", queryset=CaseFile.objects.order_by("recorded_from", "id")),
            "gaps",
        )
        .order_by("started_at", "id")
    )


def records_of(case):
    return (
        CaseRecord.objects.filter(case=case)
        .select_related("created_by", "action")
        .order_by("created_at", "id")
    )


def files_of(case):
    return (
        CaseFile.objects.filter(case=case)
        .select_related("uploaded_by")
        .order_by("stage", "uploaded_at", "id")
    )


def action_get(actor, case_id: int, action_id: int) -> Action:
    case = case_get(actor, case_id)
    action = (
        Action.objects.filter(case=case, pk=action_id)
        .select_related("case", "case__agency", "case__agency__unit", "case__matter")
        .first()
    )
    if action is None:
        raise NotFound("执法活动不存在或无权查看")
    return action


def action_by_id(actor, action_id: int) -> Action:
    """An action of a case in the actor's scope (the API addresses actions by id alone)."""
    action = (
        Action.objects.filter(case__in=cases_visible(actor), pk=action_id)
        .select_related("case", "case__agency", "case__agency__unit", "case__matter")
        .first()
    )
    if action is None:
        raise NotFound("执法活动不存在或无权查看")
    return action


def file_get(actor, case_id: int, file_id: int) -> CaseFile:
    case = case_get(actor, case_id)
    item = CaseFile.objects.filter(case=case, pk=file_id).select_related("case").first()
    if item is None:
        raise NotFound("案卷材料不存在或无权查看")
    return item


def record_get(case, record_id: int | None) -> CaseRecord | None:
    if not record_id:
        return None
    item = CaseRecord.objects.filter(case=case, pk=record_id).first()
    if item is None:
        raise NotFound("文字记录不存在或无权查看")
    return item


# ---- coverage of a continuous recording (B7) --------------------------------------------------


@dataclass
class Segment:
    kind: str  # "recorded" | "gap" | "explained"
    start: dt.datetime
    end: dt.datetime
    left: float = 0.0
    width: float = 0.0

    @property
    def minutes(self) -> int:
        return max(1, round((self.end - self.start).total_seconds() / 60))


@dataclass
class Coverage:
    segments: list[Segment] = field(default_factory=list)
    unexplained: list[Segment] = field(default_factory=list)


def raw_gaps(facts: gates.ActionFacts) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every stretch of the action no recording covers, explained or not."""
    if facts.ended_at is None:
        return []
    tolerance = dt.timedelta(seconds=AV_GAP_TOLERANCE_SECONDS)
    found, cursor = [], facts.started_at
    for start, end in sorted(facts.recordings):
        if start - cursor > tolerance:
            found.append((cursor, start))
        cursor = max(cursor, end)
    if facts.ended_at - cursor > tolerance:
        found.append((cursor, facts.ended_at))
    return found


def coverage(facts: gates.ActionFacts) -> Coverage | None:
    """The bar of an ended action: recorded spans, unexplained gaps and explained gaps, each
    with its share of the action's length (per cent)."""
    if facts.ended_at is None or facts.ended_at <= facts.started_at:
        return None
    begin, end = facts.started_at, facts.ended_at
    total = (end - begin).total_seconds()
    unexplained = set(gates.coverage_gaps(facts))
    segments = []
    for start, stop in sorted(facts.recordings):
        start, stop = max(start, begin), min(stop, end)
        if stop > start:
            segments.append(Segment("recorded", start, stop))
    for start, stop in raw_gaps(facts):
        segments.append(
            Segment("gap" if (start, stop) in unexplained else "explained", start, stop)
        )
    segments.sort(key=lambda s: s.start)
    for segment in segments:
        segment.left = round((segment.start - begin).total_seconds() * 100 / total, 2)
        segment.width = round((segment.end - segment.start).total_seconds() * 100 / total, 2)
    return Coverage(segments, [s for s in segments if s.kind == "gap"])


# ---- the timeline ----------------------------------------------------------------------------


@dataclass
class ActionRow:
    action: Action
    facts: gates.ActionFacts
    policy: str
    officers: list[Officer]
    files: list[CaseFile]
    gaps: list
    coverage: Coverage | None
    blockers: list[gates.Blocker]

    @property
    def continuous(self) -> bool:
        return self.policy == AVPolicy.MANDATORY_CONTINUOUS

    @property
    def policy_label(self) -> str:
        return str(AVPolicy(self.policy).label)


@dataclass
class StageGroup:
    stage: str
    label: str
    current: bool
    records: list = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    files: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.records or self.actions or self.files)


def action_rows(case, policies=None) -> list[ActionRow]:
    policies = policies if policies is not None else av_policies()
    rows = []
    for action in actions_of(case):
        facts = action_facts(action, policies, case.matter_id)
        blockers = [] if facts.completed else gates.recording_blockers(facts)
        rows.append(
            ActionRow(
                action=action,
                facts=facts,
                policy=facts.policy,
                officers=list(action.officers.all()),
                files=[f for f in action.files.all() if f.kind in MEDIA_KINDS],
                gaps=list(action.gaps.all()),
                coverage=coverage(facts) if facts.policy == AVPolicy.MANDATORY_CONTINUOUS else None,
                blockers=blockers,
            )
        )
    return rows


def timeline(case) -> list[StageGroup]:
    """The case's record by stage in the fixed stage order: the stages passed (and any stage
    holding a record) each with its text records, actions and files."""
    records, rows, files = list(records_of(case)), action_rows(case), list(files_of(case))
    visited = set(case.visited or []) | {case.stage}
    groups = {
        stage: StageGroup(stage, str(Stage(stage).label), stage == case.stage)
        for stage in [*STAGE_ORDER, Stage.WITHDRAWN]
    }
    for item in records:
        groups[item.stage].records.append(item)
    for row in rows:
        groups[row.action.stage].actions.append(row)
    for item in files:
        groups[item.stage].files.append(item)
    return [g for s, g in groups.items() if s in visited or not g.empty]
