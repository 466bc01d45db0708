"""API of public participation (A4–A6): consultations, moderation of public comments, opinions
and their handling, the 采纳情况说明, hearings and their participants. Each POST calls one
service of services.participation; reads go through selectors_participation."""

import datetime as dt

from ninja import File, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import ValidationFailed
from ganchao.decisions import selectors_participation as sel
from ganchao.decisions.selectors import decision_get
from ganchao.decisions.services.participation import (
    adoption_report_generate,
    comment_moderate,
    comments_moderate,
    consultation_close,
    consultation_create,
    consultation_publish,
    hearing_close,
    hearing_confirm,
    hearing_create,
    hearing_participants_publish,
    hearing_selection_publish,
    opinion_add,
    opinion_handle,
    participant_add,
    participant_refusal_record,
    participant_served,
    participant_signed_record_add,
)
from ganchao.orgs.models import Unit

router = Router(tags=["重大行政决策"])


# ---- consultations ----------------------------------------------------------------------------


class DecisionConsultationIn(Schema):
    title: str
    explanation: str = ""
    channel: str = ""
    start_date: dt.date
    end_date: dt.date
    media: str = ""
    shortening_reason: str = ""


class DecisionConsultationOut(Schema):
    id: int
    decision_id: int
    draft_number: int
    title: str
    explanation: str
    channel: str
    start_date: dt.date
    end_date: dt.date
    media: str
    shortening_reason: str
    state: str
    published_at: LocalDatetime | None = None
    closed_at: LocalDatetime | None = None


def _consultation_out(c) -> dict:
    return {
        "id": c.pk,
        "decision_id": c.decision_id,
        "draft_number": c.draft.number,
        "title": c.title,
        "explanation": c.explanation,
        "channel": c.channel,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "media": c.media,
        "shortening_reason": c.shortening_reason,
        "state": c.state,
        "published_at": c.published_at,
        "closed_at": c.closed_at,
    }


@router.post(
    "/decisions/{decision_id}/consultations",
    response={201: DecisionConsultationOut},
    summary="拟定公开征求意见（草稿）",
)
def api_consultation_create(request, decision_id: int, payload: DecisionConsultationIn):
    decision = decision_get(request.user, decision_id)
    made = consultation_create(actor=request.user, decision=decision, **payload.dict())
    return Reply(201, _consultation_out(made))


@router.get(
    "/decisions/{decision_id}/consultations",
    response=list[DecisionConsultationOut],
    summary="决策的公开征求意见",
)
@paginate(Page)
def api_consultations(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    return PageRows(sel.consultations_of(decision), _consultation_out)


@router.post(
    "/decision-consultations/{consultation_id}/publish",
    response=DecisionConsultationOut,
    summary="发布征求意见公告（A4）",
)
def api_consultation_publish(request, consultation_id: int):
    consultation = sel.consultation_get(request.user, consultation_id)
    return _consultation_out(consultation_publish(actor=request.user, consultation=consultation))


@router.post(
    "/decision-consultations/{consultation_id}/close",
    response=DecisionConsultationOut,
    summary="征求意见截止",
)
def api_consultation_close(request, consultation_id: int):
    consultation = sel.consultation_get(request.user, consultation_id)
    return _consultation_out(consultation_close(actor=request.user, consultation=consultation))


# ---- public comments and their moderation ---------------------------------------------------------


class DecisionCommentOut(Schema):
    id: int
    consultation_id: int
    body: str
    author: str
    contact: str
    submitted_at: LocalDatetime
    state: str
    moderated_at: LocalDatetime | None = None
    moderation_note: str
    opinion_seq: int | None = None


class DecisionCommentFilters(Schema):
    state: str = ""


class DecisionCommentModerateIn(Schema):
    action: str
    note: str = ""


class DecisionCommentsModerateIn(Schema):
    comment_ids: list[int]
    action: str
    note: str = ""


class DecisionModeratedOut(Schema):
    moderated: int


def _comment_out(c) -> dict:
    return {
        "id": c.pk,
        "consultation_id": c.consultation_id,
        "body": c.body,
        "author": c.author,
        "contact": c.contact,
        "submitted_at": c.submitted_at,
        "state": c.state,
        "moderated_at": c.moderated_at,
        "moderation_note": c.moderation_note,
        "opinion_seq": c.opinion.seq if c.opinion_id else None,
    }


@router.get(
    "/decision-consultations/{consultation_id}/comments",
    response=list[DecisionCommentOut],
    summary="公众意见（工作人员，含待审核和不予公开）",
)
@paginate(Page)
def api_consultation_comments(
    request, consultation_id: int, filters: Query[DecisionCommentFilters]
):
    consultation = sel.consultation_get(request.user, consultation_id)
    return PageRows(sel.comments_of(consultation, filters.state), _comment_out)


@router.post(
    "/decision-comments/{comment_id}/moderate",
    response=DecisionCommentOut,
    summary="审核一条公众意见（公开或不予公开）",
)
def api_comment_moderate(request, comment_id: int, payload: DecisionCommentModerateIn):
    comment = sel.comment_get(request.user, comment_id)
    done = comment_moderate(
        actor=request.user, comment=comment, action=payload.action, note=payload.note
    )
    return _comment_out(done)


@router.post(
    "/decision-consultations/{consultation_id}/comments/moderate",
    response=DecisionModeratedOut,
    summary="批量审核公众意见",
)
def api_comments_moderate(request, consultation_id: int, payload: DecisionCommentsModerateIn):
    consultation = sel.consultation_get(request.user, consultation_id)
    count = comments_moderate(
        actor=request.user,
        consultation=consultation,
        comment_ids=payload.comment_ids,
        action=payload.action,
        note=payload.note,
    )
    return {"moderated": count}


# ---- opinions and the 采纳情况说明 -----------------------------------------------------------------


class DecisionOpinionIn(Schema):
    source: str
    summary: str
    source_unit_code: str | None = None
    source_name: str = ""
    comment_count: int | None = None
    consultation_id: int | None = None
    comment_ids: list[int] = []


class DecisionOpinionHandleIn(Schema):
    adoption: str
    reason: str = ""


class DecisionOpinionOut(Schema):
    id: int
    seq: int
    source: str
    source_unit_code: str | None = None
    source_name: str
    summary: str
    comment_count: int
    consultation_id: int | None = None
    adoption: str
    reason: str
    handled_at: LocalDatetime | None = None


class DecisionAdoptionReportOut(Schema):
    id: int
    text: str
    opinion_count: int
    generated_at: LocalDatetime


def _opinion_out(o) -> dict:
    return {
        "id": o.pk,
        "seq": o.seq,
        "source": o.source,
        "source_unit_code": o.source_unit.code if o.source_unit_id else None,
        "source_name": o.source_name,
        "summary": o.summary,
        "comment_count": o.comment_count,
        "consultation_id": o.consultation_id,
        "adoption": o.adoption,
        "reason": o.reason,
        "handled_at": o.handled_at,
    }


def _source_unit(code: str | None):
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationFailed.on("source_unit_code", f"单位编码“{code}”不存在")
    return unit


@router.get(
    "/decisions/{decision_id}/opinions", response=list[DecisionOpinionOut], summary="意见及处理情况"
)
@paginate(Page)
def api_opinions(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    return PageRows(sel.opinions_of(decision), _opinion_out)


@router.post(
    "/decisions/{decision_id}/opinions",
    response={201: DecisionOpinionOut},
    summary="登记意见（或一类意见）",
)
def api_opinion_add(request, decision_id: int, payload: DecisionOpinionIn):
    decision = decision_get(request.user, decision_id)
    consultation = None
    if payload.consultation_id is not None:
        consultation = sel.consultation_get(request.user, payload.consultation_id)
    opinion = opinion_add(
        actor=request.user,
        decision=decision,
        source=payload.source,
        summary=payload.summary,
        source_unit=_source_unit(payload.source_unit_code),
        source_name=payload.source_name,
        comment_count=payload.comment_count,
        consultation=consultation,
        comment_ids=payload.comment_ids,
    )
    return Reply(201, _opinion_out(opinion))


@router.post(
    "/decision-opinions/{opinion_id}/handle",
    response=DecisionOpinionOut,
    summary="处理意见：采纳、部分采纳或未采纳（A6）",
)
def api_opinion_handle(request, opinion_id: int, payload: DecisionOpinionHandleIn):
    opinion = sel.opinion_get(request.user, opinion_id)
    done = opinion_handle(
        actor=request.user, opinion=opinion, adoption=payload.adoption, reason=payload.reason
    )
    return _opinion_out(done)


@router.post(
    "/decisions/{decision_id}/adoption-report",
    response={201: DecisionAdoptionReportOut},
    summary="生成意见采纳情况说明（A6）",
)
def api_adoption_report(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    report = adoption_report_generate(actor=request.user, decision=decision)
    return Reply(
        201,
        {
            "id": report.pk,
            "text": report.text,
            "opinion_count": report.opinion_count,
            "generated_at": report.generated_at,
        },
    )


# ---- hearings ------------------------------------------------------------------------------------


class DecisionHearingIn(Schema):
    title: str
    held_on: dt.date
    place: str
    selection_method: str = ""


class DecisionHearingPublishIn(Schema):
    published_at: dt.datetime | None = None


class DecisionParticipantIn(Schema):
    name: str
    organisation: str = ""
    materials_served_on: dt.date | None = None


class DecisionParticipantServedIn(Schema):
    served_on: dt.date


class DecisionParticipantRefusalIn(Schema):
    note: str


class DecisionParticipantOut(Schema):
    id: int
    hearing_id: int
    name: str
    organisation: str
    materials_served_on: dt.date | None = None
    signed_record_id: int | None = None
    signed_record_name: str | None = None
    refusal_note: str


class DecisionHearingOut(Schema):
    id: int
    decision_id: int
    title: str
    held_on: dt.date
    place: str
    selection_method: str
    selection_published_at: LocalDatetime | None = None
    participants_published_at: LocalDatetime | None = None
    state: str
    closed_at: LocalDatetime | None = None
    participants: list[DecisionParticipantOut]


def _participant_out(p) -> dict:
    return {
        "id": p.pk,
        "hearing_id": p.hearing_id,
        "name": p.name,
        "organisation": p.organisation,
        "materials_served_on": p.materials_served_on,
        "signed_record_id": p.signed_record_id,
        "signed_record_name": p.signed_record.original_name if p.signed_record_id else None,
        "refusal_note": p.refusal_note,
    }


def _hearing_out(h) -> dict:
    return {
        "id": h.pk,
        "decision_id": h.decision_id,
        "title": h.title,
        "held_on": h.held_on,
        "place": h.place,
        "selection_method": h.selection_method,
        "selection_published_at": h.selection_published_at,
        "participants_published_at": h.participants_published_at,
        "state": h.state,
        "closed_at": h.closed_at,
        "participants": [_participant_out(p) for p in h.participants.all()],
    }


@router.get(
    "/decisions/{decision_id}/hearings", response=list[DecisionHearingOut], summary="决策的听证会"
)
@paginate(Page)
def api_hearings(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    return PageRows(sel.hearings_of(decision), _hearing_out)


@router.post(
    "/decisions/{decision_id}/hearings",
    response={201: DecisionHearingOut},
    summary="拟定听证会",
)
def api_hearing_create(request, decision_id: int, payload: DecisionHearingIn):
    decision = decision_get(request.user, decision_id)
    hearing = hearing_create(actor=request.user, decision=decision, **payload.dict())
    return Reply(201, _hearing_out(hearing))


@router.post(
    "/decision-hearings/{hearing_id}/participants",
    response={201: DecisionParticipantOut},
    summary="增加听证参加人",
)
def api_participant_add(request, hearing_id: int, payload: DecisionParticipantIn):
    hearing = sel.hearing_get(request.user, hearing_id)
    participant = participant_add(actor=request.user, hearing=hearing, **payload.dict())
    return Reply(201, _participant_out(participant))


@router.post(
    "/decision-hearings/{hearing_id}/publish-selection",
    response=DecisionHearingOut,
    summary="公布参加人遴选办法（A5）",
)
def api_hearing_selection_publish(
    request, hearing_id: int, payload: DecisionHearingPublishIn = None
):
    hearing = sel.hearing_get(request.user, hearing_id)
    stamp = payload.published_at if payload else None
    done = hearing_selection_publish(actor=request.user, hearing=hearing, published_at=stamp)
    return _hearing_out(done)


@router.post(
    "/decision-hearings/{hearing_id}/publish-participants",
    response=DecisionHearingOut,
    summary="公布听证参加人名单（A5）",
)
def api_hearing_participants_publish(
    request, hearing_id: int, payload: DecisionHearingPublishIn = None
):
    hearing = sel.hearing_get(request.user, hearing_id)
    stamp = payload.published_at if payload else None
    done = hearing_participants_publish(actor=request.user, hearing=hearing, published_at=stamp)
    return _hearing_out(done)


@router.post(
    "/decision-hearing-participants/{participant_id}/served",
    response=DecisionParticipantOut,
    summary="登记听证材料送达日期",
)
def api_participant_served(request, participant_id: int, payload: DecisionParticipantServedIn):
    participant = sel.participant_get(request.user, participant_id)
    done = participant_served(
        actor=request.user, participant=participant, served_on=payload.served_on
    )
    return _participant_out(done)


@router.post(
    "/decision-hearing-participants/{participant_id}/signed-record",
    response=DecisionParticipantOut,
    summary="上传听证笔录签字件",
)
def api_participant_signed_record(request, participant_id: int, file: File[UploadedFile]):
    participant = sel.participant_get(request.user, participant_id)
    done = participant_signed_record_add(actor=request.user, participant=participant, upload=file)
    return _participant_out(done)


@router.post(
    "/decision-hearing-participants/{participant_id}/refusal",
    response=DecisionParticipantOut,
    summary="登记拒绝签字情况说明",
)
def api_participant_refusal(request, participant_id: int, payload: DecisionParticipantRefusalIn):
    participant = sel.participant_get(request.user, participant_id)
    done = participant_refusal_record(
        actor=request.user, participant=participant, note=payload.note
    )
    return _participant_out(done)


@router.post(
    "/decision-hearings/{hearing_id}/confirm",
    response=DecisionHearingOut,
    summary="确定听证会（材料送达不少于7日，A5）",
)
def api_hearing_confirm(request, hearing_id: int):
    hearing = sel.hearing_get(request.user, hearing_id)
    return _hearing_out(hearing_confirm(actor=request.user, hearing=hearing))


@router.post(
    "/decision-hearings/{hearing_id}/close",
    response=DecisionHearingOut,
    summary="结束听证会（每名参加人须有签字笔录或拒签说明）",
)
def api_hearing_close(request, hearing_id: int):
    hearing = sel.hearing_get(request.user, hearing_id)
    return _hearing_out(hearing_close(actor=request.user, hearing=hearing))
