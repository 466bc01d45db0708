"""API: POST /auth/token (password, and the second factor where required → an expiring
token; the same checks as the web login), one's own tokens, and the security policy."""

from datetime import datetime

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ganchao.accounts import mfa, selectors, services, throttle
from ganchao.accounts.models import SecurityPolicy
from ganchao.accounts.passwords import needs_password_change
from ganchao.audit.services import Target, in_transaction_record
from ganchao.common.api import ErrorOut, require_version
from ganchao.common.api_errors import error_response
from ganchao.common.errors import Forbidden
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

router = Router(tags=["认证"])

DEFAULT_TOKEN_NAME = "接口登录"


class Credentials(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    otp: str = Field("", max_length=32, description="动态验证码或恢复码（须启用双因素认证的账号）")
    name: str = Field(
        "",
        max_length=100,
        description="令牌名称；同名的旧令牌会被吊销替换（不填则为“接口登录”）",
    )


class TokenOut(Schema):
    token: str
    id: int
    name: str
    expires_at: datetime


def _rate_limited(request, found: throttle.Throttle):
    response = error_response(request, 429, "rate_limited", throttle.throttled_message(found))
    response["Retry-After"] = str(found.retry_after)
    return response


def _refused(request, user, status: int, code: str, message: str, *, audit: bool = False):
    if audit:
        in_transaction_record(
            actor=user,
            action="auth.token_refused",
            target=Target.of(user, "user"),
            reason=message,
            changes={"code": {"before": None, "after": code}},
            success=False,
        )
    field = "otp" if code.startswith("otp") else "password"
    return error_response(request, status, code, message, [{"field": field, "message": message}])


def _second_factor_refusal(request, user, otp: str, address: str):
    """None when the second factor is not needed or was right; otherwise the error response."""
    if not (mfa.mfa_required(user) or mfa.mfa_enrolled(user)):
        return None
    if not otp.strip():
        if not mfa.mfa_enrolled(user):
            message = _("该账号须启用双因素认证：请先登录网页绑定动态验证码，再申请接口令牌")
        else:
            message = _("请在 otp 字段填写动态验证码（或一个恢复码）")
        return _refused(request, user, 401, "otp_required", message)
    # verify_code audits a wrong code (auth.mfa_failed) and counts it toward the lockout.
    if not mfa.verify_code(user, otp, request=request):
        throttle.address_failure_record(address, user.username)
        message = _("动态验证码不正确或已过期，请输入验证器上当前显示的 6 位数字或一个恢复码")
        return _refused(request, user, 401, "otp_invalid", message)
    return None


@router.post(
    "/token",
    auth=None,
    response={201: TokenOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    summary="用用户名、密码（及动态验证码）换取接口令牌",
)
def obtain_token(request, payload: Credentials):
    address = throttle.source_address(request)
    found = throttle.address_throttled(address)
    if found is not None:
        return _rate_limited(request, found)
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False) or user is None:
        throttle.address_failure_record(address, payload.username)
    if getattr(request, "axes_locked_out", False):
        return error_response(
            request,
            403,
            "locked",
            _("连续 5 次登录失败，账号已锁定 15 分钟，请稍后再试或联系安全管理员解锁。"),
        )
    if user is None:
        message = _("用户名或密码不正确")
        return error_response(
            request,
            401,
            "invalid_credentials",
            message,
            [{"field": "password", "message": message}],
        )
    refusal = _second_factor_refusal(request, user, payload.otp, address)
    if refusal is not None:
        return refusal
    if needs_password_change(user):
        error = services.password_change_required_error()
        return _refused(request, user, 403, error.code, error.message, audit=True)
    with transaction.atomic():
        token, key = services.token_create(
            actor=user, user=user, name=payload.name.strip() or DEFAULT_TOKEN_NAME
        )
    return Status(
        201,
        {
            "token": key,
            "id": token.pk,
            "name": token.name,
            "expires_at": timezone.localtime(token.expires_at),
        },
    )


class TokenRowOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str
    state: str = Field(description="active 有效 / expired 已过期 / revoked 已吊销")


class TokenListOut(Schema):
    items: list[TokenRowOut]
    count: int


@router.get("/tokens", response=TokenListOut, summary="本人的接口令牌（含最近吊销、过期的）")
def token_list(request):
    rows = selectors.tokens_of(request.user)
    return {"items": [row.__dict__ for row in rows], "count": len(rows)}


class TokenRevokedOut(Schema):
    id: int
    revoked_at: str


@router.post(
    "/tokens/{token_id}/revoke",
    response=TokenRevokedOut,
    summary="吊销接口令牌（本人的令牌；安全管理员可吊销任何人的）",
)
def token_revoke(request, token_id: int):
    with transaction.atomic():
        token = services.token_revoke(actor=request.user, token_id=token_id)
    return {"id": token.pk, "revoked_at": timezone.localtime(token.revoked_at).isoformat()}


class NamedTokenIn(Schema):
    name: str = Field("", max_length=100)


class NamedTokenOut(Schema):
    id: int
    name: str
    token: str
    expires_at: datetime


@router.post(
    "/tokens",
    response={201: NamedTokenOut},
    summary="为本人再建一个有名称的接口令牌（令牌只显示这一次；同名旧令牌被替换）",
)
def token_new(request, payload: NamedTokenIn):
    with transaction.atomic():
        token, key = services.token_create(actor=request.user, user=request.user, name=payload.name)
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "token": key,
            "expires_at": timezone.localtime(token.expires_at),
        },
    )


class PolicyOut(Schema):
    stale_account_days: int
    token_days: int
    mfa_roles: list[str]
    address_failure_limit: int
    address_window_minutes: int
    log_retention_days: int
    version: int
    warnings: list[str]


class PolicyIn(Schema):
    stale_account_days: int = Field(ge=30, le=3650)
    token_days: int = Field(ge=1, le=365)
    mfa_roles: list[str] = Field(max_length=20)
    address_failure_limit: int = Field(ge=5, le=10_000)
    address_window_minutes: int = Field(ge=1, le=1440)
    log_retention_days: int = Field(ge=1, le=36_500)
    expected_version: int | None = Field(None, ge=1, le=2**31)


def _policy_out(policy: SecurityPolicy) -> dict:
    return {
        **{name: getattr(policy, name) for name in services.POLICY_FIELDS},
        "version": policy.version,
        "warnings": services.policy_warnings(policy),
    }


@router.get("/policy", response=PolicyOut, summary="安全策略（安全管理员）")
def policy_get(request):
    if not scope_of(request.user).has(Role.SECURITY_ADMIN):
        raise Forbidden(_("只有安全管理员可以查看和修改安全策略"))
    return _policy_out(SecurityPolicy.current())


@router.put(
    "/policy",
    response=PolicyOut,
    summary="修改安全策略（安全管理员；须带 expected_version 或 If-Match）",
)
def policy_put(request, payload: PolicyIn):
    values = payload.dict()
    expected = require_version(request, values.pop("expected_version"), SecurityPolicy.current())
    with transaction.atomic():
        policy = services.security_policy_update(
            actor=request.user, expected_version=expected, **values
        )
    return _policy_out(policy)
