"""API after the decision (A14, A15): party report, publication, archive and its checklist,
execution unit and reports, suspend / resume / adjust / terminate, post-decision evaluations,
the refusal to delete, and the exceptions report for the level above."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from pydantic import Field

from ganchao.common.api import LocalDatetime, NonBlankStr, Page, PageRows
from ganchao.common.errors import ValidationFailed
from ganchao.decisions import selectors_after
from ganchao.decisions.api import core as _core
from ganchao.decisions.selectors import decision_get
from ganchao.decisions.services import after as services
from ganchao.orgs.models import Unit

router = Router(tags=["重大行政决策"])


class DecisionPartyReportIn(Schema):
    reported_on: dt.date
    doc_number: str
    recipient: str = ""
    reply: str = ""


class DecisionPartyReportOut(Schema):
    id: int
    decision_id: int
    reported_on: dt.date
    doc_number: str
    recipient: str
    reply: str
    file_id: int | None
    recorded_at: LocalDatetime


class DecisionPublicationIn(Schema):
    channel: str
    reference: str
    published_on: dt.date
    doc_number: str = ""
    text: str = ""
    interpretation: str = ""


class DecisionPublicationOut(Schema):
    id: int
    decision_id: int
    channel: str
    reference: str
    published_on: dt.date
    doc_number: str
    text: str
    interpretation: str
    recorded_at: LocalDatetime


class DecisionChecklistItemOut(Schema):
    name: str
    done: bool
    reference: str


class DecisionChecklistOut(Schema):
    items: list[DecisionChecklistItemOut]
    count: int
    complete: bool


class DecisionArchiveIn(Schema):
    archive_number: str


class DecisionArchiveOut(Schema):
    id: int
    decision_id: int
    archive_number: str
    checklist: list[DecisionChecklistItemOut]
    archived_at: LocalDatetime


class DecisionExecutionUnitIn(Schema):
    unit_code: str


class DecisionAfterStateOut(Schema):
    id: int
    code: str
    state: str
    execution_unit_code: str | None
    procedures_since: LocalDatetime | None


class DecisionExecutionReportIn(Schema):
    period: str
    progress: str
    problems: str = ""
    serious_change: bool = False


class DecisionExecutionReportOut(Schema):
    id: int
    decision_id: int
    unit_code: str
    period: str
    progress: str
    problems: str
    serious_change: bool
    reported_at: LocalDatetime


class DecisionSuspendIn(Schema):
    reason_code: str
    reason: NonBlankStr


class DecisionReasonIn(Schema):
    reason: NonBlankStr


class DecisionEvaluationIn(Schema):
    trigger: str
    evaluator: str
    evaluator_unit_code: str | None = None
    public_input: str = ""
    result: str = ""


class DecisionEvaluationOut(Schema):
    id: int
    decision_id: int
    trigger: str
    evaluator: str
    evaluator_unit_code: str | None
    public_input: str
    result: str
    created_at: LocalDatetime


class DecisionExceptionOut(Schema):
    rule: str
    kind: str
    decision_id: int
    decision_code: str
    decision_title: str
    date: dt.date | None
    who: str
    reason: str


class DecisionExceptionFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def _unit(code: str | None, field: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ValidationFailed.on(field, _("单位编码“%(code)s”不存在") % {"code": code})
    return unit


def _state_out(decision) -> dict:
    return {
        "id": decision.pk,
        "code": decision.code,
        "state": decision.state,
        "execution_unit_code": decision.execution_unit.code if decision.execution_unit else None,
        "procedures_since": decision.procedures_since,
    }


def _party_out(r) -> dict:
    return {
        "id": r.pk,
        "decision_id": r.decision_id,
        "reported_on": r.reported_on,
        "doc_number": r.doc_number,
        "recipient": r.recipient,
        "reply": r.reply,
        "file_id": r.file_id,
        "recorded_at": r.recorded_at,
    }


def _publication_out(p) -> dict:
    return {
        "id": p.pk,
        "decision_id": p.decision_id,
        "channel": p.channel,
        "reference": p.reference,
        "published_on": p.published_on,
        "doc_number": p.doc_number,
        "text": p.text,
        "interpretation": p.interpretation,
        "recorded_at": p.recorded_at,
    }


def _report_out(r) -> dict:
    return {
        "id": r.pk,
        "decision_id": r.decision_id,
        "unit_code": r.unit.code,
        "period": r.period,
        "progress": r.progress,
        "problems": r.problems,
        "serious_change": r.serious_change,
        "reported_at": r.reported_at,
    }


def _evaluation_out(e) -> dict:
    return {
        "id": e.pk,
        "decision_id": e.decision_id,
        "trigger": e.trigger,
        "evaluator": e.evaluator,
        "evaluator_unit_code": e.evaluator_unit.code if e.evaluator_unit else None,
        "public_input": e.public_input,
        "result": e.result,
        "created_at": e.created_at,
    }


@router.post(
    "/decisions/{decision_id}/party-report",
    response={201: DecisionPartyReportOut},
    summary="向同级党委请示报告",
)
def decision_party_report(request, decision_id: int, payload: DecisionPartyReportIn):
    report = services.party_report_add(
        actor=request.user,
        decision=decision_get(request.user, decision_id),
        reported_on=payload.reported_on,
        doc_number=payload.doc_number,
        recipient=payload.recipient,
        reply=payload.reply,
    )
    return Reply(201, _party_out(report))


@router.post(
    "/decisions/{decision_id}/publication",
    response={201: DecisionPublicationOut},
    summary="公布重大行政决策",
)
def decision_publication(request, decision_id: int, payload: DecisionPublicationIn):
    publication = services.publication_add(
        actor=request.user,
        decision=decision_get(request.user, decision_id),
        **payload.dict(),
    )
    return Reply(201, _publication_out(publication))


@router.get(
    "/decisions/{decision_id}/archive-checklist",
    response=DecisionChecklistOut,
    summary="归档完整性清单",
)
def decision_archive_checklist(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    items = services.archive_checklist(selectors_after.checklist_inputs(decision))
    return {"items": items, "count": len(items), "complete": all(i["done"] for i in items)}


@router.post(
    "/decisions/{decision_id}/archive",
    response={201: DecisionArchiveOut},
    summary="重大行政决策归档",
)
def decision_archive(request, decision_id: int, payload: DecisionArchiveIn):
    archive = services.archive_create(
        actor=request.user,
        decision=decision_get(request.user, decision_id),
        archive_number=payload.archive_number,
    )
    return Reply(
        201,
        {
            "id": archive.pk,
            "decision_id": archive.decision_id,
            "archive_number": archive.archive_number,
            "checklist": archive.checklist,
            "archived_at": archive.archived_at,
        },
    )


@router.delete(
    "/decisions/{decision_id}/archive", response={204: None}, summary="删除决策档案（不允许）"
)
def decision_archive_delete(request, decision_id: int):
    services.archive_delete(actor=request.user, decision=decision_get(request.user, decision_id))


# DELETE /decisions/{id} shares its path with the decision's GET/PATCH in api/core.py; Django
# routes a path to the first router that declares it, so the DELETE joins that router's path.
_DECISION_PATH = "/decisions/{decision_id}"
_decision_router = _core.router if _DECISION_PATH in _core.router.path_operations else router


@_decision_router.delete(_DECISION_PATH, response={204: None}, summary="删除重大行政决策（不允许）")
def decision_delete(request, decision_id: int):
    services.decision_delete(actor=request.user, decision=decision_get(request.user, decision_id))


@router.put(
    "/decisions/{decision_id}/execution-unit",
    response=DecisionAfterStateOut,
    summary="明确决策执行单位",
)
def decision_execution_unit(request, decision_id: int, payload: DecisionExecutionUnitIn):
    decision = services.execution_unit_set(
        actor=request.user,
        decision=decision_get(request.user, decision_id),
        unit=_unit(payload.unit_code, "unit_code"),
    )
    return _state_out(decision)


@router.post(
    "/decisions/{decision_id}/execute", response=DecisionAfterStateOut, summary="决策转入执行"
)
def decision_execute(request, decision_id: int):
    decision = services.execution_start(
        actor=request.user, decision=decision_get(request.user, decision_id)
    )
    return _state_out(decision)


@router.get(
    "/decisions/{decision_id}/execution-reports",
    response=list[DecisionExecutionReportOut],
    summary="决策执行情况报告列表",
)
@paginate(Page)
def decision_execution_reports(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    return PageRows(selectors_after.execution_reports(decision), _report_out)


@router.post(
    "/decisions/{decision_id}/execution-reports",
    response={201: DecisionExecutionReportOut},
    summary="报告决策执行情况",
)
def decision_execution_report_add(request, decision_id: int, payload: DecisionExecutionReportIn):
    report = services.execution_report_add(
        actor=request.user, decision=decision_get(request.user, decision_id), **payload.dict()
    )
    return Reply(201, _report_out(report))


@router.post("/decisions/{decision_id}/suspend", response=DecisionAfterStateOut, summary="暂停执行")
def decision_suspend(request, decision_id: int, payload: DecisionSuspendIn):
    decision = services.decision_suspend(
        actor=request.user,
        decision=decision_get(request.user, decision_id),
        reason_code=payload.reason_code,
        reason=payload.reason,
    )
    return _state_out(decision)


@router.post("/decisions/{decision_id}/resume", response=DecisionAfterStateOut, summary="恢复执行")
def decision_resume(request, decision_id: int, payload: DecisionReasonIn):
    decision = services.decision_resume(
        actor=request.user, decision=decision_get(request.user, decision_id), reason=payload.reason
    )
    return _state_out(decision)


@router.post(
    "/decisions/{decision_id}/adjust", response=DecisionAfterStateOut, summary="启动重大调整程序"
)
def decision_adjust(request, decision_id: int, payload: DecisionReasonIn):
    decision = services.decision_adjust(
        actor=request.user, decision=decision_get(request.user, decision_id), reason=payload.reason
    )
    return _state_out(decision)


@router.post(
    "/decisions/{decision_id}/terminate", response=DecisionAfterStateOut, summary="终止决策"
)
def decision_terminate(request, decision_id: int, payload: DecisionReasonIn):
    decision = services.decision_terminate(
        actor=request.user, decision=decision_get(request.user, decision_id), reason=payload.reason
    )
    return _state_out(decision)


@router.get(
    "/decisions/{decision_id}/evaluations",
    response=list[DecisionEvaluationOut],
    summary="决策后评估列表",
)
@paginate(Page)
def decision_evaluations(request, decision_id: int):
    decision = decision_get(request.user, decision_id)
    return PageRows(selectors_after.evaluations(decision), _evaluation_out)


@router.post(
    "/decisions/{decision_id}/evaluations",
    response={201: DecisionEvaluationOut},
    summary="登记决策后评估",
)
def decision_evaluation_add(request, decision_id: int, payload: DecisionEvaluationIn):
    evaluation = services.evaluation_add(
        actor=request.user,
        decision=decision_get(request.user, decision_id),
        trigger=payload.trigger,
        evaluator=payload.evaluator,
        evaluator_unit=_unit(payload.evaluator_unit_code, "evaluator_unit_code"),
        public_input=payload.public_input,
        result=payload.result,
    )
    return Reply(201, _evaluation_out(evaluation))


@router.get(
    "/decision-exceptions",
    response=list[DecisionExceptionOut],
    summary="重大行政决策例外与变更情况（报上级）",
)
@paginate(Page)
def decision_exceptions(request, filters: Query[DecisionExceptionFilters]):
    selectors_after.require_exceptions_reader(request.user)
    return [
        {**row.__dict__, "date": row.at}
        for row in selectors_after.exceptions_report(request.user, year=filters.year)
    ]
