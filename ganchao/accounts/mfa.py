"""The second factor (LEGAL_RULES C4): TOTP devices and one-time recovery codes from
django-otp. Which accounts need one is the security policy's list of roles.

The login flow asks for a code after the password when `login_step_needed(user)`: the policy
requires it (`mfa_required`) or the user enrolled an authenticator of their own accord
(`mfa_enrolled`); a user who must but has no confirmed device yet is taken to enrolment first.
The token endpoint asks for the same code (`verify_code`).

A wrong code is audited (auth.mfa_failed, success false) and, when the request is given,
counts toward the same lockout as a wrong password (django-axes: 5 failures, 15 minutes).
The failure is recorded in a transaction of its own, before any service raises, so that the
record survives the refusal; callers must not wrap these services in an outer transaction.
"""

import re
from base64 import b32encode
from binascii import unhexlify

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ganchao.accounts.models import SecurityPolicy
from ganchao.audit.services import Target, audit_record, in_transaction_record
from ganchao.common.errors import Forbidden, ValidationFailed

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
TOTP_CODE = re.compile(r"^\d{6}$")
RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


# ---- who needs it ---------------------------------------------------------------------------


def mfa_required(user) -> bool:
    """Whether the policy asks this account for a second factor (two queries). Demo accounts
    (password_policy_exempt) are exempt so that a newcomer can click through the demo."""
    if user is None or not user.is_authenticated or user.password_policy_exempt:
        return False
    wanted = SecurityPolicy.current().mfa_roles
    if not wanted:
        return False
    return user.role_grants.filter(role__in=wanted).exists()


def mfa_enrolled(user) -> bool:
    """Whether the user has a confirmed authenticator (one query)."""
    if user is None or not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def login_step_needed(user) -> bool:
    return mfa_enrolled(user) or mfa_required(user)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# ---- checking a code ------------------------------------------------------------------------


def normalise(code) -> str:
    """'123 456' → '123456'; 'ABCD-EFGH' → 'abcdefgh' (recovery codes are shown with a dash)."""
    return re.sub(r"[\s\-]", "", str(code or "")).lower()[:32]


def verify_device(user, code, *, request=None):
    """The device that accepted a current TOTP code or an unused recovery code (which is then
    used up), or None. One or two queries for a TOTP code. A failure is audited and, with the
    request, counts toward the lockout."""
    code = normalise(code)
    device = None
    if TOTP_CODE.match(code):
        with transaction.atomic():
            totp = (
                TOTPDevice.objects.select_for_update()
                .filter(user=user, confirmed=True)
                .order_by("pk")
                .first()
            )
            if totp is not None and totp.verify_token(code):
                device = totp
    elif RECOVERY_CODE.match(code):
        device = _use_recovery_code(user, code)
    if device is None:
        code_failed(user, request=request)
    return device


def verify_code(user, code, *, request=None) -> bool:
    """True when `code` is a current TOTP code or an unused recovery code of the user."""
    return verify_device(user, code, request=request) is not None


@transaction.atomic
def _use_recovery_code(user, code: str):
    token = (
        StaticToken.objects.select_for_update()
        .select_related("device")
        .filter(device__user=user, device__confirmed=True, token=code)
        .first()
    )
    if token is None:
        return None
    device = token.device
    token.delete()
    left = StaticToken.objects.filter(device=device).count()
    audit_record(
        actor=user,
        action="auth.recovery_code_used",
        target=Target.of(user, "user"),
        changes={"recovery_codes_left": {"before": left + 1, "after": left}},
    )
    return device


def code_failed(user, *, request=None) -> None:
    """Record a wrong code; with the request it counts toward the login lockout like a wrong
    password (django-axes then marks request.axes_locked_out at the fifth failure)."""
    in_transaction_record(
        actor=user, action="auth.mfa_failed", target=Target.of(user, "user"), success=False
    )
    if request is not None:
        from axes.handlers.proxy import AxesProxyHandler

        AxesProxyHandler.user_login_failed(
            sender=code_failed, credentials={"username": user.username}, request=request
        )


def is_locked(user, request) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": user.username})


def _require_code(user, code, request=None) -> None:
    if not verify_code(user, code, request=request):
        raise ValidationFailed.on(
            "code", _("动态验证码不正确或已过期，请输入验证器上当前显示的 6 位数字")
        )


# ---- enrolment and recovery codes (services) ------------------------------------------------


def secret_of(device: TOTPDevice) -> str:
    """The base32 secret for manual entry, in groups of four."""
    raw = b32encode(unhexlify(device.key)).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG QR code, drawn locally (no network)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    svg = image.to_string(encoding="unicode")
    return re.sub(
        r'width="[^"]+" height="[^"]+"',
        f'width="200" height="200" role="img" aria-label="{_("扫码添加验证器")}"',
        svg,
        count=1,
    )


@transaction.atomic
def mfa_enrol_start(*, actor) -> TOTPDevice:
    """A new (unconfirmed) authenticator for the actor, or the one already being set up, so
    that reloading the page does not change the QR code."""
    if mfa_enrolled(actor):
        raise ValidationFailed.on(
            "code", _("您已启用双因素认证；如需更换手机，请先停用或请安全管理员重置")
        )
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by(
        "-pk"
    ).first() or TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    return device


def mfa_enrol_confirm(*, actor, code, request=None) -> list[str]:
    """The first code from the new authenticator confirms it; returns 10 new recovery codes,
    shown once."""
    code = normalise(code)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=actor, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            raise ValidationFailed.on("code", _("请先开始启用双因素认证（扫描二维码）"))
        if TOTP_CODE.match(code) and device.verify_token(code):
            TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(actor=actor, action="auth.mfa_enrolled", target=Target.of(actor, "user"))
            return _new_recovery_codes(actor)
    code_failed(actor, request=request)
    raise ValidationFailed.on("code", _("动态验证码不正确，请输入验证器上当前显示的 6 位数字"))


def recovery_codes_regenerate(*, actor, code, request=None) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Needs a current code."""
    if not mfa_enrolled(actor):
        raise ValidationFailed.on("code", _("您尚未启用双因素认证"))
    _require_code(actor, code, request)
    with transaction.atomic():
        return _new_recovery_codes(actor)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    audit_record(
        actor=user,
        action="auth.recovery_codes_generated",
        target=Target.of(user, "user"),
        changes={"recovery_codes_left": {"before": None, "after": RECOVERY_CODE_COUNT}},
    )
    return [f"{c[:4]}-{c[4:]}" for c in codes]


def mfa_disable(*, actor, code, request=None) -> None:
    """The user turns the second factor off, only where the policy does not require it."""
    if mfa_required(actor):
        raise Forbidden(_("按本市安全策略，您的账号必须使用双因素认证，不能停用"))
    if not mfa_enrolled(actor):
        raise ValidationFailed.on("code", _("您尚未启用双因素认证"))
    _require_code(actor, code, request)
    with transaction.atomic():
        _drop_devices(actor)
        audit_record(actor=actor, action="auth.mfa_disabled", target=Target.of(actor, "user"))


@transaction.atomic
def mfa_reset(*, actor, user) -> None:
    """The security administrator clears a user's authenticator and recovery codes (a lost
    phone); the user enrols again at next login. Never for oneself."""
    from ganchao.orgs.choices import Role
    from ganchao.orgs.scoping import scope_of

    if not scope_of(actor).has(Role.SECURITY_ADMIN):
        raise Forbidden(_("只有安全管理员可以重置双因素认证"))
    if actor.pk == user.pk:
        raise Forbidden(_("不能重置自己的双因素认证，请由另一名安全管理员办理"))
    had = mfa_enrolled(user)
    _drop_devices(user)
    audit_record(
        actor=actor,
        action="auth.mfa_reset",
        target=Target.of(user, "user"),
        changes={"enrolled": {"before": had, "after": False}},
    )


def _drop_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
