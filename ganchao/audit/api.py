"""API: /audit/events and /audit/verify-runs (the auditor only; everyone else gets 404)."""

import datetime as dt

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from ganchao.audit import selectors
from ganchao.audit.models import AuditVerifyRun
from ganchao.audit.services import audit_verify_run
from ganchao.common.api import LocalDatetime, Page
from ganchao.common.errors import NotFound

router = Router(tags=["审计"])


class EventOut(Schema):
    seq: int
    at: LocalDatetime
    actor_username: str
    actor_name: str
    on_behalf_of_name: str
    actor_unit_code: str
    source_ip: str
    action: str
    object_type: str
    object_id: str
    object_name: str
    changes: dict
    reason: str
    request_id: str
    success: bool
    hash_alg: str
    prev_hash: str
    hash: str


@router.get("/events", response=list[EventOut], summary="审计事件（审计管理员）")
@paginate(Page)
def events(
    request,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    user: str = "",
    unit: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
):
    try:
        return selectors.event_list(
            actor=request.user,
            since=since,
            until=until,
            user=user,
            unit=unit,
            object_type=object_type,
            object_id=object_id,
            action=action,
        )
    except NotFound as exc:
        raise Http404 from exc


class VerifyRunOut(Schema):
    at: LocalDatetime
    source: str
    actor_name: str
    ok: bool
    checked: int
    problem: str
    broken_seq: int | None


@router.get(
    "/verify-runs", response=list[VerifyRunOut], summary="审计链校验记录（审计管理员），新的在前"
)
@paginate(Page)
def verify_runs(request):
    try:
        return selectors.verify_runs(actor=request.user)
    except NotFound as exc:
        raise Http404 from exc


@router.post(
    "/verify-runs",
    response=VerifyRunOut,
    summary="立即校验审计链并记录结果（审计管理员）；未通过时 ok 为 false，problem 指出第一处问题",
)
def verify_run(request):
    try:
        selectors.verify_runs(actor=request.user)  # the auditor only
    except NotFound as exc:
        raise Http404 from exc
    _result, run = audit_verify_run(source=AuditVerifyRun.Source.PAGE, actor=request.user)
    return run
