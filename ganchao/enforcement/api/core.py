"""API of enforcement: core (DESIGN.md 3.13) — /cases (list with the party masked, open), the
case with its major reasons, clocks and blockers (the same lists the case page shows), the
proposal and flags, and the core moves: investigate, submit for review, back to investigation,
withdraw, close. Refusals are the services' errors (409 procedure_blocked naming the rule)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import Page, PageRows, require_version
from ganchao.common.errors import ValidationFailed
from ganchao.enforcement import gates, selectors, selectors_core
from ganchao.enforcement.choices import CaseSource, ViolationKind
from ganchao.enforcement.models import EnforcementMatter, Officer
from ganchao.enforcement.services import core as services
from ganchao.enforcement.templatetags.enforcement_tags import mask_name

router = Router(tags=["行政执法"])


class CaseClockOut(Schema):
    name: str
    due: dt.date
    state: str


class CaseBlockerOut(Schema):
    rule: str
    message: str


class CaseOfficerOut(Schema):
    id: int
    name: str
    certificate_no: str
    lead: bool


class CaseSummaryOut(Schema):
    id: int
    code: str
    title: str
    stage: str
    agency: str
    agency_id: int
    matter_id: int
    matter: str
    party: str
    party_kind: str
    violation: str
    filed_on: dt.date


class CaseOut(Schema):
    id: int
    code: str
    stage: str
    major: bool
    major_reasons: list[str]
    clocks: list[CaseClockOut]
    blockers: list[CaseBlockerOut]
    title: str
    agency: str
    agency_id: int
    matter_id: int
    matter: str
    matter_number: int
    party: str
    party_kind: str
    source: str
    violation: str
    place: str
    filed_on: dt.date
    closed_on: dt.date | None
    next_step: str
    officers: list[CaseOfficerOut]
    visited: list[str]
    proposed_penalties: list[str]
    proposed_fine: Decimal | None
    proposed_summary: str
    complex: bool
    major_public_interest: bool
    multiple_legal_relations: bool
    withdrawn_reason: str
    version: int


class CaseFilters(Schema):
    stage: str = ""
    agency_id: int | None = None
    violation: str = ""
    q: str = ""
    overdue: bool = False
    major: bool = False
    include_closed: bool = False


class CaseOpenIn(Schema):
    matter_id: int
    officer_ids: list[int]
    title: str
    party_kind: str
    party_name: str
    party_id_no: str = ""
    party_phone: str = ""
    party_address: str = ""
    party_representative: str = ""
    place: str
    filed_on: dt.date | None = None
    source: str = CaseSource.INSPECTION
    violation: str = ViolationKind.OTHER
    facts: str = ""
    record_text: str = ""


class CasePatch(Schema):
    title: str | None = None
    facts: str | None = None
    place: str | None = None
    party_address: str | None = None
    violation: str | None = None
    proposed_penalties: list[str] | None = None
    proposed_fine: Decimal | None = None
    proposed_summary: str | None = None
    complex: bool | None = None
    major_public_interest: bool | None = None
    multiple_legal_relations: bool | None = None
    manual_major: bool | None = None
    manual_major_reason: str | None = None
    rectification_required: bool | None = None
    expected_version: int | None = None


class SubmitReviewIn(Schema):
    opinion: str = ""


class CaseReasonIn(Schema):
    reason: str = ""


class CloseIn(Schema):
    summary: str = ""


def _summary_out(case) -> dict:
    return {
        "id": case.pk,
        "code": case.code,
        "title": case.title,
        "stage": case.stage,
        "agency": case.agency.name,
        "agency_id": case.agency_id,
        "matter_id": case.matter_id,
        "matter": case.matter.name,
        "party": mask_name(case.party_kind, case.party_name),
        "party_kind": case.party_kind,
        "violation": case.violation,
        "filed_on": case.filed_on,
    }


def case_out(case) -> dict:
    """The case as GET /cases/{id} answers: its clocks are selectors.case_clocks and its
    blockers gates.blockers of the same facts the case page uses."""
    facts = selectors.case_facts(case)
    clocks = selectors.case_clocks(case)
    officers = case.case_officers.select_related("officer").order_by("-lead", "id")
    return {
        **_summary_out(case),
        "major": facts.major,
        "major_reasons": [str(r) for r in facts.major_reasons],
        "clocks": [{"name": c.name, "due": c.due, "state": c.state} for c in clocks],
        "blockers": [{"rule": b.rule, "message": b.message} for b in gates.blockers(facts)],
        "matter_number": case.matter.number,
        "source": case.source,
        "place": case.place,
        "closed_on": case.closed_on,
        "next_step": gates.next_step(case.stage, facts),
        "officers": [
            {
                "id": co.officer_id,
                "name": co.officer.name,
                "certificate_no": co.officer.certificate_no,
                "lead": co.lead,
            }
            for co in officers
        ],
        "visited": list(case.visited or []),
        "proposed_penalties": list(case.proposed_penalties or []),
        "proposed_fine": case.proposed_fine,
        "proposed_summary": case.proposed_summary,
        "complex": case.complex,
        "major_public_interest": case.major_public_interest,
        "multiple_legal_relations": case.multiple_legal_relations,
        "withdrawn_reason": case.withdrawn_reason,
        "version": case.version,
    }


def _fresh(actor, case_id) -> dict:
    return case_out(selectors.case_get(actor, case_id))


@router.get("/cases", response=list[CaseSummaryOut], summary="执法案件列表")
@paginate(Page)
def cases(request, filters: Query[CaseFilters]):
    rows = selectors_core.case_list(
        request.user,
        open_only=not filters.include_closed,
        stage=filters.stage,
        agency=filters.agency_id,
        violation=filters.violation,
        q=filters.q.strip()[:100],
        major_only=filters.major,
        overdue_only=filters.overdue,
    )
    return PageRows(rows, _summary_out)


@router.post("/cases", response={201: CaseOut}, summary="立案")
def case_open(request, payload: CaseOpenIn):
    matter = EnforcementMatter.objects.select_related("agency__unit").filter(pk=payload.matter_id)
    matter = matter.first()
    if matter is None:
        raise ValidationFailed.on("matter_id", "执法事项不存在")
    ids = list(dict.fromkeys(payload.officer_ids))
    found = {o.pk: o for o in Officer.objects.filter(pk__in=ids)}
    unknown = [str(i) for i in ids if i not in found]
    if unknown:
        raise ValidationFailed.on("officer_ids", "执法人员不存在：" + "、".join(unknown))
    case = services.case_open(
        actor=request.user,
        matter=matter,
        officers=[found[i] for i in ids],
        title=payload.title,
        party_kind=payload.party_kind,
        party_name=payload.party_name,
        party_id_no=payload.party_id_no,
        party_phone=payload.party_phone,
        party_address=payload.party_address,
        party_representative=payload.party_representative,
        place=payload.place,
        filed_on=payload.filed_on,
        source=payload.source,
        violation=payload.violation,
        facts=payload.facts,
        record_text=payload.record_text,
    )
    return Reply(201, _fresh(request.user, case.pk))


@router.get("/cases/{case_id}", response=CaseOut, summary="执法案件详情")
def case_detail(request, case_id: int):
    return _fresh(request.user, case_id)


@router.patch("/cases/{case_id}", response=CaseOut, summary="修改执法案件（拟处理意见、情形）")
def case_update(request, case_id: int, payload: CasePatch):
    case = selectors.case_get(request.user, case_id)
    fields = payload.dict(exclude_unset=True)
    fields = {k: v for k, v in fields.items() if v is not None or k == "proposed_fine"}
    fields.pop("expected_version", None)
    with transaction.atomic():  # the version is checked under the row lock the write keeps
        require_version(request, payload.expected_version, case, check=True)
        services.case_update(actor=request.user, case=case, **fields)
    return _fresh(request.user, case_id)


@router.post("/cases/{case_id}/investigate", response=CaseOut, summary="开始调查取证")
def case_investigate(request, case_id: int):
    case = selectors.case_get(request.user, case_id)
    services.case_investigate(actor=request.user, case=case)
    return _fresh(request.user, case_id)


@router.post("/cases/{case_id}/submit-review", response=CaseOut, summary="调查终结，提交审核")
def case_submit_review(request, case_id: int, payload: SubmitReviewIn):
    case = selectors.case_get(request.user, case_id)
    services.case_submit_review(actor=request.user, case=case, opinion=payload.opinion)
    return _fresh(request.user, case_id)


@router.post("/cases/{case_id}/reinvestigate", response=CaseOut, summary="退回补充调查")
def case_reinvestigate(request, case_id: int, payload: CaseReasonIn):
    case = selectors.case_get(request.user, case_id)
    services.case_reinvestigate(actor=request.user, case=case, reason=payload.reason)
    return _fresh(request.user, case_id)


@router.post("/cases/{case_id}/withdraw", response=CaseOut, summary="撤销立案")
def case_withdraw(request, case_id: int, payload: CaseReasonIn):
    case = selectors.case_get(request.user, case_id)
    services.case_withdraw(actor=request.user, case=case, reason=payload.reason)
    return _fresh(request.user, case_id)


@router.post("/cases/{case_id}/close", response=CaseOut, summary="结案")
def case_close(request, case_id: int, payload: CloseIn):
    case = selectors.case_get(request.user, case_id)
    services.case_close(actor=request.user, case=case, summary=payload.summary)
    return _fresh(request.user, case_id)
