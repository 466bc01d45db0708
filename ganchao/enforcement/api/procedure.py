"""API of enforcement: the procedure after the investigation (B9, B11) — notice, statements,
hearings, the head's decision, deliveries (multipart for the consent), executions,
rectification and preserved evidence. Reads go through selectors_procedure (scoped); writes
call services.procedure; refusals are 409 procedure_blocked with field = the rule."""

import datetime as dt

from ninja import File, Form, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from ganchao.enforcement import gates, selectors
from ganchao.enforcement import selectors_procedure as sel
from ganchao.enforcement.choices import Step
from ganchao.enforcement.services import procedure as services

router = Router(tags=["行政执法"])


# ---- schemas ---------------------------------------------------------------------------------


class NoticeIn(Schema):
    served_on: dt.date | None = None
    proposal: str = ""
    facts: str = ""
    rights: str = ""
    hearing_right: bool | None = None


class StatementIn(Schema):
    kind: str = ""
    received_on: dt.date | None = None
    text: str = ""
    adopted: bool | None = None
    handling: str = ""


class HearingScheduleIn(Schema):
    notified_on: dt.date | None = None
    scheduled_on: dt.date | None = None
    place: str = ""
    host: str = ""


class HearingHoldIn(Schema):
    held_on: dt.date | None = None
    record: str = ""


class DecideIn(Schema):
    kind: str = ""
    penalties: list[str] = []
    fine: str | None = None
    decided_on: dt.date | None = None
    summary: str = ""


class ExecutionIn(Schema):
    done_on: dt.date | None = None
    compulsory: bool = False
    amount_paid: str | None = None
    note: str = ""


class RectificationIn(Schema):
    rectified_on: dt.date | None = None
    note: str = ""


class PreservationIn(Schema):
    resolved_on: dt.date | None = None
    resolution: str = ""


class ProcedureBlockerOut(Schema):
    rule: str
    message: str


class PenaltyNoticeOut(Schema):
    id: int
    served_on: dt.date
    proposal: str
    facts: str
    rights: str
    hearing_right: bool
    proposed_penalties: list[str]
    proposed_fine: str | None


class StatementOut(Schema):
    id: int
    kind: str
    received_on: dt.date
    text: str
    adopted: bool | None
    handling: str


class HearingOut(Schema):
    id: int
    requested_on: dt.date
    request_due: dt.date | None
    request_state: str
    notified_on: dt.date | None
    scheduled_on: dt.date | None
    notice_due: dt.date | None
    notice_state: str
    place: str
    host: str
    held_on: dt.date | None
    record: str


class CaseDecisionOut(Schema):
    kind: str
    penalties: list[str]
    fine: str | None
    decided_on: dt.date
    decided_by: str
    number: str
    issued: bool


class DeliveryOut(Schema):
    id: int
    method: str
    delivered_on: dt.date
    recipient: str
    consent_file_id: int | None
    consent_sha256: str | None
    note: str


class ExecutionOut(Schema):
    id: int
    done_on: dt.date
    compulsory: bool
    amount_paid: str | None
    note: str


class PreservationOut(Schema):
    action_id: int
    started_on: dt.date
    due: dt.date
    state: str
    resolved_on: dt.date | None
    resolution: str


class ProcedureOut(Schema):
    case_id: int
    stage: str
    notices: list[PenaltyNoticeOut]
    hearing_request_due: dt.date | None
    statements: list[StatementOut]
    hearings: list[HearingOut]
    decision: CaseDecisionOut | None
    deliveries: list[DeliveryOut]
    executions: list[ExecutionOut]
    preservations: list[PreservationOut]
    rectified_on: dt.date | None
    rectification_note: str
    decide_blockers: list[ProcedureBlockerOut]


# ---- rows ------------------------------------------------------------------------------------


def _money(value) -> str | None:
    return None if value is None else str(value)


def _decision_out(decision) -> dict | None:
    if decision is None:
        return None
    return {
        "kind": decision.kind,
        "penalties": list(decision.penalties or []),
        "fine": _money(decision.fine),
        "decided_on": decision.decided_on,
        "decided_by": decision.decided_by.display_name,
        "number": decision.number,
        "issued": decision.issued_at is not None,
    }


def procedure_out(case) -> dict:
    facts = selectors.case_facts(case)
    proc = sel.procedure_of(case, today=facts.today)
    decided = proc.decision is not None
    return {
        "case_id": case.pk,
        "stage": case.stage,
        "notices": [
            {
                "id": n.pk,
                "served_on": n.served_on,
                "proposal": n.proposal,
                "facts": n.facts,
                "rights": n.rights,
                "hearing_right": n.hearing_right,
                "proposed_penalties": list(n.proposed_penalties or []),
                "proposed_fine": _money(n.proposed_fine),
            }
            for n in proc.notices
        ],
        "hearing_request_due": proc.hearing_request_due,
        "statements": [
            {
                "id": s.pk,
                "kind": s.kind,
                "received_on": s.received_on,
                "text": s.text,
                "adopted": s.adopted,
                "handling": s.handling,
            }
            for s in proc.statements
        ],
        "hearings": [
            {
                "id": r.hearing.pk,
                "requested_on": r.hearing.requested_on,
                "request_due": r.request_due,
                "request_state": r.request_state,
                "notified_on": r.hearing.notified_on,
                "scheduled_on": r.hearing.scheduled_on,
                "notice_due": r.notice_due,
                "notice_state": r.notice_state,
                "place": r.hearing.place,
                "host": r.hearing.host,
                "held_on": r.hearing.held_on,
                "record": r.hearing.record,
            }
            for r in proc.hearings
        ],
        "decision": _decision_out(proc.decision),
        "deliveries": [
            {
                "id": d.pk,
                "method": d.method,
                "delivered_on": d.delivered_on,
                "recipient": d.recipient,
                "consent_file_id": d.consent_file_id,
                "consent_sha256": d.consent_file.sha256 if d.consent_file_id else None,
                "note": d.note,
            }
            for d in proc.deliveries
        ],
        "executions": [
            {
                "id": e.pk,
                "done_on": e.done_on,
                "compulsory": e.compulsory,
                "amount_paid": _money(e.amount_paid),
                "note": e.note,
            }
            for e in proc.executions
        ],
        "preservations": [
            {
                "action_id": p.action.pk,
                "started_on": p.started_on,
                "due": p.due,
                "state": p.state,
                "resolved_on": p.action.resolved_on,
                "resolution": p.action.resolution,
            }
            for p in proc.preservations
        ],
        "rectified_on": case.rectified_on,
        "rectification_note": case.rectification_note,
        "decide_blockers": []
        if decided
        else [
            {"rule": b.rule, "message": b.message} for b in gates.blockers_for(Step.DECIDE, facts)
        ],
    }


def _fresh(request, case_id: int) -> dict:
    return procedure_out(selectors.case_get(request.user, case_id))


# ---- endpoints -------------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/procedure",
    response=ProcedureOut,
    summary="案件的告知、陈述申辩、听证（含两项B11时限）、决定、送达和执行",
)
def case_procedure(request, case_id: int):
    return _fresh(request, case_id)


@router.post(
    "/cases/{case_id}/notices",
    response={201: ProcedureOut},
    summary="送达行政处罚事先告知（B9；较大数额罚款等须告知听证权利）",
)
def notice_create(request, case_id: int, payload: NoticeIn):
    case = selectors.case_get(request.user, case_id)
    services.notice_serve(
        actor=request.user,
        case=case,
        served_on=payload.served_on,
        proposal=payload.proposal,
        facts=payload.facts,
        rights=payload.rights,
        hearing_right=payload.hearing_right,
    )
    return Reply(201, _fresh(request, case_id))


@router.post(
    "/cases/{case_id}/statements",
    response={201: ProcedureOut},
    summary="登记陈述申辩、听证申请（告知后5个工作日内，B11）、放弃或期限内未陈述申辩",
)
def statement_create(request, case_id: int, payload: StatementIn):
    case = selectors.case_get(request.user, case_id)
    services.statement_record(
        actor=request.user,
        case=case,
        kind=payload.kind,
        received_on=payload.received_on,
        text=payload.text,
        adopted=payload.adopted,
        handling=payload.handling,
    )
    return Reply(201, _fresh(request, case_id))


@router.post(
    "/hearings/{hearing_id}/schedule",
    response=ProcedureOut,
    summary="安排听证（举行7个工作日前通知当事人，B11）",
)
def hearing_schedule(request, hearing_id: int, payload: HearingScheduleIn):
    hearing = sel.hearing_get(request.user, hearing_id)
    services.hearing_schedule(
        actor=request.user,
        hearing=hearing,
        notified_on=payload.notified_on,
        scheduled_on=payload.scheduled_on,
        place=payload.place,
        host=payload.host,
    )
    return _fresh(request, hearing.case_id)


@router.post(
    "/hearings/{hearing_id}/hold",
    response=ProcedureOut,
    summary="登记听证举行情况（经过听证的属于重大执法决定）",
)
def hearing_hold(request, hearing_id: int, payload: HearingHoldIn):
    hearing = sel.hearing_get(request.user, hearing_id)
    services.hearing_hold(
        actor=request.user, hearing=hearing, held_on=payload.held_on, record_text=payload.record
    )
    return _fresh(request, hearing.case_id)


@router.post(
    "/cases/{case_id}/decision",
    response={201: ProcedureOut},
    summary="负责人作出决定（B9；不得重于告知的处罚）",
)
def decision_create(request, case_id: int, payload: DecideIn):
    case = selectors.case_get(request.user, case_id)
    services.decide(
        actor=request.user,
        case=case,
        kind=payload.kind,
        penalties=payload.penalties,
        fine=payload.fine,
        decided_on=payload.decided_on,
        summary=payload.summary,
    )
    return Reply(201, _fresh(request, case_id))


@router.post(
    "/cases/{case_id}/deliveries",
    response={201: ProcedureOut},
    summary="登记送达（multipart：method、delivered_on、recipient、note、consent；电子送达须附确认书）",
)
def delivery_create(
    request,
    case_id: int,
    method: Form[str],
    delivered_on: Form[dt.date],
    recipient: Form[str],
    note: Form[str] = "",
    consent: File[UploadedFile] = None,
):
    case = selectors.case_get(request.user, case_id)
    services.delivery_record(
        actor=request.user,
        case=case,
        method=method,
        delivered_on=delivered_on,
        recipient=recipient,
        consent_upload=consent,
        note=note,
    )
    return Reply(201, _fresh(request, case_id))


@router.post("/cases/{case_id}/executions", response={201: ProcedureOut}, summary="登记执行情况")
def execution_create(request, case_id: int, payload: ExecutionIn):
    case = selectors.case_get(request.user, case_id)
    services.execution_record(
        actor=request.user,
        case=case,
        done_on=payload.done_on,
        compulsory=payload.compulsory,
        amount_paid=payload.amount_paid,
        note=payload.note,
    )
    return Reply(201, _fresh(request, case_id))


@router.post("/cases/{case_id}/rectification", response=ProcedureOut, summary="核实整改情况")
def rectification(request, case_id: int, payload: RectificationIn):
    case = selectors.case_get(request.user, case_id)
    services.rectification_verify(
        actor=request.user, case=case, rectified_on=payload.rectified_on, note=payload.note
    )
    return _fresh(request, case_id)


@router.post(
    "/actions/{action_id}/resolve",
    response=ProcedureOut,
    summary="对先行登记保存的证据作出处理决定（7个工作日内）",
)
def preservation_resolve(request, action_id: int, payload: PreservationIn):
    action = sel.action_get(request.user, action_id)
    services.preservation_resolve(
        actor=request.user,
        action=action,
        resolved_on=payload.resolved_on,
        resolution=payload.resolution,
    )
    return _fresh(request, action.case_id)
