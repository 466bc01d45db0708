"""API of the decisions app: expert pools, expert argumentation (A7), risk assessment (A8) and
fair-competition review (A12). Reads go through the scoped selectors; writes call
services.experts."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import ValidationFailed
from ganchao.decisions import selectors_experts as sel
from ganchao.decisions.selectors import decision_get
from ganchao.decisions.services import experts as services
from ganchao.orgs.models import Unit

router = Router(tags=["重大行政决策"])


# ---- schemas ---------------------------------------------------------------------------------


class DecisionExpertOut(Schema):
    id: int
    pool_id: int
    name: str
    organisation: str
    specialty: str
    title: str
    active: bool


class DecisionExpertPoolOut(Schema):
    id: int
    name: str
    owner_code: str
    owner: str
    experts: list[DecisionExpertOut]


class DecisionExpertPoolIn(Schema):
    name: str
    owner_code: str | None = None


class DecisionExpertIn(Schema):
    name: str
    organisation: str
    specialty: str
    title: str = ""


class DecisionExpertPatch(Schema):
    name: str | None = None
    organisation: str | None = None
    specialty: str | None = None
    title: str | None = None
    active: bool | None = None


class DecisionExpertAssignIn(Schema):
    expert_id: int
    declaration: str
    direct_interest: bool = False


class DecisionExpertOpinionOut(Schema):
    id: int
    assignment_id: int
    expert: str
    text: str
    signed_by: str
    signed_on: dt.date
    seal: str
    file_id: int | None
    adoption: str
    adoption_reason: str
    created_at: LocalDatetime


class DecisionExpertAssignmentOut(Schema):
    id: int
    decision_id: int
    expert: DecisionExpertOut
    declaration: str
    declared_at: LocalDatetime
    opinions: list[DecisionExpertOpinionOut]


class DecisionExpertOpinionIn(Schema):
    text: str
    signed_by: str
    signed_on: dt.date | None = None
    seal: str


class DecisionExpertAdoptionIn(Schema):
    adoption: str
    reason: str = ""


class DecisionRiskAssessmentIn(Schema):
    assessor: str
    assessor_unit_code: str | None = None
    third_party: bool = False
    existing_reference: str = ""
    risk_points: str = ""
    measures: str = ""
    contingency_plan: str = ""
    departments_heard: str = ""
    conclusion: str


class DecisionRiskAssessmentOut(Schema):
    id: int
    decision_id: int
    draft_number: int
    assessor: str
    assessor_unit_code: str | None
    third_party: bool
    existing_reference: str
    risk_points: str
    measures: str
    contingency_plan: str
    departments_heard: str
    conclusion: str
    complete: bool
    report_file_id: int | None
    created_at: LocalDatetime


class DecisionFairReviewIn(Schema):
    reviewer_unit_code: str
    reviewed_on: dt.date | None = None
    opinion: str
    conclusion: str


class DecisionFairReviewOut(Schema):
    id: int
    decision_id: int
    draft_number: int
    reviewer_unit_code: str
    reviewer_unit: str
    reviewed_on: dt.date
    opinion: str
    conclusion: str
    file_id: int | None
    created_at: LocalDatetime


# ---- rows ------------------------------------------------------------------------------------


def _expert_out(e) -> dict:
    return {
        "id": e.pk,
        "pool_id": e.pool_id,
        "name": e.name,
        "organisation": e.organisation,
        "specialty": e.specialty,
        "title": e.title,
        "active": e.active,
    }


def _pool_out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "owner_code": p.owner.code,
        "owner": p.owner.name,
        "experts": [_expert_out(e) for e in p.experts.all()],
    }


def _opinion_out(o) -> dict:
    return {
        "id": o.pk,
        "assignment_id": o.assignment_id,
        "expert": o.assignment.expert.name,
        "text": o.text,
        "signed_by": o.signed_by,
        "signed_on": o.signed_on,
        "seal": o.seal,
        "file_id": o.file_id,
        "adoption": o.adoption,
        "adoption_reason": o.adoption_reason,
        "created_at": o.created_at,
    }


def _assignment_out(a) -> dict:
    return {
        "id": a.pk,
        "decision_id": a.decision_id,
        "expert": _expert_out(a.expert),
        "declaration": a.declaration,
        "declared_at": a.declared_at,
        "opinions": [_opinion_out(o) for o in a.opinions.all()],
    }


def _risk_out(r) -> dict:
    return {
        "id": r.pk,
        "decision_id": r.decision_id,
        "draft_number": r.draft.number,
        "assessor": r.assessor,
        "assessor_unit_code": r.assessor_unit.code if r.assessor_unit else None,
        "third_party": r.third_party,
        "existing_reference": r.existing_reference,
        "risk_points": r.risk_points,
        "measures": r.measures,
        "contingency_plan": r.contingency_plan,
        "departments_heard": r.departments_heard,
        "conclusion": r.conclusion,
        "complete": bool(
            r.existing_reference or (r.risk_points and r.measures and r.contingency_plan)
        ),
        "report_file_id": r.report_id,
        "created_at": r.created_at,
    }


def _fair_out(f) -> dict:
    return {
        "id": f.pk,
        "decision_id": f.decision_id,
        "draft_number": f.draft.number,
        "reviewer_unit_code": f.reviewer_unit.code,
        "reviewer_unit": f.reviewer_unit.name,
        "reviewed_on": f.reviewed_on,
        "opinion": f.opinion,
        "conclusion": f.conclusion,
        "file_id": f.file_id,
        "created_at": f.created_at,
    }


def _unit(code: str | None, field: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationFailed.on(field, _("单位编码“%(code)s”不存在") % {"code": code})
    return unit


# ---- pools -----------------------------------------------------------------------------------


@router.get("/expert-pools", response=list[DecisionExpertPoolOut], summary="可用的专家库")
@paginate(Page)
def expert_pools(request):
    return PageRows(sel.pools_usable(request.user), _pool_out)


@router.post("/expert-pools", response={201: DecisionExpertPoolOut}, summary="设立专家库")
def expert_pool_create(request, payload: DecisionExpertPoolIn):
    pool = services.expert_pool_create(
        actor=request.user, name=payload.name, owner=_unit(payload.owner_code, "owner_code")
    )
    return Reply(201, _pool_out(sel.pool_get(request.user, pool.pk)))


@router.post(
    "/expert-pools/{pool_id}/experts", response={201: DecisionExpertOut}, summary="专家入库"
)
def expert_add(request, pool_id: int, payload: DecisionExpertIn):
    pool = sel.pool_get(request.user, pool_id)
    expert = services.expert_add(actor=request.user, pool=pool, **payload.dict())
    return Reply(201, _expert_out(expert))


@router.patch("/experts/{expert_id}", response=DecisionExpertOut, summary="修改专家信息或出库")
def expert_update(request, expert_id: int, payload: DecisionExpertPatch):
    expert = sel.expert_get(request.user, expert_id)
    fields = payload.dict(exclude_unset=True)
    for name in ("name", "organisation", "specialty", "active"):
        if name in fields and fields[name] is None:
            raise ValidationFailed.on(name, _("该字段不能为空"))
    return _expert_out(services.expert_update(actor=request.user, expert=expert, **fields))


# ---- experts of a decision (A7) --------------------------------------------------------------


@router.get(
    "/decisions/{decision_id}/experts",
    response=list[DecisionExpertAssignmentOut],
    summary="决策事项的论证专家",
)
@paginate(Page)
def decision_experts(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    return PageRows(sel.assignments_of(decision), _assignment_out)


@router.post(
    "/decisions/{decision_id}/experts",
    response={201: DecisionExpertAssignmentOut},
    summary="确定论证专家（须附利益冲突声明）",
)
def expert_assign(request, decision_id: int, payload: DecisionExpertAssignIn):
    decision = decision_get(request.user, decision_id)
    expert = sel.expert_get(request.user, payload.expert_id)
    item = services.expert_assign(
        actor=request.user,
        decision=decision,
        expert=expert,
        declaration=payload.declaration,
        direct_interest=payload.direct_interest,
    )
    return Reply(201, _assignment_out(sel.assignments_of(decision).get(pk=item.pk)))


@router.get(
    "/decisions/{decision_id}/expert-opinions",
    response=list[DecisionExpertOpinionOut],
    summary="决策事项的专家论证意见",
)
@paginate(Page)
def decision_expert_opinions(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    return PageRows(sel.opinions_of(decision), _opinion_out)


@router.post(
    "/decision-experts/{assignment_id}/opinions",
    response={201: DecisionExpertOpinionOut},
    summary="登记专家论证意见（签名、盖章）",
)
def expert_opinion_add(request, assignment_id: int, payload: DecisionExpertOpinionIn):
    assignment = sel.assignment_get(request.user, assignment_id)
    opinion = services.expert_opinion_add(
        actor=request.user, assignment=assignment, **payload.dict()
    )
    return Reply(201, _opinion_out(sel.opinion_get(request.user, opinion.pk)))


@router.post(
    "/decision-expert-opinions/{opinion_id}/adoption",
    response=DecisionExpertOpinionOut,
    summary="登记专家意见采纳情况",
)
def expert_opinion_adopt(request, opinion_id: int, payload: DecisionExpertAdoptionIn):
    opinion = sel.opinion_get(request.user, opinion_id)
    services.expert_opinion_adopt(
        actor=request.user, opinion=opinion, adoption=payload.adoption, reason=payload.reason
    )
    return _opinion_out(sel.opinion_get(request.user, opinion_id))


# ---- risk assessment (A8) and fair-competition review ------------------------------------------


@router.get(
    "/decisions/{decision_id}/risk-assessments",
    response=list[DecisionRiskAssessmentOut],
    summary="决策事项的风险评估",
)
@paginate(Page)
def risk_assessments(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    return PageRows(sel.risk_assessments_of(decision), _risk_out)


@router.post(
    "/decisions/{decision_id}/risk-assessments",
    response={201: DecisionRiskAssessmentOut},
    summary="登记风险评估（当前草案）",
)
def risk_assessment_add(request, decision_id: int, payload: DecisionRiskAssessmentIn):
    decision = decision_get(request.user, decision_id)
    fields = payload.dict()
    unit = _unit(fields.pop("assessor_unit_code"), "assessor_unit_code")
    item = services.risk_assessment_add(
        actor=request.user, decision=decision, assessor_unit=unit, **fields
    )
    return Reply(201, _risk_out(sel.risk_assessments_of(decision).get(pk=item.pk)))


@router.get(
    "/decisions/{decision_id}/fair-competition-reviews",
    response=list[DecisionFairReviewOut],
    summary="决策事项的公平竞争审查",
)
@paginate(Page)
def fair_reviews(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    return PageRows(sel.fair_reviews_of(decision), _fair_out)


@router.post(
    "/decisions/{decision_id}/fair-competition-reviews",
    response={201: DecisionFairReviewOut},
    summary="登记公平竞争审查",
)
def fair_review_add(request, decision_id: int, payload: DecisionFairReviewIn):
    decision = decision_get(request.user, decision_id)
    item = services.fair_review_add(
        actor=request.user,
        decision=decision,
        reviewer_unit=_unit(payload.reviewer_unit_code, "reviewer_unit_code"),
        reviewed_on=payload.reviewed_on,
        opinion=payload.opinion,
        conclusion=payload.conclusion,
    )
    return Reply(201, _fair_out(sel.fair_reviews_of(decision).get(pk=item.pk)))
