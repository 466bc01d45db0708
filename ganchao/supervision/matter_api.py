"""API of supervised matters (督办事项): /matters (list with filters, paged; create), one matter
with its chain, feedbacks and light, and each step of the workflow as its own POST calling one
service. Errors come back as {"code", "message", "errors"} (config/api.py)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ganchao.common import workdays
from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.goals import selectors as goal_selectors
from ganchao.orgs.models import Leader, Unit
from ganchao.supervision import matter_attachments as attachments
from ganchao.supervision import matter_selectors as sel
from ganchao.supervision import matter_steps as steps
from ganchao.supervision.matter_forms import end_of_day
from ganchao.supervision.matter_services import matter_create, matter_instruct
from ganchao.supervision.matter_views import listed_matters
from ganchao.supervision.models import Matter

router = Router(tags=["领着干：督办事项"])


class HopOut(Schema):
    id: int
    from_unit: str | None
    to_unit_id: int
    to_unit: str
    role: str
    person: str
    note: str
    forwarded_at: LocalDatetime
    received_at: LocalDatetime | None = None
    receipt_due: LocalDatetime
    waiting_hours: Decimal
    waiting_days: Decimal
    held_hours: Decimal | None


class FeedbackOut(Schema):
    id: int
    unit: str
    kind: str
    text: str
    substantive: bool
    judgement: str
    attachment_name: str
    attachment_content_type: str
    attachment_size: int | None = None
    attachment_sha256: str
    created_at: LocalDatetime


class ExtensionOut(Schema):
    id: int
    unit: str
    reason: str
    requested_due: LocalDatetime
    state: str
    decision_note: str


class MatterOut(Schema):
    id: int
    title: str
    source: str
    urgency: str
    state: str
    light: str
    light_word: str
    leader_id: int | None
    leader: str | None
    lead_unit_id: int | None
    lead_unit: str | None
    item_id: int | None
    created_at: LocalDatetime
    assigned_at: LocalDatetime | None = None
    receipt_due: LocalDatetime | None = None
    received_at: LocalDatetime | None = None
    response_due: LocalDatetime | None = None
    responded_at: LocalDatetime | None = None
    completed_at: LocalDatetime | None = None
    closed_at: LocalDatetime | None = None
    reopen_count: int


class MatterDetailOut(MatterOut):
    content: str
    milestones: list[str]
    hops: list[HopOut]
    feedbacks: list[FeedbackOut]
    extensions: list[ExtensionOut]


class UnitPersonIn(Schema):
    unit_id: int
    person: str


class MatterIn(Schema):
    title: str
    content: str
    source: str
    urgency: str
    leader_id: int | None = None
    item_id: int | None = None
    milestones: list[dt.date] = []
    lead: UnitPersonIn | None = None
    cooperating: list[UnitPersonIn] = []


class ForwardIn(Schema):
    to_unit_id: int
    person: str
    note: str = ""


class MatterNoteIn(Schema):
    note: str = ""


class MatterReasonIn(Schema):
    reason: str = ""


class InstructionIn(Schema):
    instruction: str = ""


class ExtensionIn(Schema):
    reason: str = ""
    until: dt.date


class DecisionIn(Schema):
    approve: bool
    note: str = ""


def matter_out(matter: Matter, now, cal) -> dict:
    light = sel.light_of(matter, now, cal)
    return {
        "id": matter.pk,
        "title": matter.title,
        "source": matter.source,
        "urgency": matter.urgency,
        "state": matter.state,
        "light": light,
        "light_word": sel.light_word(matter, light),
        "leader_id": matter.leader_id,
        "leader": matter.leader.name if matter.leader_id else None,
        "lead_unit_id": matter.lead_unit_id,
        "lead_unit": matter.lead_unit.name if matter.lead_unit_id else None,
        "item_id": matter.item_id,
        "created_at": matter.created_at,
        "assigned_at": matter.assigned_at,
        "receipt_due": matter.receipt_due,
        "received_at": matter.received_at,
        "response_due": matter.response_due,
        "responded_at": matter.responded_at,
        "completed_at": matter.completed_at,
        "closed_at": matter.closed_at,
        "reopen_count": matter.reopen_count,
    }


def detail_out(actor, pk: int) -> dict:
    matter = sel.matter_get(actor=actor, pk=pk)
    now = timezone.now()
    row = matter_out(matter, now, workdays.current_calendar())
    row["content"] = matter.content
    row["milestones"] = list(matter.milestones or [])
    row["hops"] = [
        {
            "id": r.hop.pk,
            "from_unit": r.hop.from_unit.name if r.hop.from_unit_id else None,
            "to_unit_id": r.hop.to_unit_id,
            "to_unit": r.hop.to_unit.name,
            "role": r.hop.role,
            "person": r.hop.person,
            "note": r.hop.note,
            "forwarded_at": r.hop.forwarded_at,
            "received_at": r.hop.received_at,
            "receipt_due": r.hop.receipt_due,
            "waiting_hours": r.waiting,
            "waiting_days": r.waiting_days,
            "held_hours": r.held,
        }
        for r in sel.hop_timeline(matter, now)
    ]
    row["feedbacks"] = [
        {
            "id": f.pk,
            "unit": f.unit.name,
            "kind": f.kind,
            "text": f.text,
            "substantive": f.substantive,
            "judgement": f.judgement,
            "attachment_name": f.attachment_name,
            "attachment_content_type": f.attachment_content_type,
            "attachment_size": f.attachment_size,
            "attachment_sha256": f.attachment_sha256,
            "created_at": f.created_at,
        }
        for f in matter.feedbacks.all()
    ]
    row["extensions"] = [
        {
            "id": e.pk,
            "unit": e.unit.name,
            "reason": e.reason,
            "requested_due": e.requested_due,
            "state": e.state,
            "decision_note": e.decision_note,
        }
        for e in matter.extensions.all()
    ]
    return row


def _unit(unit_id: int, field_name: str) -> Unit:
    unit = Unit.objects.filter(pk=unit_id, active=True).first()
    if unit is None:
        raise ValidationFailed.on(field_name, _("单位不存在或已停用"))
    return unit


def _leader(leader_id: int | None) -> Leader | None:
    if leader_id is None:
        return None
    leader = Leader.objects.filter(pk=leader_id, active=True).first()
    if leader is None:
        raise ValidationFailed.on("leader_id", _("交办领导：领导不存在或已不在任"))
    return leader


@router.get(
    "/matters",
    response=list[MatterOut],
    summary="督办事项列表（可按状态、来源、紧急程度、单位、红黄绿灯筛选）",
)
@paginate(Page)
def matters(
    request,
    state: str = "",
    source: str = "",
    urgency: str = "",
    unit: str = "",
    light: str = "",
    q: str = "",
):
    params = {
        "state": state,
        "source": source,
        "urgency": urgency,
        "unit": unit,
        "light": light,
        "q": q,
    }
    now, cal = timezone.now(), workdays.current_calendar()
    return PageRows(listed_matters(request.user, params), lambda m: matter_out(m, now, cal))


@router.post(
    "/matters",
    response={201: MatterDetailOut},
    summary="立项（可指定交办领导 leader_id）；填写牵头单位时一并交办",
)
def matter_new(request, payload: MatterIn):
    item = goal_selectors.item_get(request.user, payload.item_id) if payload.item_id else None
    fields = {
        "title": payload.title,
        "content": payload.content,
        "source": payload.source,
        "urgency": payload.urgency,
        "item": item,
        "milestones": payload.milestones,
        "leader": _leader(payload.leader_id),
    }
    if payload.lead is None:
        matter = matter_create(actor=request.user, **fields)
    else:
        matter = matter_instruct(
            actor=request.user,
            lead=(_unit(payload.lead.unit_id, "lead"), payload.lead.person),
            cooperating=[(_unit(c.unit_id, "cooperating"), c.person) for c in payload.cooperating],
            **fields,
        )
    return Reply(201, detail_out(request.user, matter.pk))


@router.get(
    "/matters/{matter_id}",
    response=MatterDetailOut,
    summary="督办事项详情（含转办链条与各环节停留时间）",
)
def matter_detail(request, matter_id: int):
    return detail_out(request.user, matter_id)


@router.get(
    "/matters/{matter_id}/feedbacks/{feedback_id}/attachment",
    response={200: None},
    summary="下载反馈附件（下载前复核 SHA-256，文件被改动则 409 并记入审计）",
)
def feedback_attachment(request, matter_id: int, feedback_id: int):
    matter = sel.matter_get(actor=request.user, pk=matter_id)
    handle, feedback = attachments.attachment_open(
        actor=request.user, matter=matter, feedback_id=feedback_id
    )
    return attachments.attachment_response(handle, feedback)


@router.post("/matters/{matter_id}/receive", response=MatterDetailOut, summary="签收")
def matter_receive(request, matter_id: int):
    steps.matter_receive(actor=request.user, matter_id=matter_id)
    return detail_out(request.user, matter_id)


@router.post("/matters/{matter_id}/forward", response=MatterDetailOut, summary="转办")
def matter_forward(request, matter_id: int, payload: ForwardIn):
    steps.matter_forward(
        actor=request.user,
        matter_id=matter_id,
        to_unit=_unit(payload.to_unit_id, "to_unit"),
        person=payload.person,
        note=payload.note,
    )
    return detail_out(request.user, matter_id)


@router.post(
    "/matters/{matter_id}/respond",
    response=MatterDetailOut,
    summary="反馈（multipart，可附一个附件：PDF、图片、Word、Excel、PowerPoint，不超过 20 MB，按内容检查）",
)
def matter_respond(
    request,
    matter_id: int,
    kind: Form[str],
    text: Form[str],
    attachment: File[UploadedFile] = None,
):
    steps.matter_respond(
        actor=request.user, matter_id=matter_id, kind=kind, text=text, attachment=attachment
    )
    return detail_out(request.user, matter_id)


@router.post("/matters/{matter_id}/extensions", response=MatterDetailOut, summary="申请延期")
def matter_extend(request, matter_id: int, payload: ExtensionIn):
    steps.matter_request_extension(
        actor=request.user,
        matter_id=matter_id,
        reason=payload.reason,
        until=end_of_day(payload.until),
    )
    return detail_out(request.user, matter_id)


@router.post(
    "/matters/{matter_id}/extensions/{extension_id}/decide",
    response=MatterDetailOut,
    summary="审批延期（督查部门）",
)
def matter_decide_extension(request, matter_id: int, extension_id: int, payload: DecisionIn):
    matter = sel.matter_get(actor=request.user, pk=matter_id)
    if not matter.extensions.filter(pk=extension_id).exists():
        raise NotFound(_("延期申请不存在"))
    steps.matter_decide_extension(
        actor=request.user, extension_id=extension_id, approve=payload.approve, note=payload.note
    )
    return detail_out(request.user, matter_id)


@router.post(
    "/matters/{matter_id}/return", response=MatterDetailOut, summary="退办（督查部门，须写理由）"
)
def matter_return(request, matter_id: int, payload: MatterReasonIn):
    steps.matter_return(actor=request.user, matter_id=matter_id, reason=payload.reason)
    return detail_out(request.user, matter_id)


@router.post(
    "/matters/{matter_id}/complete", response=MatterDetailOut, summary="办结（督查部门审核）"
)
def matter_complete(request, matter_id: int, payload: MatterNoteIn = None):
    note = payload.note if payload else ""
    steps.matter_complete(actor=request.user, matter_id=matter_id, note=note)
    return detail_out(request.user, matter_id)


@router.post("/matters/{matter_id}/close", response=MatterDetailOut, summary="销号（交办领导）")
def matter_close(request, matter_id: int, payload: MatterNoteIn = None):
    note = payload.note if payload else ""
    steps.matter_close(actor=request.user, matter_id=matter_id, note=note)
    return detail_out(request.user, matter_id)


@router.post(
    "/matters/{matter_id}/reopen", response=MatterDetailOut, summary="再批示并重新办理（交办领导）"
)
def matter_reopen(request, matter_id: int, payload: InstructionIn):
    steps.matter_reopen(actor=request.user, matter_id=matter_id, instruction=payload.instruction)
    return detail_out(request.user, matter_id)
