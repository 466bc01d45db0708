"""API of enforcement: the legal review (法制审核, B8–B10), the collective discussion and the
manual major flag. Reads go through selectors_review (scoped); writes call services.review."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import ValidationFailed
from ganchao.enforcement import gates, selectors
from ganchao.enforcement import selectors_review as sel
from ganchao.enforcement.models import Officer
from ganchao.enforcement.services import review as services

router = Router(tags=["行政执法"])


# ---- schemas ---------------------------------------------------------------------------------


class LegalReviewSubmitIn(Schema):
    materials: str = ""
    correction: str = ""
    voluntary: bool = False


class LegalReviewAssignIn(Schema):
    reviewer_id: int | None = None


class LegalReviewReasonIn(Schema):
    reason: str = ""


class LegalReviewVerdictIn(Schema):
    item: str
    verdict: str = ""
    note: str = ""


class LegalReviewConcludeIn(Schema):
    verdicts: list[LegalReviewVerdictIn] = []
    opinion: str = ""


class CollectiveDiscussionIn(Schema):
    held_on: dt.date | None = None
    chair: str = ""
    participants: str = ""
    conclusion: str = ""


class LegalReviewFilters(Schema):
    state: str = ""
    mine: bool = False


class LegalReviewVerdictOut(Schema):
    item: str
    verdict: str
    note: str


class LegalReviewOut(Schema):
    id: int
    case_id: int
    case_code: str
    case_title: str
    round: int
    state: str
    submitted_at: LocalDatetime
    submitted_by: str
    materials: str
    correction: str
    reviewer_id: int | None
    reviewer: str | None
    assigned_at: LocalDatetime | None
    due: dt.date | None
    clock_state: str | None
    extended: bool
    extension_reason: str
    opinion: str
    concluded_at: LocalDatetime | None


class LegalReviewDetailOut(LegalReviewOut):
    verdicts: list[LegalReviewVerdictOut]
    major: bool
    major_reasons: list[str]
    proposed_penalties: list[str]
    proposed_fine: Decimal | None
    proposed_summary: str


class CollectiveDiscussionOut(Schema):
    id: int
    case_id: int
    held_on: dt.date
    chair: str
    participants: str
    conclusion: str


class CaseMajorOut(Schema):
    id: int
    code: str
    major: bool
    major_reasons: list[str]
    manual_major_reason: str


# ---- rows ------------------------------------------------------------------------------------


def review_out(review) -> dict:
    clock = sel.clock(review)
    return {
        "id": review.pk,
        "case_id": review.case_id,
        "case_code": review.case.code,
        "case_title": review.case.title,
        "round": review.round,
        "state": review.state,
        "submitted_at": review.submitted_at,
        "submitted_by": review.submitted_by.display_name,
        "materials": review.materials,
        "correction": review.correction,
        "reviewer_id": review.reviewer_id,
        "reviewer": review.reviewer.name if review.reviewer else None,
        "assigned_at": review.assigned_at,
        "due": review.due,
        "clock_state": clock.state if clock else None,
        "extended": review.extended,
        "extension_reason": review.extension_reason,
        "opinion": review.opinion,
        "concluded_at": review.concluded_at,
    }


def _detail(request, review_id: int) -> dict:
    review = sel.review_get(request.user, review_id)
    case = review.case
    facts = selectors.case_facts(case)
    return {
        **review_out(review),
        "verdicts": [
            {"item": v.item, "verdict": v.verdict, "note": v.note} for v in review.verdicts.all()
        ],
        "major": facts.major,
        "major_reasons": list(gates.major_reasons(facts)),
        "proposed_penalties": list(case.proposed_penalties or []),
        "proposed_fine": case.proposed_fine,
        "proposed_summary": case.proposed_summary,
    }


def _reviewer(reviewer_id: int | None) -> Officer:
    officer = Officer.objects.filter(pk=reviewer_id, is_reviewer=True).first()
    if reviewer_id is None or officer is None:
        raise ValidationFailed.on("reviewer_id", _("请选择法制审核人员"))
    return officer


# ---- endpoints -------------------------------------------------------------------------------


@router.post(
    "/cases/{case_id}/major",
    response=CaseMajorOut,
    summary="认定为重大执法决定（B8：须说明理由，认定后不能取消）",
)
def case_major(request, case_id: int, payload: LegalReviewReasonIn):
    case = selectors.case_get(request.user, case_id)
    case = services.case_flag_major(actor=request.user, case=case, reason=payload.reason)
    facts = selectors.case_facts(case)
    return {
        "id": case.pk,
        "code": case.code,
        "major": facts.major,
        "major_reasons": list(gates.major_reasons(facts)),
        "manual_major_reason": case.manual_major_reason,
    }


@router.post(
    "/cases/{case_id}/legal-reviews",
    response={201: LegalReviewDetailOut},
    summary="提交法制审核（B9；退回后重新提交须写明整改说明）",
)
def legal_review_submit(request, case_id: int, payload: LegalReviewSubmitIn):
    case = selectors.case_get(request.user, case_id)
    review = services.review_submit(
        actor=request.user,
        case=case,
        materials=payload.materials,
        correction=payload.correction,
        voluntary=payload.voluntary,
    )
    return Reply(201, _detail(request, review.pk))


@router.get(
    "/legal-reviews",
    response=list[LegalReviewOut],
    summary="法制审核工作台（超期的在前；state=submitted|assigned|passed|returned|open，mine=true）",
)
@paginate(Page)
def legal_reviews(request, filters: Query[LegalReviewFilters]):
    rows = sel.reviews_for_desk(request.user, state=filters.state, mine=filters.mine)
    return PageRows(rows, review_out)


@router.get("/legal-reviews/{review_id}", response=LegalReviewDetailOut, summary="法制审核详情")
def legal_review_detail(request, review_id: int):
    return _detail(request, review_id)


@router.post(
    "/legal-reviews/{review_id}/assign",
    response=LegalReviewDetailOut,
    summary="分配审核人员（B10：须具有法律职业资格，且不是本案承办人员）",
)
def legal_review_assign(request, review_id: int, payload: LegalReviewAssignIn):
    review = sel.review_get(request.user, review_id)
    services.review_assign(
        actor=request.user, review=review, reviewer=_reviewer(payload.reviewer_id)
    )
    return _detail(request, review_id)


@router.post(
    "/legal-reviews/{review_id}/extend",
    response=LegalReviewDetailOut,
    summary="延长审核期限（只能延长一次）",
)
def legal_review_extend(request, review_id: int, payload: LegalReviewReasonIn):
    review = sel.review_get(request.user, review_id)
    services.review_extend(actor=request.user, review=review, reason=payload.reason)
    return _detail(request, review_id)


@router.post(
    "/legal-reviews/{review_id}/conclude",
    response=LegalReviewDetailOut,
    summary="出具审核意见（B10：七个审核事项各一项结论；存在问题须说明并填写审核意见）",
)
def legal_review_conclude(request, review_id: int, payload: LegalReviewConcludeIn):
    review = sel.review_get(request.user, review_id)
    verdicts = {}
    for row in payload.verdicts:
        if row.item in verdicts:
            raise ValidationFailed.on(
                f"verdicts.{row.item}", _("审核事项“%(item)s”重复") % {"item": row.item}
            )
        verdicts[row.item] = (row.verdict, row.note)
    services.review_conclude(
        actor=request.user, review=review, verdicts=verdicts, opinion=payload.opinion
    )
    return _detail(request, review_id)


@router.post(
    "/cases/{case_id}/collective-discussions",
    response={201: CollectiveDiscussionOut},
    summary="登记集体讨论（情节复杂或者重大违法的案件）",
)
def collective_discussion_record(request, case_id: int, payload: CollectiveDiscussionIn):
    case = selectors.case_get(request.user, case_id)
    item = services.collective_record(
        actor=request.user,
        case=case,
        held_on=payload.held_on,
        chair=payload.chair,
        participants=payload.participants,
        conclusion=payload.conclusion,
    )
    return Reply(
        201,
        {
            "id": item.pk,
            "case_id": case.pk,
            "held_on": item.held_on,
            "chair": item.chair,
            "participants": item.participants,
            "conclusion": item.conclusion,
        },
    )
