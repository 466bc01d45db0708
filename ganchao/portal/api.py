"""The public portal's API under /api/v1/public/ (mounted with auth=None: no token, no CSRF).
Reads return published material only; a comment is rate-limited per address and held for
moderation (201 pending, 429 over the limit, 404 unknown or unpublished, 409 closed, 422
bad input)."""

import datetime as dt

from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page
from ganchao.portal import enforcement_api, selectors
from ganchao.portal.addresses import client_address
from ganchao.portal.services import public_comment_submit, received_message

router = Router(tags=["政务公开（无需登录）"])
router.add_router("/enforcement", enforcement_api.router)


class PublicConsultationOut(Schema):
    id: int
    title: str
    decision_code: str
    decision_title: str
    owner: str
    phase: str
    accepting: bool
    start_date: dt.date
    end_date: dt.date
    shortening_reason: str
    channel: str
    media: str
    comment_count: int


class PublicCommentOut(Schema):
    id: int
    body: str
    submitted_at: LocalDatetime


class PublicConsultationDetailOut(PublicConsultationOut):
    explanation: str
    draft_text: str
    comments: list[PublicCommentOut]


class PublicCommentIn(Schema):
    body: str
    author: str = ""
    contact: str = ""


class PublicCommentReceivedOut(Schema):
    id: int
    state: str
    message: str


class PublicDecisionOut(Schema):
    code: str
    title: str
    year: int
    state: str
    state_label: str
    category_label: str
    owner: str
    doc_number: str
    reference: str
    channel_label: str
    published_on: dt.date | None
    has_adoption_report: bool


class PublicPublicationOut(Schema):
    channel_label: str
    reference: str
    published_on: dt.date
    doc_number: str


class PublicDecisionDetailOut(PublicDecisionOut):
    text: str
    interpretation: str
    adoption_report: str
    publications: list[PublicPublicationOut]
    consultations: list[PublicConsultationOut]


@router.get("/consultations", response=list[PublicConsultationOut], auth=None)
@paginate(Page)
def consultation_list(request):
    """Open consultations (accepting comments or about to), then the recently closed."""
    return selectors.open_consultations() + selectors.recent_closed_consultations()


@router.get("/consultations/{consultation_id}", response=PublicConsultationDetailOut, auth=None)
def consultation_detail(request, consultation_id: int):
    """The notice and the moderated comments only (never a pending or rejected one)."""
    notice = selectors.public_consultation(consultation_id)
    comments = selectors.published_comments(notice["id"])
    return {
        **notice,
        "comments": [
            {"id": c["pk"], "body": c["body"], "submitted_at": c["submitted_at"]} for c in comments
        ],
    }


@router.post(
    "/consultations/{consultation_id}/comments",
    response={201: PublicCommentReceivedOut},
    auth=None,
)
def comment_submit(request, consultation_id: int, payload: PublicCommentIn):
    """Send a comment: held for moderation, shown only after review."""
    comment = public_comment_submit(
        consultation_id=consultation_id,
        body=payload.body,
        author=payload.author,
        contact=payload.contact,
        address=client_address(request),
    )
    return Reply(201, {"id": comment.pk, "state": comment.state, "message": received_message()})


@router.get("/decisions", response=list[PublicDecisionOut], auth=None)
@paginate(Page)
def decision_list(request, year: int | None = None):
    """Published decisions (published, archived, executing, suspended, adjusting,
    terminated) with the publication reference, newest first."""
    return selectors.public_decisions(year=year)


@router.get("/decisions/{code}", response=PublicDecisionDetailOut, auth=None)
def decision_detail(request, code: str):
    """A published decision: text, interpretation, publications, the 采纳情况说明."""
    return selectors.public_decision(code)
