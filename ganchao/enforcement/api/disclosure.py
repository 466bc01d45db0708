"""API of enforcement: disclosure slice (B3–B5). Reads through selectors_disclosure (scoped);
writes call services.disclosure."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import ValidationFailed
from ganchao.enforcement import selectors
from ganchao.enforcement import selectors_disclosure as sel
from ganchao.enforcement.models import PublicRecord
from ganchao.enforcement.services import disclosure as services

router = Router(tags=["行政执法"])


class PublicationTaskFilters(Schema):
    state: str = "open"
    agency_id: int | None = None


class PublicationTaskOut(Schema):
    id: int
    case_id: int
    case_code: str
    agency: str
    matter: str
    category: str
    kind: str
    state: str
    created_on: dt.date
    due: dt.date
    working_days: int
    clock_state: str
    overdue: bool
    done_at: LocalDatetime | None
    exemption_ground: str
    exemption_reason: str
    exemption_review_note: str
    outcome_id: int | None


class ExemptionIn(Schema):
    ground: str = ""
    reason: str = ""


class ExemptionReviewIn(Schema):
    approve: bool
    note: str = ""


class WithdrawalIn(Schema):
    reason: str = ""


class OutcomeIn(Schema):
    source: str = ""
    kind: str = ""
    decided_on: dt.date | None = None
    organ: str = ""
    document_no: str = ""
    reason: str = ""


class OutcomeOut(Schema):
    id: int
    case_id: int
    source: str
    kind: str
    decided_on: dt.date
    organ: str
    document_no: str
    reason: str
    withdrawal_task: PublicationTaskOut | None


class PublicRecordOut(Schema):
    id: int
    case_id: int
    agency_name: str
    matter_name: str
    category: str
    number: str
    party: str
    title: str
    conclusion: str
    basis: str
    decided_on: dt.date
    published_at: LocalDatetime
    expires_on: dt.date
    withdrawn_at: LocalDatetime | None
    withdrawal_reason: str


def task_out(row: sel.TaskRow) -> dict:
    task = row.task
    case = task.case
    return {
        "id": task.pk,
        "case_id": case.pk,
        "case_code": case.code,
        "agency": case.agency.name,
        "matter": case.matter.name,
        "category": case.matter.category,
        "kind": task.kind,
        "state": task.state,
        "created_on": task.created_on,
        "due": task.due,
        "working_days": task.working_days,
        "clock_state": row.clock,
        "overdue": row.overdue,
        "done_at": task.done_at,
        "exemption_ground": task.exemption_ground,
        "exemption_reason": task.exemption_reason,
        "exemption_review_note": task.exemption_review_note,
        "outcome_id": task.outcome_id,
    }


def public_record_out(item: PublicRecord) -> dict:
    return {
        "id": item.pk,
        "case_id": item.case_id,
        "agency_name": item.agency_name,
        "matter_name": item.matter_name,
        "category": item.category,
        "number": item.number,
        "party": item.party_masked,
        "title": item.title,
        "conclusion": item.conclusion,
        "basis": item.basis,
        "decided_on": item.decided_on,
        "published_at": item.published_at,
        "expires_on": item.expires_on,
        "withdrawn_at": item.withdrawn_at,
        "withdrawal_reason": item.withdrawal_reason,
    }


class TaskRows(PageRows):
    """Only the requested page is fetched, its clocks on one calendar load."""

    def __getitem__(self, page: slice) -> list:
        return [task_out(row) for row in sel.rows(self.queryset[page])]


def _task(request, task_id: int) -> dict:
    return task_out(sel.rows([sel.task_get(request.user, task_id)])[0])


@router.get(
    "/publication-tasks",
    response=list[PublicationTaskOut],
    summary="决定公示和撤回任务（B3、B5；超期的在前）",
)
@paginate(Page)
def publication_task_list(request, filters: Query[PublicationTaskFilters]):
    state = filters.state if filters.state in sel.FILTERS else "open"
    tasks = sel.tasks_for_list(request.user, state=state, agency_id=filters.agency_id)
    return TaskRows(tasks, task_out)


@router.get("/publication-tasks/{task_id}", response=PublicationTaskOut, summary="公示任务详情")
def publication_task_detail(request, task_id: int):
    return _task(request, task_id)


@router.post(
    "/publication-tasks/{task_id}/publish",
    response=PublicRecordOut,
    summary="公开执法决定（B3；当事人为自然人的隐去姓名，证件号码和电话不公开）",
)
def publication_task_publish(request, task_id: int):
    task = sel.task_get(request.user, task_id)
    item = services.publication_publish(actor=request.user, task=task)
    return public_record_out(item)


@router.post(
    "/publication-tasks/{task_id}/exemption",
    response=PublicationTaskOut,
    summary="申请不予公开（须写明依据和理由；B4 具有社会影响的处罚决定不得申请）",
)
def publication_task_exemption(request, task_id: int, payload: ExemptionIn):
    task = sel.task_get(request.user, task_id)
    services.exemption_request(
        actor=request.user, task=task, ground=payload.ground, reason=payload.reason
    )
    return _task(request, task_id)


@router.post(
    "/publication-tasks/{task_id}/exemption-review",
    response=PublicationTaskOut,
    summary="审核不予公开申请（申请人以外的督查室、法制审核人员或机关负责人）",
)
def publication_task_exemption_review(request, task_id: int, payload: ExemptionReviewIn):
    task = sel.task_get(request.user, task_id)
    services.exemption_review(
        actor=request.user, task=task, approve=payload.approve, note=payload.note
    )
    return _task(request, task_id)


@router.post(
    "/publication-tasks/{task_id}/withdraw",
    response=PublicationTaskOut,
    summary="撤回已公开的决定信息并公布撤回说明（B5）",
)
def publication_task_withdraw(request, task_id: int, payload: WithdrawalIn):
    task = sel.task_get(request.user, task_id)
    services.withdrawal_complete(actor=request.user, task=task, reason=payload.reason)
    return _task(request, task_id)


@router.post(
    "/cases/{case_id}/outcomes",
    response={201: OutcomeOut},
    summary="登记复议、诉讼或自行纠错结果（变更、撤销、确认违法、确认无效的生成3个工作日的撤回任务）",
)
def case_outcome_record(request, case_id: int, payload: OutcomeIn):
    case = selectors.case_get(request.user, case_id)
    if payload.decided_on is None:
        raise ValidationFailed.on("decided_on", _("请填写结果作出日期"))
    outcome = services.outcome_record(
        actor=request.user,
        case=case,
        source=payload.source,
        kind=payload.kind,
        decided_on=payload.decided_on,
        organ=payload.organ,
        document_no=payload.document_no,
        reason=payload.reason,
    )
    task = outcome.tasks.select_related("case", "case__agency", "case__matter").first()
    return Reply(
        201,
        {
            "id": outcome.pk,
            "case_id": case.pk,
            "source": outcome.source,
            "kind": outcome.kind,
            "decided_on": outcome.decided_on,
            "organ": outcome.organ,
            "document_no": outcome.document_no,
            "reason": outcome.reason,
            "withdrawal_task": task_out(sel.rows([task])[0]) if task else None,
        },
    )
