"""Reads of enforcement scoped to the actor, and the plain snapshots the gates and clocks use
(built in a fixed number of queries per case)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from ganchao.common import workdays
from ganchao.common.errors import NotFound
from ganchao.enforcement import clocks as clock_rules
from ganchao.enforcement import gates
from ganchao.enforcement.choices import (
    DEFAULT_AV_POLICY,
    MEDIA_KINDS,
    ActionKind,
)
from ganchao.enforcement.models import (
    Action,
    AVRecordingPolicy,
    Case,
    CaseDecision,
    CaseFile,
    settings_get,
)
from ganchao.orgs.scoping import scope_of

# B12: the fields of a decision document, each required before issuance.
DOCUMENT_FIELDS = [
    ("party_name", "当事人的姓名或者名称"),
    ("party_address", "当事人的地址"),
    ("facts_evidence", "违反法律、法规、规章的事实和证据"),
    ("penalty_basis", "行政处罚的种类和依据"),
    ("performance", "行政处罚的履行方式和期限"),
    ("remedy", "申请行政复议、提起行政诉讼的途径和期限"),
    ("organ_name", "作出行政处罚决定的行政机关名称"),
    ("decided_on", "作出决定的日期"),
]


def cases_visible(actor):
    """Cases of the agencies in the actor's scope, and cases the actor reviews."""
    scope = scope_of(actor)
    if scope.anonymous or scope.is_auditor_only:
        return Case.objects.none()
    query = scope.units_q("agency__unit__")
    if getattr(actor, "pk", None):
        query |= Q(reviews__reviewer__user=actor)
        if scope.has("legality_reviewer"):
            query |= Q(reviews__isnull=False)
    return Case.objects.filter(query).distinct()


def case_get(actor, case_id: int) -> Case:
    case = (
        cases_visible(actor)
        .select_related("agency", "agency__unit", "matter", "filed_by")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("案件不存在或无权查看")
    return case


def av_policies() -> dict[str, str]:
    policy = dict(DEFAULT_AV_POLICY)
    policy.update(dict(AVRecordingPolicy.objects.values_list("action_kind", "policy")))
    return policy


def thresholds(settings=None) -> gates.Thresholds:
    s = settings or settings_get()
    return gates.Thresholds(
        fine_person=Decimal(s.major_fine_person),
        fine_organisation=Decimal(s.major_fine_organisation),
        revoke_licence=s.major_revoke_licence,
        stop_production=s.major_stop_production,
    )


def action_facts(action: Action, policies: dict[str, str], matter_id: int) -> gates.ActionFacts:
    """A prefetched action (officers__matters, files, gaps) as the gates see it."""
    officers = [
        gates.OfficerFacts(
            name=o.name,
            certificate_no=o.certificate_no,
            expires=o.certificate_expires,
            covers_matter=o.covers_all_matters or any(m.pk == matter_id for m in o.matters.all()),
            active=o.active,
        )
        for o in action.officers.all()
    ]
    recordings = [
        (f.recorded_from, f.recorded_to)
        for f in action.files.all()
        if f.kind in MEDIA_KINDS and f.recorded_from and f.recorded_to
    ]
    return gates.ActionFacts(
        kind=action.kind,
        started_at=action.started_at,
        ended_at=action.ended_at,
        officers=officers,
        certificate_shown=action.certificate_shown_at is not None,
        informed=action.informed_at is not None,
        policy=policies.get(action.kind, "not_required"),
        recordings=recordings,
        explained=[(g.gap_from, g.gap_to) for g in action.gaps.all()],
        completed=action.completed_at is not None,
        label=str(ActionKind(action.kind).label),
    )


def case_facts(case: Case, today: dt.date | None = None) -> gates.CaseFacts:
    """Everything the gates look at, in a fixed number of queries: the batch reader of
    selectors_core for a page of one case, so a list and a case page cannot disagree."""
    from ganchao.enforcement import selectors_core

    today = today or timezone.localdate()
    with workdays.calendar_session():
        return selectors_core.facts_of(case, selectors_core.CasePage([case]), today)


def document_missing(decision: CaseDecision) -> list[str]:
    """The labels of the B12 fields still empty (a no-penalty decision needs no performance)."""
    missing = []
    for name, label in DOCUMENT_FIELDS:
        if name == "performance" and decision.kind != "penalty":
            continue
        if not getattr(decision, name):
            missing.append(label)
    return missing


def clock_dates(case: Case) -> clock_rules.ClockDates:
    from ganchao.enforcement import selectors_core

    return selectors_core.clock_dates_of(case, selectors_core.CasePage([case]))


def case_clocks(case: Case, today: dt.date | None = None) -> list[clock_rules.Clock]:
    with workdays.calendar_session():
        return clock_rules.clocks_for(clock_dates(case), today or timezone.localdate())


def case_files(case: Case):
    return (
        CaseFile.objects.filter(case=case)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )
