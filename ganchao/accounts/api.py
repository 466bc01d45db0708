"""API: POST /auth/token (password → token; the lockout applies) and revoking a token."""

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from ninja import Router, Schema, Status

from ganchao.accounts import services
from ganchao.accounts.services import token_create
from ganchao.common.api_errors import error_response

router = Router(tags=["认证"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={201: TokenOut}, summary="用用户名和密码换取接口令牌")
def obtain_token(request, payload: Credentials):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return error_response(
            request,
            403,
            "locked",
            "连续 5 次登录失败，账号已锁定 15 分钟，请稍后再试或联系安全管理员解锁。",
        )
    if user is None:
        return error_response(
            request,
            401,
            "invalid_credentials",
            "用户名或密码不正确",
            [{"field": "password", "message": "用户名或密码不正确"}],
        )
    with transaction.atomic():
        _token, key = token_create(actor=user, user=user, name="接口登录")
    return Status(201, {"token": key})


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
    name: str = ""


class NamedTokenOut(Schema):
    id: int
    name: str
    token: str


@router.post(
    "/tokens",
    response={201: NamedTokenOut},
    summary="为本人再建一个有名称的接口令牌（令牌只显示这一次）",
)
def token_new(request, payload: NamedTokenIn):
    with transaction.atomic():
        token, key = services.token_create(actor=request.user, user=request.user, name=payload.name)
    return Status(201, {"id": token.pk, "name": token.name, "token": key})
