"""API: administrator password resets that need a second administrator's approval (LEGAL_RULES
C5): the security administrator requests, another administrator approves or rejects. The twins
of the user page's "申请重置密码" form and the approval page."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate

from ganchao.accounts import reset_approval
from ganchao.common.api import Page, PageRows
from ganchao.common.errors import NotFound
from ganchao.orgs import selectors as org_selectors

router = Router(tags=["单位与账号"])


class ResetRequestIn(Schema):
    user_id: int
    new_password: str
    reason: str


class ResetDecisionIn(Schema):
    note: str = ""


class ResetRequestOut(Schema):
    id: int
    user_id: int
    username: str
    requested_by: str
    reason: str
    state: str
    state_label: str
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str


def reset_out(request) -> dict:
    return {
        "id": request.pk,
        "user_id": request.user_id,
        "username": request.user.username,
        "requested_by": request.requested_by.username,
        "reason": request.reason,
        "state": request.state,
        "state_label": str(request.get_state_display()),
        "created_at": timezone.localtime(request.created_at),
        "decided_by": request.decided_by.username if request.decided_by_id else None,
        "decided_at": timezone.localtime(request.decided_at) if request.decided_at else None,
        "decision_note": request.decision_note,
    }


@router.get(
    "",
    response=list[ResetRequestOut],
    summary="管理员密码重置申请（管理员查看；state=pending 只看待批准）",
)
@paginate(Page)
def reset_list(request, state: str = ""):
    return PageRows(reset_approval.reset_requests(actor=request.user, state=state), reset_out)


@router.post(
    "",
    response={201: ResetRequestOut},
    summary="申请重置管理员的密码（安全管理员；须另一名管理员批准后生效）",
)
def reset_request_create(request, payload: ResetRequestIn):
    try:
        subject = org_selectors.user_get(actor=request.user, pk=payload.user_id)
    except NotFound:
        raise NotFound("用户不存在") from None
    created = reset_approval.reset_request_create(
        actor=request.user, user=subject, new_password=payload.new_password, reason=payload.reason
    )
    return Reply(
        201, reset_out(reset_approval.reset_request_get(actor=request.user, pk=created.pk))
    )


@router.get("/{request_id}", response=ResetRequestOut, summary="密码重置申请详情")
def reset_detail(request, request_id: int):
    return reset_out(reset_approval.reset_request_get(actor=request.user, pk=request_id))


@router.post(
    "/{request_id}/approve",
    response=ResetRequestOut,
    summary="批准密码重置申请（另一名管理员；临时密码生效，下次登录须修改）",
)
def reset_approve(request, request_id: int, payload: ResetDecisionIn):
    reset_approval.reset_request_approve(
        actor=request.user, request_id=request_id, note=payload.note
    )
    return reset_out(reset_approval.reset_request_get(actor=request.user, pk=request_id))


@router.post(
    "/{request_id}/reject",
    response=ResetRequestOut,
    summary="驳回密码重置申请（另一名管理员；须填写审批意见）",
)
def reset_reject(request, request_id: int, payload: ResetDecisionIn):
    reset_approval.reset_request_reject(
        actor=request.user, request_id=request_id, note=payload.note
    )
    return reset_out(reset_approval.reset_request_get(actor=request.user, pk=request_id))
