"""API twins of the appeal pages (申诉, DESIGN.md 3.1): a unit lodges an appeal against one
component of a period's latest published result (multipart, with evidence files); the office
accepts it with an adjusted score (the next result revision is published at once) or rejects
it with a reason. Lists and details are scoped as the appeal desk is: the office and leaders
see every appeal, other staff their units' own."""

import datetime as dt

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ganchao.assessment import api_reads as reads
from ganchao.assessment import selectors, selectors_appeals, services, services_appeals
from ganchao.common.api import LocalDatetime, Page, PageRows
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.orgs.models import Unit

router = Router(tags=["比着干：申诉"])


class AppealEvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    download: str


class AppealOut(Schema):
    id: int
    scheme_code: str
    period: str
    result_revision: int
    unit_code: str
    unit: str
    component_code: str
    component_name: str
    original_score: str
    requested_score: str | None
    reason: str
    state: str
    submitted_by: str
    submitted_at: LocalDatetime
    deadline: dt.date
    adjusted_score: str | None
    decision: str
    decided_by: str | None
    decided_at: LocalDatetime | None
    revision_made: int | None
    evidence: list[AppealEvidenceOut]


def _score(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def appeal_out(appeal) -> dict:
    return {
        "id": appeal.pk,
        "scheme_code": appeal.scheme_code,
        "period": appeal.period,
        "result_revision": appeal.result.result_revision,
        "unit_code": appeal.unit.code,
        "unit": appeal.unit.name,
        "component_code": appeal.component_code,
        "component_name": appeal.component_name,
        "original_score": _score(appeal.original_score),
        "requested_score": _score(appeal.requested_score),
        "reason": appeal.reason,
        "state": appeal.state,
        "submitted_by": appeal.submitted_by.username,
        "submitted_at": appeal.submitted_at,
        "deadline": selectors_appeals.appeal_deadline(appeal.result),
        "adjusted_score": _score(appeal.adjusted_score),
        "decision": appeal.decision,
        "decided_by": appeal.decided_by.username if appeal.decided_by_id else None,
        "decided_at": appeal.decided_at,
        "revision_made": appeal.revision_made,
        "evidence": [
            {
                "id": e.pk,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "download": f"/api/v1/assessment/appeals/{appeal.pk}/evidence/{e.pk}",
            }
            for e in appeal.evidence.all()
        ],
    }


def _appeal(actor, appeal_id: int):
    reads.readable(actor)
    return selectors_appeals.appeal_get(actor, appeal_id)


def _fresh(actor, appeal_id: int) -> dict:
    appeal = selectors_appeals.appeals_visible(actor).prefetch_related("evidence").get(pk=appeal_id)
    return appeal_out(appeal)


@router.get("/assessment/appeals", response=list[AppealOut], summary="考核申诉列表")
@paginate(Page)
def appeals(request, state: str = "", scheme: str = "", period: str = ""):
    reads.readable(request.user)
    rows = selectors_appeals.appeal_list(
        request.user, state=state, scheme_code=scheme.strip(), period=period
    ).prefetch_related("evidence")
    return PageRows(rows, appeal_out)


@router.get("/assessment/appeals/{appeal_id}", response=AppealOut, summary="考核申诉详情")
def appeal_detail(request, appeal_id: int):
    _appeal(request.user, appeal_id)
    return _fresh(request.user, appeal_id)


@router.get(
    "/assessment/appeals/{appeal_id}/evidence/{evidence_id}",
    response={200: None},
    summary="下载申诉佐证材料（下载前复核文件哈希，不符则 409）",
)
def appeal_evidence(request, appeal_id: int, evidence_id: int):
    reads.readable(request.user)
    evidence = selectors_appeals.appeal_evidence_get(request.user, appeal_id, evidence_id)
    handle = services_appeals.appeal_evidence_open(actor=request.user, evidence=evidence)
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name,
        content_type=evidence.content_type,
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/assessment/schemes/{code}/results/{period}/appeals",
    response={201: AppealOut},
    summary="提出申诉（本单位联络员或负责人；multipart，可附佐证材料）",
)
def appeal_submit(
    request,
    code: str,
    period: str,
    unit: Form[str],
    component: Form[str],
    reason: Form[str],
    requested_score: Form[str] = "",
    files: File[list[UploadedFile]] = None,
):
    reads.readable(request.user)
    scheme = selectors.scheme_get(code)
    span = services.period_of(scheme, period)
    result = selectors.latest_result(scheme.code, span.code)
    if result is None:
        raise NotFound(reads.NO_RESULT)
    appealed = Unit.objects.filter(code=unit.strip()).first()
    if appealed is None:
        raise ValidationFailed.on("unit", _("找不到编码为“%(code)s”的单位") % {"code": unit})
    appeal = services_appeals.appeal_submit(
        actor=request.user, result=result, unit=appealed, component_code=component.strip(),
        reason=reason, requested_score=requested_score or None, files=files or [],
    )  # fmt: skip
    return Reply(201, _fresh(request.user, appeal.pk))


class AcceptIn(Schema):
    adjusted_score: str
    decision: str = ""


class RejectIn(Schema):
    decision: str


@router.post(
    "/assessment/appeals/{appeal_id}/accept",
    response=AppealOut,
    summary="采纳申诉（督查室；填写调整后得分，随即发布下一版结果）",
)
def appeal_accept(request, appeal_id: int, payload: AcceptIn):
    appeal = _appeal(request.user, appeal_id)
    services_appeals.appeal_accept(
        actor=request.user, appeal=appeal, adjusted_score=payload.adjusted_score,
        decision=payload.decision,
    )  # fmt: skip
    return _fresh(request.user, appeal_id)


@router.post(
    "/assessment/appeals/{appeal_id}/reject",
    response=AppealOut,
    summary="不予采纳（督查室；须写理由）",
)
def appeal_reject(request, appeal_id: int, payload: RejectIn):
    appeal = _appeal(request.user, appeal_id)
    services_appeals.appeal_reject(actor=request.user, appeal=appeal, decision=payload.decision)
    return _fresh(request.user, appeal_id)
