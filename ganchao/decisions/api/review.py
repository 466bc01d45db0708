"""API of the decisions app: the legality review (合法性审查, A9–A11). Reads go through
selectors_review (scoped); writes call services.review."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import ValidationFailed
from ganchao.decisions import selectors_review as sel
from ganchao.decisions.choices import MaterialKind
from ganchao.decisions.selectors import decision_get
from ganchao.decisions.services import review as services
from ganchao.orgs.models import Unit

router = Router(tags=["重大行政决策"])


# ---- schemas ---------------------------------------------------------------------------------


class LegalityReviewRequestIn(Schema):
    legal_basis: str = ""
    procedure_statement: str = ""
    reviewing_unit_code: str | None = None
    planned_meeting_on: dt.date | None = None
    urgency_reason: str = ""


class LegalityReviewReasonIn(Schema):
    reason: str = ""


class LegalityReviewConcludeIn(Schema):
    authority_opinion: str = ""
    procedure_opinion: str = ""
    content_opinion: str = ""
    conclusion: str = ""
    legal_risk_statement: str = ""


class LegalityReviewFilters(Schema):
    state: str = ""


class LegalityReviewOut(Schema):
    id: int
    decision_id: int
    decision_code: str
    decision_title: str
    draft_number: int
    reviewing_unit_code: str
    reviewing_unit: str
    requested_by: str
    requested_at: LocalDatetime
    requested_on: dt.date
    legal_basis: str
    procedure_statement: str
    planned_meeting_on: dt.date | None
    earliest_meeting_on: dt.date
    urgency_reason: str
    urgent: bool
    due_on: dt.date
    working_days_left: int | None
    overdue: bool
    paused: bool
    paused_since: dt.date | None
    state: str
    reviewer: str | None
    conclusion: str
    authority_opinion: str
    procedure_opinion: str
    content_opinion: str
    legal_risk_statement: str
    changes_confirmed_at: LocalDatetime | None
    return_reason: str
    concluded_at: LocalDatetime | None
    participation_exempt_basis: str


class LegalityReviewMaterialOut(Schema):
    id: int
    kind: str
    original_name: str
    size: int
    sha256: str
    uploaded_at: LocalDatetime


class LegalityReviewAdviserOpinionOut(Schema):
    id: int
    adviser: str
    adviser_kind: str
    opinion: str
    conclusion: str
    consulted_on: dt.date


class LegalityReviewDetailOut(LegalityReviewOut):
    materials: list[LegalityReviewMaterialOut]
    adviser_opinions: list[LegalityReviewAdviserOpinionOut]


# ---- rows ------------------------------------------------------------------------------------


def review_out(review) -> dict:
    clock = sel.clock(review)
    decision = review.decision
    return {
        "id": review.pk,
        "decision_id": decision.pk,
        "decision_code": decision.code,
        "decision_title": decision.title,
        "draft_number": review.draft.number,
        "reviewing_unit_code": review.reviewing_unit.code,
        "reviewing_unit": review.reviewing_unit.name,
        "requested_by": review.requested_by.display_name,
        "requested_at": review.requested_at,
        "requested_on": clock.requested_on,
        "legal_basis": review.legal_basis,
        "procedure_statement": review.procedure_statement,
        "planned_meeting_on": review.planned_meeting_on,
        "earliest_meeting_on": review.earliest_meeting_on,
        "urgency_reason": review.urgency_reason,
        "urgent": clock.urgent,
        "due_on": review.due_on,
        "working_days_left": clock.days_left,
        "overdue": clock.overdue,
        "paused": clock.paused,
        "paused_since": clock.paused_since,
        "state": review.state,
        "reviewer": review.reviewer.display_name if review.reviewer else None,
        "conclusion": review.conclusion,
        "authority_opinion": review.authority_opinion,
        "procedure_opinion": review.procedure_opinion,
        "content_opinion": review.content_opinion,
        "legal_risk_statement": review.legal_risk_statement,
        "changes_confirmed_at": review.changes_confirmed_at,
        "return_reason": review.return_reason,
        "concluded_at": review.concluded_at,
        "participation_exempt_basis": decision.participation_exempt_basis,
    }


def review_detail_out(review) -> dict:
    return {
        **review_out(review),
        "materials": [
            {
                "id": f.pk,
                "kind": f.kind,
                "original_name": f.original_name,
                "size": f.size,
                "sha256": f.sha256,
                "uploaded_at": f.uploaded_at,
            }
            for f in sel.review_materials(review)
        ],
        "adviser_opinions": [
            {
                "id": o.pk,
                "adviser": o.adviser.name,
                "adviser_kind": o.adviser.kind,
                "opinion": o.opinion,
                "conclusion": o.conclusion,
                "consulted_on": o.consulted_on,
            }
            for o in sel.review_adviser_opinions(review)
        ],
    }


def _detail(request, review_id: int) -> dict:
    return review_detail_out(sel.review_get(request.user, review_id))


def _unit(code: str | None):
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationFailed.on(
            "reviewing_unit_code", _("单位编码“%(code)s”不存在") % {"code": code}
        )
    return unit


# ---- endpoints -------------------------------------------------------------------------------


@router.post(
    "/decisions/{decision_id}/legality-reviews",
    response={201: LegalityReviewDetailOut},
    summary="提请合法性审查（A10；材料另用 …/materials 上传）",
)
def legality_review_request(request, decision_id: int, payload: LegalityReviewRequestIn):
    decision = decision_get(request.user, decision_id)
    review = services.review_request(
        actor=request.user,
        decision=decision,
        legal_basis=payload.legal_basis,
        procedure_statement=payload.procedure_statement,
        reviewing_unit=_unit(payload.reviewing_unit_code),
        planned_meeting_on=payload.planned_meeting_on,
        urgency_reason=payload.urgency_reason,
    )
    return Reply(201, _detail(request, review.pk))


@router.get(
    "/legality-reviews",
    response=list[LegalityReviewOut],
    summary="合法性审查工作台（含审查时钟：剩余工作日、暂停、紧急）",
)
@paginate(Page)
def legality_reviews(request, filters: Query[LegalityReviewFilters]):
    return PageRows(sel.reviews_for_desk(request.user, state=filters.state), review_out)


@router.get(
    "/legality-reviews/{review_id}", response=LegalityReviewDetailOut, summary="合法性审查详情"
)
def legality_review_detail(request, review_id: int):
    return _detail(request, review_id)


@router.post(
    "/legality-reviews/{review_id}/take",
    response=LegalityReviewDetailOut,
    summary="承接合法性审查（法制审核人员）",
)
def legality_review_take(request, review_id: int):
    review = sel.review_get(request.user, review_id)
    services.review_take(actor=request.user, review=review)
    return _detail(request, review_id)


@router.post(
    "/legality-reviews/{review_id}/supplement-request",
    response=LegalityReviewDetailOut,
    summary="要求补充材料（审查时钟暂停）",
)
def legality_review_supplement_request(request, review_id: int, payload: LegalityReviewReasonIn):
    review = sel.review_get(request.user, review_id)
    services.review_supplement_request(actor=request.user, review=review, reason=payload.reason)
    return _detail(request, review_id)


@router.post(
    "/legality-reviews/{review_id}/supplement-done",
    response=LegalityReviewDetailOut,
    summary="材料补充完毕（multipart，可附补充材料；审查时钟继续）",
)
def legality_review_supplement_done(
    request, review_id: int, files: File[list[UploadedFile]] = None
):
    review = sel.review_get(request.user, review_id)
    services.review_supplement_done(
        actor=request.user,
        review=review,
        files=[(MaterialKind.SUPPLEMENT, upload) for upload in files or []],
    )
    return _detail(request, review_id)


@router.post(
    "/legality-reviews/{review_id}/return",
    response=LegalityReviewDetailOut,
    summary="退回合法性审查申请（决策回到已启动）",
)
def legality_review_return(request, review_id: int, payload: LegalityReviewReasonIn):
    review = sel.review_get(request.user, review_id)
    services.review_return(actor=request.user, review=review, reason=payload.reason)
    return _detail(request, review_id)


@router.post(
    "/legality-reviews/{review_id}/conclude",
    response=LegalityReviewDetailOut,
    summary="出具合法性审查意见（A11：权限、程序、内容，须有法律顾问或公职律师意见）",
)
def legality_review_conclude(request, review_id: int, payload: LegalityReviewConcludeIn):
    review = sel.review_get(request.user, review_id)
    services.review_conclude(
        actor=request.user,
        review=review,
        authority_opinion=payload.authority_opinion,
        procedure_opinion=payload.procedure_opinion,
        content_opinion=payload.content_opinion,
        conclusion=payload.conclusion,
        legal_risk_statement=payload.legal_risk_statement,
    )
    return _detail(request, review_id)


@router.post(
    "/legality-reviews/{review_id}/confirm-changes",
    response=LegalityReviewDetailOut,
    summary="确认审查意见要求的修改已落实（修改后合法）",
)
def legality_review_confirm_changes(request, review_id: int):
    review = sel.review_get(request.user, review_id)
    services.review_changes_confirm(actor=request.user, review=review)
    return _detail(request, review_id)


@router.post(
    "/legality-reviews/{review_id}/materials",
    response={201: LegalityReviewMaterialOut},
    summary="上传合法性审查材料（multipart：kind、file）",
)
def legality_review_material_add(
    request, review_id: int, kind: Form[str], file: File[UploadedFile]
):
    review = sel.review_get(request.user, review_id)
    item = services.review_material_add(actor=request.user, review=review, kind=kind, upload=file)
    return Reply(
        201,
        {
            "id": item.pk,
            "kind": item.kind,
            "original_name": item.original_name,
            "size": item.size,
            "sha256": item.sha256,
            "uploaded_at": item.uploaded_at,
        },
    )
