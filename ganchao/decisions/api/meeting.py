"""API of the collective discussion (A12, A13, A16): the packet of a decision, meetings, their
agenda, members' positions, the head's decision and sign-off. Reads go through the scoped
selectors, writes call services.meeting."""

import datetime as dt

from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import ValidationFailed
from ganchao.decisions.packet import packet_json, packet_missing
from ganchao.decisions.selectors import decision_get
from ganchao.decisions.selectors_meeting import (
    agenda_item_get,
    decision_packet,
    meeting_get,
    meetings_visible,
    tally,
)
from ganchao.decisions.services import meeting as services
from ganchao.orgs.models import Unit

router = Router(tags=["重大行政决策"])


class DecisionPacketRefOut(Schema):
    kind: str
    id: int
    date: str
    note: str


class DecisionPacketEntryOut(Schema):
    key: str
    label: str
    required: bool
    present: bool
    note: str
    refs: list[DecisionPacketRefOut]


class DecisionPacketMissingOut(Schema):
    rule: str
    message: str


class DecisionPacketOut(Schema):
    decision_id: int
    state: str
    complete: bool
    missing: list[DecisionPacketMissingOut]
    items: list[DecisionPacketEntryOut]


class DecisionMeetingIn(Schema):
    owner_code: str
    kind: str
    title: str
    held_on: dt.date
    chaired_by: str


class DecisionMemberPositionOut(Schema):
    id: int
    member: str
    member_title: str
    position: str
    remarks: str
    recorded_at: LocalDatetime


class DecisionAgendaItemOut(Schema):
    id: int
    meeting_id: int
    seq: int
    decision_id: int
    decision_code: str
    decision_title: str
    packet: list[DecisionPacketEntryOut]
    legal_risk_statement: str
    urgency_flag: str
    positions: list[DecisionMemberPositionOut]
    majority: str
    head_name: str
    head_decision: str
    head_reason: str
    head_decided_at: LocalDatetime | None
    added_at: LocalDatetime


class DecisionMeetingOut(Schema):
    id: int
    owner_code: str
    owner: str
    kind: str
    title: str
    held_on: dt.date
    chaired_by: str
    state: str
    item_count: int
    signed_off_at: LocalDatetime | None


class DecisionMeetingDetailOut(DecisionMeetingOut):
    agenda: list[DecisionAgendaItemOut]


class DecisionAgendaIn(Schema):
    decision_id: int


class DecisionPositionIn(Schema):
    member: str
    member_title: str = ""
    position: str
    remarks: str = ""
    recorded_at: dt.datetime | None = None


class DecisionHeadDecisionIn(Schema):
    head_name: str
    decision: str
    reason: str = ""
    decided_at: dt.datetime | None = None


def _packet_out(decision) -> dict:
    entries = decision_packet(decision)
    missing = packet_missing(entries)
    return {
        "decision_id": decision.pk,
        "state": decision.state,
        "complete": not missing,
        "missing": [{"rule": rule, "message": message} for rule, message in missing],
        "items": packet_json(entries),
    }


def _position_out(p) -> dict:
    return {
        "id": p.pk,
        "member": p.member,
        "member_title": p.member_title,
        "position": p.position,
        "remarks": p.remarks,
        "recorded_at": p.recorded_at,
    }


def _item_out(item) -> dict:
    positions = list(item.positions.all())
    return {
        "id": item.pk,
        "meeting_id": item.meeting_id,
        "seq": item.seq,
        "decision_id": item.decision_id,
        "decision_code": item.decision.code,
        "decision_title": item.decision.title,
        "packet": item.packet,
        "legal_risk_statement": item.legal_risk_statement,
        "urgency_flag": item.urgency_flag,
        "positions": [_position_out(p) for p in positions],
        "majority": tally(positions)["majority"],
        "head_name": item.head_name,
        "head_decision": item.head_decision,
        "head_reason": item.head_reason,
        "head_decided_at": item.head_decided_at,
        "added_at": item.added_at,
    }


def _meeting_out(meeting) -> dict:
    count = getattr(meeting, "item_count", None)
    return {
        "id": meeting.pk,
        "owner_code": meeting.owner.code,
        "owner": meeting.owner.name,
        "kind": meeting.kind,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "chaired_by": meeting.chaired_by,
        "state": meeting.state,
        "item_count": count if count is not None else len(meeting.agenda.all()),
        "signed_off_at": meeting.signed_off_at,
    }


def _detail_out(meeting) -> dict:
    return {**_meeting_out(meeting), "agenda": [_item_out(i) for i in meeting.agenda.all()]}


@router.get(
    "/decisions/{decision_id}/packet", response=DecisionPacketOut, summary="集体讨论材料清单"
)
def decision_packet_get(request, decision_id: int):
    return _packet_out(decision_get(request.user, decision_id))


@router.post(
    "/decisions/{decision_id}/packet",
    response=DecisionPacketOut,
    summary="生成集体讨论材料（合法性审查中 → 待集体讨论）",
)
def decision_packet_build(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    services.packet_build(actor=request.user, decision=decision)
    return _packet_out(decision_get(request.user, decision_id))


@router.get(
    "/decision-meetings",
    response=list[DecisionMeetingOut],
    summary="决策会议（常务会议、全体会议）",
)
@paginate(Page)
def decision_meetings(request):
    return PageRows(meetings_visible(request.user), _meeting_out)


@router.post("/decision-meetings", response={201: DecisionMeetingDetailOut}, summary="安排决策会议")
def decision_meeting_create(request, payload: DecisionMeetingIn):
    owner = Unit.objects.filter(code=payload.owner_code).first()
    if owner is None:
        raise ValidationFailed.on("owner_code", f"单位编码“{payload.owner_code}”不存在")
    meeting = services.meeting_create(
        actor=request.user,
        owner=owner,
        kind=payload.kind,
        title=payload.title,
        held_on=payload.held_on,
        chaired_by=payload.chaired_by,
    )
    return Reply(201, _detail_out(meeting_get(request.user, meeting.pk)))


@router.get(
    "/decision-meetings/{meeting_id}", response=DecisionMeetingDetailOut, summary="决策会议记录"
)
def decision_meeting_detail(request, meeting_id: int):
    return _detail_out(meeting_get(request.user, meeting_id))


@router.post(
    "/decision-meetings/{meeting_id}/agenda",
    response={201: DecisionAgendaItemOut},
    summary="列入会议议题",
)
def decision_agenda_add(request, meeting_id: int, payload: DecisionAgendaIn):
    meeting = meeting_get(request.user, meeting_id)
    decision = decision_get(request.user, payload.decision_id)
    item = services.agenda_add(actor=request.user, meeting=meeting, decision=decision)
    return Reply(201, _item_out(agenda_item_get(request.user, item.pk)))


@router.post(
    "/decision-agenda-items/{item_id}/positions",
    response={201: DecisionMemberPositionOut},
    summary="登记组成人员意见",
)
def decision_position_record(request, item_id: int, payload: DecisionPositionIn):
    item = agenda_item_get(request.user, item_id)
    row = services.position_record(
        actor=request.user,
        item=item,
        member=payload.member,
        member_title=payload.member_title,
        position=payload.position,
        remarks=payload.remarks,
        recorded_at=payload.recorded_at,
    )
    return Reply(201, _position_out(row))


@router.post(
    "/decision-agenda-items/{item_id}/head-decision",
    response=DecisionAgendaItemOut,
    summary="登记行政首长决定",
)
def decision_head_decide(request, item_id: int, payload: DecisionHeadDecisionIn):
    item = agenda_item_get(request.user, item_id)
    services.head_decide(
        actor=request.user,
        item=item,
        head_name=payload.head_name,
        decision=payload.decision,
        reason=payload.reason,
        decided_at=payload.decided_at,
    )
    return _item_out(agenda_item_get(request.user, item_id))


@router.post(
    "/decision-meetings/{meeting_id}/sign-off",
    response=DecisionMeetingDetailOut,
    summary="签发会议记录（此后只能追加）",
)
def decision_meeting_sign_off(request, meeting_id: int):
    meeting = meeting_get(request.user, meeting_id)
    services.meeting_sign_off(actor=request.user, meeting=meeting)
    return _detail_out(meeting_get(request.user, meeting_id))
