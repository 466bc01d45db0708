"""Resetting an administrator's password needs a second administrator's approval (三员分立,
LEGAL_RULES C5).

The security administrator requests the reset with a temporary password (kept only as a hash)
and a reason; another administrator — holding the system, security or audit administrator role,
neither the requester nor the account being reset — approves or rejects it with a note. Only on
approval is the password set: the account must change it at next login, the old hash joins the
password history and the account's API tokens are revoked. A reset of any other account stays
immediate (accounts.services.password_reset). Every request, approval, rejection and refusal is
audited; a refusal is recorded (success=false) in a transaction of its own before it is raised.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.accounts.models import ApiToken, PasswordHistory, PasswordResetRequest
from ganchao.audit.registry import register
from ganchao.audit.services import Target, audit_record, in_transaction_record
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.orgs.choices import EXCLUSIVE_ROLES, Role
from ganchao.orgs.models import RoleGrant
from ganchao.orgs.scoping import scope_of

REQUESTED = register("auth.reset_requested", gettext_lazy("申请重置管理员密码"))
APPROVED = register("auth.reset_approved", gettext_lazy("批准重置管理员密码"))
REJECTED = register("auth.reset_rejected", gettext_lazy("驳回重置管理员密码"))

State = PasswordResetRequest.State


def holds_admin_role(user) -> bool:
    """Whether `user` holds the system, security or audit administrator role."""
    return RoleGrant.objects.filter(user=user, role__in=EXCLUSIVE_ROLES).exists()


def _refuse(*, actor, action: str, user, message: str, request=None):
    changes = {"request": request.pk} if request is not None else None
    in_transaction_record(
        actor=actor,
        action=action,
        target=Target.of(user, "user"),
        changes=changes,
        reason=message,
        success=False,
    )
    raise Forbidden(message)


def direct_reset_refusal(*, actor, user) -> str | None:
    """Why the security administrator may not reset `user`'s password at once, or None."""
    if actor is not None and actor.pk == user.pk:
        return _("不能重置自己的密码，请在“修改密码”页面修改")
    if holds_admin_role(user):
        return _(
            "管理员账号的密码须经另一名管理员批准后才能重置，请提交“申请重置密码”，"
            "由系统管理员或审计管理员批准"
        )
    return None


def refuse_direct_reset(*, actor, user) -> None:
    """Record and raise the refusal of an immediate reset (self, or an administrator)."""
    message = direct_reset_refusal(actor=actor, user=user)
    if message:
        _refuse(actor=actor, action="auth.password_reset", user=user, message=message)


def reset_request_create(*, actor, user, new_password: str, reason: str) -> PasswordResetRequest:
    """The security administrator asks to reset an administrator's password."""
    if not scope_of(actor).has(Role.SECURITY_ADMIN):
        _refuse(
            actor=actor, action=REQUESTED, user=user, message=_("只有安全管理员可以申请重置密码")
        )
    if actor.pk == user.pk:
        _refuse(
            actor=actor,
            action=REQUESTED,
            user=user,
            message=_("不能申请重置自己的密码，请在“修改密码”页面修改"),
        )
    if not holds_admin_role(user):
        raise ValidationFailed.on("user", _("该账号不是管理员账号，可直接重置密码，无须审批"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("请填写重置原因"))
    try:
        validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed.on("new_password", "；".join(exc.messages)) from exc
    with transaction.atomic():
        if PasswordResetRequest.objects.filter(user=user, state=State.PENDING).exists():
            raise Conflict(_("该账号已有一份待批准的密码重置申请，请等待处理"))
        request = PasswordResetRequest.objects.create(
            user=user, requested_by=actor, password=make_password(new_password), reason=reason
        )
        audit_record(
            actor=actor,
            action=REQUESTED,
            target=Target.of(user, "user"),
            changes={"request": {"before": None, "after": request.pk}},
            reason=reason,
        )
    return request


def _approver_refusal(actor, request: PasswordResetRequest) -> str | None:
    if not scope_of(actor).has(*EXCLUSIVE_ROLES):
        return _("只有系统管理员、安全管理员或审计管理员可以审批密码重置申请")
    if actor.pk == request.requested_by_id:
        return _("申请人不能审批自己的申请，须由另一名管理员审批")
    if actor.pk == request.user_id:
        return _("不能审批重置自己密码的申请")
    return None


def _decide(*, actor, request_id: int, approve: bool, note: str) -> PasswordResetRequest:
    action = APPROVED if approve else REJECTED
    request = (
        PasswordResetRequest.objects.select_related("user", "requested_by")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not scope_of(actor).has(*EXCLUSIVE_ROLES):
        raise NotFound(_("密码重置申请不存在"))
    refusal = _approver_refusal(actor, request)
    if refusal:
        _refuse(actor=actor, action=action, user=request.user, message=refusal, request=request)
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationFailed.on("note", _("驳回时请填写审批意见"))
    with transaction.atomic():
        request = PasswordResetRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != State.PENDING:
            raise Conflict(_("该申请已处理（%(state)s）") % {"state": request.get_state_display()})
        request.state = State.APPROVED if approve else State.REJECTED
        request.decided_by, request.decided_at = actor, timezone.now()
        request.decision_note = note
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        if approve:
            _set_password(request)
        audit_record(
            actor=actor,
            action=action,
            target=Target.of(request.user, "user"),
            changes={"state": {"before": State.PENDING, "after": request.state}},
            reason=note,
        )
        if approve:
            revoke_tokens(request.user, _("管理员密码经审批重置后原令牌作废"), actor=actor)
    return request


def _set_password(request: PasswordResetRequest) -> None:
    user = request.user
    if user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    user.password = request.password
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])


def revoke_tokens(user, reason: str, *, actor=None) -> None:
    """Revoke the account's API tokens through accounts.services.revoke_user_tokens (which
    records its own event), or directly when that service is not there."""
    from ganchao.accounts import services

    revoke = getattr(services, "revoke_user_tokens", None)
    if revoke is not None:
        revoke(user, reason, actor=actor)
        return
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def reset_request_approve(*, actor, request_id: int, note: str = "") -> PasswordResetRequest:
    """Another administrator approves: the temporary password is set, to be changed at login."""
    return _decide(actor=actor, request_id=request_id, approve=True, note=note)


def reset_request_reject(*, actor, request_id: int, note: str) -> PasswordResetRequest:
    """Another administrator rejects the request with a note; the password stays as it was."""
    return _decide(actor=actor, request_id=request_id, approve=False, note=note)


# ---- reads ---------------------------------------------------------------------------------


def reset_requests(*, actor, state: str = ""):
    """The requests an administrator sees: every one, pending first, newest first."""
    if not scope_of(actor).has(*EXCLUSIVE_ROLES):
        raise NotFound(_("页面不存在"))
    rows = PasswordResetRequest.objects.select_related(
        "user__unit", "requested_by", "decided_by"
    ).order_by("-created_at", "-id")
    if state:
        rows = rows.filter(state=state)
    return rows


def reset_request_get(*, actor, pk: int) -> PasswordResetRequest:
    found = reset_requests(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("密码重置申请不存在"))
    return found


def may_decide(actor, request: PasswordResetRequest) -> bool:
    return request.state == State.PENDING and _approver_refusal(actor, request) is None
