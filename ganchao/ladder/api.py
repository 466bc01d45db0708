"""API of levels 3–5: /notices (list, detail, respond, accept, return), the office's
/ladder/proposals (list, issue, dismiss), /ladder/bulletins (通报) and /talks (约谈: list,
detail, hold, dismiss). Reads through the scoped selectors; every verb is its
own POST calling one service."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.ladder import selectors, services
from ganchao.ladder.models import SupervisionNotice

router = Router(tags=["领着干：督办单"])


class ResponseOut(Schema):
    id: int
    text: str
    state: str
    submitted_by: str
    submitted_at: LocalDatetime
    decided_at: LocalDatetime | None = None
    decision_note: str


class NoticeOut(Schema):
    id: int
    number: str | None
    state: str
    trigger: str
    cause_key: str
    unit_code: str
    unit: str
    subject: str
    assignment_id: int | None
    matter_id: int | None
    title: str
    reason: str
    content: str
    proposed_at: LocalDatetime
    issued_at: LocalDatetime | None = None
    response_due: dt.date | None
    accepted_response_at: LocalDatetime | None = None
    bulletin_dated: dt.date | None
    responses: list[ResponseOut] | None = None


class TextIn(Schema):
    text: str = ""


class LadderNoteIn(Schema):
    note: str = ""


class LadderReasonIn(Schema):
    reason: str = ""


class IssueIn(Schema):
    content: str | None = None


def notice_out(notice: SupervisionNotice, *, with_responses: bool = False) -> dict:
    bulletin = getattr(notice, "bulletin", None) if _has_bulletin(notice) else None
    row = {
        "id": notice.pk,
        "number": notice.number,
        "state": notice.state,
        "trigger": notice.trigger,
        "cause_key": notice.cause_key,
        "unit_code": notice.unit.code,
        "unit": notice.unit.name,
        "subject": notice.subject_kind,
        "assignment_id": notice.assignment_id,
        "matter_id": notice.matter_id,
        "title": notice.title,
        "reason": notice.reason,
        "content": notice.content,
        "proposed_at": notice.proposed_at,
        "issued_at": notice.issued_at,
        "response_due": notice.response_due,
        "accepted_response_at": notice.accepted_response_at,
        "bulletin_dated": bulletin.dated if bulletin else None,
    }
    if with_responses:
        row["responses"] = [
            {
                "id": r.pk,
                "text": r.text,
                "state": r.state,
                "submitted_by": r.submitted_by.display_name,
                "submitted_at": r.submitted_at,
                "decided_at": r.decided_at,
                "decision_note": r.decision_note,
            }
            for r in notice.responses.all()
        ]
    return row


def _has_bulletin(notice) -> bool:
    try:
        notice.bulletin  # noqa: B018 — the reverse one-to-one raises when absent
    except SupervisionNotice.bulletin.RelatedObjectDoesNotExist:
        return False
    return True


def _detail(request, notice_id: int) -> dict:
    notice = selectors.notice_get(actor=request.user, pk=notice_id)
    return notice_out(notice, with_responses=True)


@router.get("/notices", response=list[NoticeOut], summary="督办单列表")
@paginate(Page)
def notices(request, state: str = "", unit: str = ""):
    rows = selectors.notice_list(actor=request.user, state=state, unit=unit.strip())
    return PageRows(rows, notice_out)


@router.get("/notices/{notice_id}", response=NoticeOut, summary="督办单详情（含书面回复）")
def notice_detail(request, notice_id: int):
    return _detail(request, notice_id)


@router.post("/notices/{notice_id}/respond", response=NoticeOut, summary="书面回复（被督办单位）")
def notice_respond(request, notice_id: int, body: TextIn):
    services.notice_respond(actor=request.user, notice_id=notice_id, text=body.text)
    return _detail(request, notice_id)


@router.post("/notices/{notice_id}/accept", response=NoticeOut, summary="认可回复（督查室）")
def notice_accept(request, notice_id: int, body: LadderNoteIn):
    services.notice_accept(actor=request.user, notice_id=notice_id, note=body.note)
    return _detail(request, notice_id)


@router.post(
    "/notices/{notice_id}/return", response=NoticeOut, summary="退回回复（督查室，须写理由）"
)
def notice_return(request, notice_id: int, body: LadderReasonIn):
    services.notice_return(actor=request.user, notice_id=notice_id, reason=body.reason)
    return _detail(request, notice_id)


@router.get("/ladder/proposals", response=list[NoticeOut], summary="待签发的督办建议（督查室）")
@paginate(Page)
def proposals(request):
    return PageRows(selectors.proposals(actor=request.user), notice_out)


@router.post(
    "/ladder/proposals/{notice_id}/issue", response=NoticeOut, summary="签发督办单（督查室）"
)
def proposal_issue(request, notice_id: int, body: IssueIn):
    services.notice_issue(actor=request.user, notice_id=notice_id, content=body.content)
    return _detail(request, notice_id)


@router.post(
    "/ladder/proposals/{notice_id}/dismiss",
    response=NoticeOut,
    summary="不予督办（督查室，须写理由）",
)
def proposal_dismiss(request, notice_id: int, body: LadderReasonIn):
    services.notice_dismiss(actor=request.user, notice_id=notice_id, reason=body.reason)
    return _detail(request, notice_id)


# ---------------------------------------------------------------------------- 通报 and 约谈


class BulletinListingOut(Schema):
    id: int
    notice_id: int
    notice_number: str | None
    unit_code: str
    unit: str
    leader: str | None
    dated: dt.date
    year: int
    ordinal: int


class TalkOut(Schema):
    id: int
    unit_code: str
    unit: str
    leader: str | None
    year: int
    count: int
    bulletin_id: int
    bulletin_dated: dt.date
    proposed_at: LocalDatetime
    state: str
    held_on: dt.date | None
    notes: str
    decided_at: LocalDatetime | None = None


class HoldIn(Schema):
    held_on: dt.date | None = None
    notes: str = ""


def bulletin_out(listing) -> dict:
    return {
        "id": listing.pk,
        "notice_id": listing.notice_id,
        "notice_number": listing.notice.number,
        "unit_code": listing.unit.code,
        "unit": listing.unit.name,
        "leader": listing.leader.name if listing.leader_id else None,
        "dated": listing.dated,
        "year": listing.year,
        "ordinal": listing.ordinal,
    }


def talk_out(talk) -> dict:
    return {
        "id": talk.pk,
        "unit_code": talk.unit.code,
        "unit": talk.unit.name,
        "leader": talk.leader.name if talk.leader_id else None,
        "year": talk.year,
        "count": talk.count,
        "bulletin_id": talk.bulletin_id,
        "bulletin_dated": talk.bulletin.dated,
        "proposed_at": talk.proposed_at,
        "state": talk.state,
        "held_on": talk.held_on,
        "notes": talk.notes,
        "decided_at": talk.decided_at,
    }


@router.get(
    "/ladder/bulletins", response=list[BulletinListingOut], summary="通报（逾期未获认可的督办单）"
)
@paginate(Page)
def bulletins(request, year: int | None = None, unit: str = ""):
    rows = selectors.bulletins_visible(request.user)
    if year is not None:
        rows = rows.filter(year=year)
    if unit.strip():
        rows = rows.filter(unit__code=unit.strip())
    return PageRows(rows.order_by("-dated", "-id"), bulletin_out)


@router.get("/talks", response=list[TalkOut], summary="约谈建议（督查室与分管领导）")
@paginate(Page)
def talks(request, state: str = ""):
    rows = selectors.talks_visible(request.user)
    if state:
        rows = rows.filter(state=state)
    return PageRows(rows.order_by("-proposed_at", "-id"), talk_out)


@router.get("/talks/{talk_id}", response=TalkOut, summary="约谈建议详情")
def talk_detail(request, talk_id: int):
    return talk_out(selectors.talk_get(actor=request.user, pk=talk_id))


@router.post("/talks/{talk_id}/hold", response=TalkOut, summary="记录约谈已进行（日期与情况）")
def talk_hold(request, talk_id: int, body: HoldIn):
    services.talk_hold(actor=request.user, talk_id=talk_id, held_on=body.held_on, notes=body.notes)
    return talk_out(selectors.talk_get(actor=request.user, pk=talk_id))


@router.post("/talks/{talk_id}/dismiss", response=TalkOut, summary="不予约谈（须写理由）")
def talk_dismiss(request, talk_id: int, body: LadderReasonIn):
    services.talk_dismiss(actor=request.user, talk_id=talk_id, reason=body.reason)
    return talk_out(selectors.talk_get(actor=request.user, pk=talk_id))
