"""API of the full-process record (B2, B6, B7): text records, field actions (end, complete, gap
reasons), files (multipart for small ones, a resumable chunked upload for large media),
downloads re-verified against their hash (409 when altered) and the case-file archive.
Reads go through selectors_records (scoped); writes call the services."""

import datetime as dt

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from ganchao.common import filestore
from ganchao.common.api import LocalDatetime
from ganchao.common.errors import NotFound, ValidationFailed
from ganchao.enforcement import archive, selectors
from ganchao.enforcement import selectors_records as sel
from ganchao.enforcement.models import Officer
from ganchao.enforcement.services import core as core_services
from ganchao.enforcement.services import records as services

router = Router(tags=["行政执法"])


# ---- schemas ---------------------------------------------------------------------------------


class CaseRecordIn(Schema):
    text: str = ""
    stage: str = ""


class CaseRecordOut(Schema):
    id: int
    stage: str
    action_id: int | None
    text: str
    created_by: str
    created_at: LocalDatetime


class ActionIn(Schema):
    kind: str = ""
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    place: str = ""
    officer_ids: list[int] = []
    certificate_shown_at: dt.datetime | None = None
    informed_at: dt.datetime | None = None
    note: str = ""


class ActionEndIn(Schema):
    ended_at: dt.datetime | None = None


class GapIn(Schema):
    gap_from: dt.datetime | None = None
    gap_to: dt.datetime | None = None
    reason: str = ""


class GapOut(Schema):
    id: int
    gap_from: LocalDatetime
    gap_to: LocalDatetime
    reason: str


class ActionBlockerOut(Schema):
    rule: str
    message: str


class ActionOut(Schema):
    id: int
    kind: str
    stage: str
    started_at: LocalDatetime
    ended_at: LocalDatetime | None
    place: str
    officers: list[str]
    certificate_shown_at: LocalDatetime | None
    informed_at: LocalDatetime | None
    note: str
    av_policy: str
    completed_at: LocalDatetime | None
    gaps: list[GapOut]
    blockers: list[ActionBlockerOut]


class CaseFileOut(Schema):
    id: int
    stage: str
    kind: str
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    action_id: int | None
    record_id: int | None
    recorded_from: LocalDatetime | None
    recorded_to: LocalDatetime | None
    uploaded_by: str
    uploaded_at: LocalDatetime


class UploadIn(Schema):
    name: str = ""
    size: int = 0
    kind: str = ""
    sha256: str = ""
    stage: str = ""
    action_id: int | None = None
    record_id: int | None = None
    title: str = ""
    recorded_from: dt.datetime | None = None
    recorded_to: dt.datetime | None = None


class UploadOut(Schema):
    id: str
    name: str
    size: int
    received: int


class ChunkQuery(Schema):
    offset: int = 0


# ---- rows ------------------------------------------------------------------------------------


def record_out(item) -> dict:
    return {
        "id": item.pk,
        "stage": item.stage,
        "action_id": item.action_id,
        "text": item.text,
        "created_by": item.created_by.display_name,
        "created_at": item.created_at,
    }


def action_out(row) -> dict:
    action = row.action
    return {
        "id": action.pk,
        "kind": action.kind,
        "stage": action.stage,
        "started_at": action.started_at,
        "ended_at": action.ended_at,
        "place": action.place,
        "officers": [o.name for o in row.officers],
        "certificate_shown_at": action.certificate_shown_at,
        "informed_at": action.informed_at,
        "note": action.note,
        "av_policy": row.policy,
        "completed_at": action.completed_at,
        "gaps": [
            {"id": g.pk, "gap_from": g.gap_from, "gap_to": g.gap_to, "reason": g.reason}
            for g in row.gaps
        ],
        "blockers": [{"rule": b.rule, "message": b.message} for b in row.blockers],
    }


def file_out(item) -> dict:
    return {
        "id": item.pk,
        "stage": item.stage,
        "kind": item.kind,
        "title": item.title,
        "original_name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "action_id": item.action_id,
        "record_id": item.record_id,
        "recorded_from": item.recorded_from,
        "recorded_to": item.recorded_to,
        "uploaded_by": item.uploaded_by.display_name,
        "uploaded_at": item.uploaded_at,
    }


def _action_row(case, action_id: int) -> dict:
    for row in sel.action_rows(case):
        if row.action.pk == action_id:
            return action_out(row)
    raise NotFound(_("执法活动不存在或无权查看"))


def _officers(case, ids: list[int]) -> list[Officer]:
    found = {o.pk: o for o in Officer.objects.filter(agency_id=case.agency_id, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed.on(
            "officer_ids",
            _("执法人员编号%(ids)s不存在或不属于本执法主体")
            % {"ids": "、".join(str(i) for i in missing)},
        )
    return [found[i] for i in dict.fromkeys(ids)]


def _file_of_case(case, file_id: int):
    item = sel.files_of(case).filter(pk=file_id).first()
    if item is None:
        raise NotFound(_("案卷材料不存在或无权查看"))
    return item


# ---- text records ----------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/records", response=list[CaseRecordOut], summary="案件的文字记录（按时间）"
)
def case_records(request, case_id: int):
    case = selectors.case_get(request.user, case_id)
    return [record_out(r) for r in sel.records_of(case)]


@router.post(
    "/cases/{case_id}/records",
    response={201: CaseRecordOut},
    summary="登记文字记录（B6；stage 缺省为案件当前环节）",
)
def case_record_add(request, case_id: int, payload: CaseRecordIn):
    case = selectors.case_get(request.user, case_id)
    item = core_services.record_add(
        actor=request.user, case=case, text=payload.text, stage=payload.stage
    )
    return Reply(201, record_out(sel.records_of(case).get(pk=item.pk)))


# ---- field actions ---------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/actions",
    response=list[ActionOut],
    summary="案件的执法活动（含音像记录要求和尚未满足的 B7 要求）",
)
def case_actions(request, case_id: int):
    case = selectors.case_get(request.user, case_id)
    return [action_out(row) for row in sel.action_rows(case)]


@router.post(
    "/cases/{case_id}/actions",
    response={201: ActionOut},
    summary="登记执法活动（B2：现场执法须两名以上持有效证件的执法人员、出示证件和告知的时间）",
)
def case_action_add(request, case_id: int, payload: ActionIn):
    case = selectors.case_get(request.user, case_id)
    action = services.action_create(
        actor=request.user,
        case=case,
        kind=payload.kind,
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        place=payload.place,
        officers=_officers(case, payload.officer_ids),
        certificate_shown_at=payload.certificate_shown_at,
        informed_at=payload.informed_at,
        note=payload.note,
    )
    return Reply(201, _action_row(case, action.pk))


@router.post("/actions/{action_id}/end", response=ActionOut, summary="记录执法活动的结束时间")
def action_end(request, action_id: int, payload: ActionEndIn):
    action = sel.action_by_id(request.user, action_id)
    services.action_end(actor=request.user, action=action, ended_at=payload.ended_at)
    return _action_row(action.case, action_id)


@router.post(
    "/actions/{action_id}/complete",
    response=ActionOut,
    summary="完成执法活动（B7：全过程音像记录须覆盖起止时间，中断须说明技术原因）",
)
def action_complete(request, action_id: int):
    action = sel.action_by_id(request.user, action_id)
    services.action_complete(actor=request.user, action=action)
    return _action_row(action.case, action_id)


@router.post(
    "/actions/{action_id}/gaps",
    response={201: ActionOut},
    summary="说明音像记录中断的技术原因（B7）",
)
def action_gap_explain(request, action_id: int, payload: GapIn):
    action = sel.action_by_id(request.user, action_id)
    services.gap_explain(
        actor=request.user,
        action=action,
        gap_from=payload.gap_from,
        gap_to=payload.gap_to,
        reason=payload.reason,
    )
    return Reply(201, _action_row(action.case, action_id))


# ---- files -----------------------------------------------------------------------------------


@router.get("/cases/{case_id}/files", response=list[CaseFileOut], summary="案卷材料")
def case_files(request, case_id: int):
    case = selectors.case_get(request.user, case_id)
    return [file_out(f) for f in sel.files_of(case)]


@router.post(
    "/cases/{case_id}/files",
    response={201: CaseFileOut},
    summary="上传案卷材料（multipart：kind、file，可选 stage、action_id、title、"
    "recorded_from、recorded_to；大文件用 …/uploads 分段上传）",
)
def case_file_add(
    request,
    case_id: int,
    kind: Form[str],
    file: File[UploadedFile],
    stage: Form[str] = "",
    action_id: Form[int | None] = None,
    title: Form[str] = "",
    recorded_from: Form[dt.datetime | None] = None,
    recorded_to: Form[dt.datetime | None] = None,
):
    case = selectors.case_get(request.user, case_id)
    action = sel.action_get(request.user, case_id, action_id) if action_id else None
    item = services.case_file_store(
        actor=request.user,
        case=case,
        upload=file,
        kind=kind,
        stage=stage,
        action=action,
        title=title,
        recorded_from=recorded_from,
        recorded_to=recorded_to,
    )
    return Reply(201, file_out(_file_of_case(case, item.pk)))


@router.get(
    "/cases/{case_id}/files/{file_id}",
    response={200: None},
    summary="下载案卷材料（重新校验 SHA-256；文件被改动时 409 并记录）",
)
def case_file_download(request, case_id: int, file_id: int):
    item = sel.file_get(request.user, case_id, file_id)
    handle = services.case_file_open(actor=request.user, item=item)
    return filestore.file_response(
        handle, filename=item.original_name, content_type=item.content_type
    )


@router.post(
    "/cases/{case_id}/uploads",
    response={201: UploadOut},
    summary="开始分段上传（声明 name、size、kind，可选 sha256；返回上传编号）",
)
def case_upload_start(request, case_id: int, payload: UploadIn):
    case = selectors.case_get(request.user, case_id)
    action = sel.action_get(request.user, case_id, payload.action_id) if payload.action_id else None
    upload_id = services.upload_start(
        actor=request.user,
        case=case,
        name=payload.name,
        size=payload.size,
        kind=payload.kind,
        sha256=payload.sha256,
        stage=payload.stage,
        action=action,
        record_obj=sel.record_get(case, payload.record_id),
        title=payload.title,
        recorded_from=payload.recorded_from,
        recorded_to=payload.recorded_to,
    )
    return Reply(201, services.upload_status(actor=request.user, upload_id=upload_id))


@router.get("/uploads/{upload_id}", response=UploadOut, summary="分段上传进度（续传时先查询）")
def upload_status(request, upload_id: str):
    return services.upload_status(actor=request.user, upload_id=upload_id)


@router.put(
    "/uploads/{upload_id}/chunks",
    response=UploadOut,
    summary="上传一段（请求体为原始字节；offset 须等于已接收的字节数，否则 409）",
)
def upload_chunk(request, upload_id: str, query: Query[ChunkQuery]):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    services.upload_chunk(
        actor=request.user, upload_id=upload_id, offset=query.offset, stream=request, length=length
    )
    return services.upload_status(actor=request.user, upload_id=upload_id)


@router.post(
    "/uploads/{upload_id}/complete",
    response={201: CaseFileOut},
    summary="完成分段上传（核对大小和声明的 SHA-256，存入案卷）",
)
def upload_complete(request, upload_id: str):
    item = services.upload_complete(actor=request.user, upload_id=upload_id)
    return Reply(201, file_out(_file_of_case(item.case, item.pk)))


# ---- the archive -----------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/archive",
    response={200: None},
    summary="导出完整案卷（zip：全部材料经重新校验、records.txt、manifest.csv、manifest.json）",
)
def case_archive(request, case_id: int):
    case = selectors.case_get(request.user, case_id)
    handle, name = archive.case_archive(actor=request.user, case=case)
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")
