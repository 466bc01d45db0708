"""API twins of the second-factor pages (LEGAL_RULES C4): enrol an authenticator, confirm it,
new recovery codes, turn it off, and the security administrator's reset. Each calls the
service in accounts/mfa.py that its page calls."""

from django.utils.translation import gettext as _
from ninja import Router, Schema

from ganchao.accounts import mfa
from ganchao.common.errors import NotFound

router = Router(tags=["认证"])


class EnrolOut(Schema):
    secret: str
    otpauth_uri: str


class CodeIn(Schema):
    code: str


class RecoveryCodesOut(Schema):
    recovery_codes: list[str]


class MfaStateOut(Schema):
    user_id: int
    enrolled: bool
    required: bool


@router.post(
    "/auth/mfa/enrol",
    response=EnrolOut,
    summary="开始启用双因素认证：返回密钥和 otpauth 地址（供验证器扫码或手动输入）",
)
def mfa_enrol(request):
    device = mfa.mfa_enrol_start(actor=request.user)
    return {"secret": mfa.secret_of(device).replace(" ", ""), "otpauth_uri": device.config_url}


@router.post(
    "/auth/mfa/confirm",
    response=RecoveryCodesOut,
    summary="用验证器上的第一个动态验证码确认绑定，返回 10 个恢复码（只返回这一次）",
)
def mfa_confirm(request, payload: CodeIn):
    codes = mfa.mfa_enrol_confirm(actor=request.user, code=payload.code)
    return {"recovery_codes": codes}


@router.post(
    "/auth/mfa/recovery-codes",
    response=RecoveryCodesOut,
    summary="凭当前动态验证码生成新的 10 个恢复码（原有恢复码作废）",
)
def mfa_recovery_codes(request, payload: CodeIn):
    codes = mfa.recovery_codes_regenerate(actor=request.user, code=payload.code)
    return {"recovery_codes": codes}


@router.post(
    "/auth/mfa/disable",
    response=MfaStateOut,
    summary="凭当前动态验证码停用双因素认证（安全策略要求启用的账号不能停用）",
)
def mfa_disable(request, payload: CodeIn):
    mfa.mfa_disable(actor=request.user, code=payload.code)
    return _state(request.user)


@router.post(
    "/users/{user_id}/mfa/reset",
    response=MfaStateOut,
    summary="重置用户的双因素认证（安全管理员；不能重置自己的），用户下次登录时重新绑定",
)
def mfa_reset(request, user_id: int):
    from ganchao.orgs import selectors

    if not 0 < user_id < 2**63:
        raise NotFound(_("用户不存在"))
    subject = selectors.user_get(actor=request.user, pk=user_id)
    mfa.mfa_reset(actor=request.user, user=subject)
    return _state(subject)


def _state(user) -> dict:
    return {
        "user_id": user.pk,
        "enrolled": mfa.mfa_enrolled(user),
        "required": mfa.mfa_required(user),
    }
