"""API: POST /auth/token (password → token; the lockout applies)."""

from django.contrib.auth import authenticate
from django.db import transaction
from ninja import Router, Schema, Status

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
