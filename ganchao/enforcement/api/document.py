"""API of the decision document (B12, B4): the draft fields, the issuance with its seal record
and publication task, the download that re-verifies the hash, and the office's template. Reads
go through selectors (scoped to the actor); writes call services.document."""

import datetime as dt

from django.http import FileResponse
from ninja import File, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from ganchao.common.api import LocalDatetime
from ganchao.common.errors import Forbidden, NotFound
from ganchao.enforcement import document, selectors
from ganchao.enforcement.services import document as services

router = Router(tags=["行政执法"])


class DecisionDocumentPatchIn(Schema):
    number: str | None = None
    party_name: str | None = None
    party_address: str | None = None
    facts_evidence: str | None = None
    penalty_basis: str | None = None
    performance: str | None = None
    remedy: str | None = None
    organ_name: str | None = None
    social_impact: str | None = None
    social_impact_reason: str | None = None


class DocumentBlockerOut(Schema):
    rule: str
    message: str


class SealOut(Schema):
    service: str
    seal_name: str
    seal_id: str
    signature: str
    stand_in: bool
    stand_in_note: str
    sealed_at: LocalDatetime


class PublicationOut(Schema):
    required: bool
    due: dt.date | None
    working_days: int | None


class DecisionDocumentOut(Schema):
    case_id: int
    case_code: str
    kind: str
    decided_on: dt.date
    number: str
    party_name: str
    party_address: str
    facts_evidence: str
    penalty_basis: str
    performance: str
    remedy: str
    organ_name: str
    social_impact: str | None
    social_impact_reason: str
    issued: bool
    issued_at: LocalDatetime | None
    document_sha256: str
    blockers: list[DocumentBlockerOut]
    seal: SealOut | None
    publication: PublicationOut


class DocumentTemplateOut(Schema):
    builtin: bool
    original_name: str
    sha256: str
    uploaded_at: LocalDatetime | None
    variables: list[dict]


def _impact(value) -> str | None:
    return None if value is None else ("yes" if value else "no")


def document_out(case) -> dict:
    decision = document.decision_of(case)
    if decision is None:
        raise NotFound("该案件尚未作出决定")
    facts = selectors.case_facts(case)
    issued = bool(decision.issued_at)
    seal = document.seal_of(decision)
    task = document.publication_task_of(case) if issued else None
    return {
        "case_id": case.pk,
        "case_code": case.code,
        "kind": decision.kind,
        "decided_on": decision.decided_on,
        **{name: getattr(decision, name) for name in services.DRAFT_FIELDS},
        "social_impact": _impact(decision.social_impact),
        "issued": issued,
        "issued_at": decision.issued_at,
        "document_sha256": decision.document_sha256,
        "blockers": []
        if issued
        else [
            {"rule": b.rule, "message": b.message}
            for b in document.issue_blockers(case, decision, facts)
        ],
        "seal": {
            "service": seal.service,
            "seal_name": seal.seal_name,
            "seal_id": seal.seal_id,
            "signature": seal.signature,
            "stand_in": seal.stand_in,
            "stand_in_note": str(document.STAND_IN_NOTE) if seal.stand_in else "",
            "sealed_at": seal.sealed_at,
        }
        if seal
        else None,
        "publication": {
            "required": document.must_publish(case, decision),
            "due": task.due if task else None,
            "working_days": task.working_days if task else None,
        },
    }


@router.get(
    "/cases/{case_id}/decision-document",
    response=DecisionDocumentOut,
    summary="执法决定书（草稿字段、尚缺内容 B12/B4、签发后的文号、印章记录和哈希）",
)
def decision_document_get(request, case_id: int):
    return document_out(selectors.case_get(request.user, case_id))


@router.patch(
    "/cases/{case_id}/decision-document",
    response=DecisionDocumentOut,
    summary="修改决定书草稿（签发前；社会影响“是/否”均须写明理由 B4）",
)
def decision_document_patch(request, case_id: int, payload: DecisionDocumentPatchIn):
    case = selectors.case_get(request.user, case_id)
    fields = payload.dict(exclude_unset=True)
    services.decision_draft_update(actor=request.user, case=case, **fields)
    return document_out(selectors.case_get(request.user, case_id))


@router.post(
    "/cases/{case_id}/decision-document/issue",
    response=DecisionDocumentOut,
    summary="签发决定书（B12 内容齐全、B4 社会影响已判定；生成、用印、公示任务 B3）",
)
def decision_document_issue(request, case_id: int):
    case = selectors.case_get(request.user, case_id)
    services.decision_issue(actor=request.user, case=case)
    return document_out(selectors.case_get(request.user, case_id))


@router.get(
    "/cases/{case_id}/decision-document/file",
    response={200: None},
    summary="下载已签发的决定书（下载前复核文件哈希，不符则 409）",
)
def decision_document_file(request, case_id: int):
    case = selectors.case_get(request.user, case_id)
    handle, decision = services.decision_document_open(actor=request.user, case=case)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{decision.number or case.code}.docx",
        content_type=document.DOCX_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def template_out() -> dict:
    row = document.active_template()
    return {
        "builtin": row is None,
        "original_name": row.original_name if row else "",
        "sha256": row.sha256 if row else "",
        "uploaded_at": row.uploaded_at if row else None,
        "variables": [{"name": n, "meaning": str(m)} for n, m in document.CONTEXT_DOC],
    }


def _template_manager(request) -> None:
    if not services.manages_templates(request.user):
        raise Forbidden("只有督查室或系统管理员可以更换决定书模板")


@router.get(
    "/document-template",
    response=DocumentTemplateOut,
    summary="当前执法决定书模板及可用变量",
)
def document_template_get(request):
    _template_manager(request)
    return template_out()


@router.post(
    "/document-template",
    response={201: DocumentTemplateOut},
    summary="上传执法决定书模板（multipart：file；须能在沙箱中用示例数据生成）",
)
def document_template_post(request, file: File[UploadedFile]):
    services.document_template_upload(actor=request.user, upload=file)
    return Reply(201, template_out())


@router.post(
    "/document-template/reset",
    response=DocumentTemplateOut,
    summary="恢复默认执法决定书模板",
)
def document_template_reset(request):
    services.document_template_reset(actor=request.user)
    return template_out()
