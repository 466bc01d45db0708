"""Writes on accounts: password changes and resets, API tokens, and the login audit events."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.accounts.models import ApiToken, PasswordHistory, SecurityPolicy
from ganchao.accounts.passwords import needs_password_change
from ganchao.audit.services import Target, audit_record, diff, in_transaction_record
from ganchao.common.errors import (
    Conflict,
    FieldError,
    Forbidden,
    GanchaoError,
    NotFound,
    ValidationFailed,
)
from ganchao.common.prepared import Prepared
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

TOKEN_PREFIX = "gc_"


def _validate(password: str, user) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed.on("new_password", "；".join(exc.messages)) from exc


def _store_password(user, password: str) -> None:
    if user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()


@transaction.atomic
def password_change(*, actor, old_password: str, new_password: str) -> None:
    """The user changes their own password (also the forced change at first login)."""
    if not actor.check_password(old_password):
        raise ValidationFailed.on("old_password", _("原密码不正确"))
    if old_password == new_password:
        raise ValidationFailed.on("new_password", _("新密码不能与原密码相同"))
    _validate(new_password, actor)
    _store_password(actor, new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(actor=actor, action="auth.password_changed", target=Target.of(actor, "user"))
    revoke_user_tokens(actor, _("修改密码后原令牌作废"), actor=actor)


def password_reset(*, actor, user, new_password: str) -> None:
    """A security administrator sets a temporary password; the user must change it at next login.
    Not for oneself, and not for an administrator account: that reset needs a second
    administrator's approval (accounts.reset_approval); the refusal is recorded."""
    if not scope_of(actor).has(Role.SECURITY_ADMIN):
        raise Forbidden(_("只有安全管理员可以重置密码"))
    from ganchao.accounts.reset_approval import refuse_direct_reset

    refuse_direct_reset(actor=actor, user=user)
    _password_reset(actor=actor, user=user, new_password=new_password)


@transaction.atomic
def _password_reset(*, actor, user, new_password: str) -> None:
    _validate(new_password, user)
    _store_password(user, new_password)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(actor=actor, action="auth.password_reset", target=Target.of(user, "user"))
    revoke_user_tokens(user, _("密码被重置后原令牌作废"), actor=actor)


@transaction.atomic
def account_unlock(*, actor, user) -> int:
    """A security administrator lifts a lockout before its 15 minutes are over."""
    from axes.handlers.proxy import AxesProxyHandler

    if not scope_of(actor).has(Role.SECURITY_ADMIN):
        raise Forbidden(_("只有安全管理员可以解除锁定"))
    if actor.pk == user.pk:
        raise Forbidden(_("不能为自己解除锁定，请由另一名安全管理员处理"))
    cleared = AxesProxyHandler.reset_attempts(username=user.username.lower())
    audit_record(
        actor=actor,
        action="auth.unlocked",
        target=Target.of(user, "user"),
        changes={"failed_attempts_cleared": {"before": cleared, "after": 0}},
    )
    return cleared


def account_locked(user) -> bool:
    from axes.models import AccessAttempt
    from django.conf import settings

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=user.username.lower(), attempt_time__gte=since)
    return sum(a.failures_since_start for a in attempts) >= settings.AXES_FAILURE_LIMIT


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# A person or a script needs a handful of tokens; more means keys are being minted and lost.
MAX_ACTIVE_TOKENS = 10


class TokenRefused(GanchaoError):
    """A bearer key that exists but may not be used (expired or revoked)."""

    code = "token_invalid"
    status = 401

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class PasswordChangeRequired(GanchaoError):
    """The account must change its password on the web before it may use the API."""

    code = "password_change_required"
    status = 403


def password_change_required_error() -> PasswordChangeRequired:
    return PasswordChangeRequired(
        _(
            "您的密码须先修改（首次登录、密码被重置或已超过 90 天未修改）。"
            "请先登录网页修改密码，再申请或使用接口令牌。"
        )
    )


def active_tokens(user):
    """The tokens of `user` that still open the API (not revoked, not expired)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(
        expires_at__lte=timezone.now()
    )


def _revoke(tokens, reason: str) -> list[str]:
    rows = list(tokens.values_list("pk", "prefix"))
    if rows:
        ApiToken.objects.filter(pk__in=[pk for pk, _prefix in rows]).update(
            revoked_at=timezone.now(), revoked_reason=reason[:100]
        )
    return [prefix for _pk, prefix in rows]


@transaction.atomic
def token_create(*, actor, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`, expiring after the policy's token days; the plain key is
    returned once and never stored. A token of the same name is replaced, and past
    MAX_ACTIVE_TOKENS the oldest is revoked, so that repeated requests do not pile up keys."""
    if actor is not None and actor.pk != user.pk and not scope_of(actor).has(Role.SECURITY_ADMIN):
        raise Forbidden(_("只能为自己创建接口令牌"))
    if not user.is_active:
        raise ValidationFailed.on("user", _("账号已停用"))
    name = name.strip()[:100]
    replaced = _revoke(active_tokens(user).filter(name=name), _("被同名新令牌替换")) if name else []
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=SecurityPolicy.current().token_days)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=hash_token(key), expires_at=expires_at
    )
    surplus = active_tokens(user).order_by("-created_at", "-pk")[MAX_ACTIVE_TOKENS:]
    capped = _revoke(
        ApiToken.objects.filter(pk__in=list(surplus.values_list("pk", flat=True))),
        _("超过每人 %(n)d 个有效令牌的上限，最早的令牌被吊销") % {"n": MAX_ACTIVE_TOKENS},
    )
    audit_record(
        actor=actor,
        action="auth.token_created",
        target=Target(type="user", id=str(user.pk), name=str(user)),
        changes={
            "token": {"before": None, "after": token.prefix},
            "name": {"before": None, "after": name},
            "expires_at": {"before": None, "after": expires_at},
            **({"replaced": {"before": replaced, "after": None}} if replaced else {}),
            **({"capped": {"before": capped, "after": None}} if capped else {}),
        },
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor, token_id: int) -> ApiToken:
    tokens = ApiToken.objects.select_related("user")
    if not scope_of(actor).has(Role.SECURITY_ADMIN):
        tokens = tokens.filter(user=actor)
    token = tokens.filter(pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(_("接口令牌不存在"))
    token.revoked_at = timezone.now()
    token.revoked_reason = _("本人吊销") if actor.pk == token.user_id else _("安全管理员吊销")
    token.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(
        actor=actor,
        action="auth.token_revoked",
        target=Target(type="user", id=str(token.user_id), name=str(token.user)),
        changes={"token": {"before": token.prefix, "after": None}},
    )
    return token


@transaction.atomic
def revoke_user_tokens(user, reason: str, *, actor=None) -> int:
    """Revoke every token of `user` that still works (password changed or reset, account
    disabled…), recording `reason` on each and one audit event; returns how many."""
    prefixes = _revoke(ApiToken.objects.filter(user=user, revoked_at__isnull=True), reason)
    if prefixes:
        audit_record(
            actor=actor,
            action="auth.tokens_revoked",
            target=Target.of(user, "user"),
            changes={"tokens": {"before": prefixes, "after": []}},
            reason=reason,
        )
    return len(prefixes)


# The token with its user, the user's unit and leader in one query (every API call), compiled
# once per process (common.prepared).
_TOKEN_BY_HASH = Prepared(
    ApiToken,
    lambda key_hash: ApiToken.objects.filter(key_hash=key_hash).select_related(
        "user__unit", "user__leader"
    )[:1],
    key_hash=str,
)


def token_user(key: str):
    """The user a bearer key belongs to, or None for an unknown key. An expired or revoked
    token raises TokenRefused; an account that must change its password raises
    PasswordChangeRequired. Touches last_used_at at most once a minute."""
    found = _TOKEN_BY_HASH.fetch(key_hash=hash_token(key))
    if not found:
        return None
    token = found[0]
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused("token_revoked", _("接口令牌已被吊销，请重新申请令牌"))
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused(
            "token_expired", _("接口令牌已过期，请重新申请令牌（POST /api/v1/auth/token）")
        )
    user = token.user
    if not user.is_active:
        return None
    if needs_password_change(user):
        raise password_change_required_error()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def record_login(user) -> None:
    in_transaction_record(actor=user, action="auth.login", target=Target.of(user, "user"))


def record_logout(user, *, idle: bool = False) -> None:
    in_transaction_record(
        actor=user,
        action="auth.idle_logout" if idle else "auth.logout",
        target=Target.of(user, "user"),
    )


def record_login_failure(username: str, *, locked: bool = False) -> None:
    from ganchao.orgs.models import User

    user = (
        User.objects.select_related("unit").filter(username__iexact=username).first()
        if username
        else None
    )
    target = Target.of(user, "user") if user else None
    in_transaction_record(
        actor=None,
        username=username or "?",
        action="auth.locked_out" if locked else "auth.login_failed",
        target=target,
        success=False,
    )


# Bounds of each SecurityPolicy number: (lowest, highest). Outside them a value is a typo.
POLICY_BOUNDS = {
    "stale_account_days": (30, 3650),
    "token_days": (1, 365),
    "address_failure_limit": (5, 10_000),
    "address_window_minutes": (1, 1440),
    "log_retention_days": (1, 36_500),
}
POLICY_FIELDS = (*POLICY_BOUNDS, "mfa_roles")
# 网络安全法 Art. 21: network logs kept at least six months (LEGAL_RULES C9).
LOG_RETENTION_FLOOR_DAYS = 183


def policy_warnings(policy: SecurityPolicy) -> list[str]:
    """What the security administrator should know about the values in force."""
    warnings = []
    if policy.log_retention_days < LOG_RETENTION_FLOOR_DAYS:
        warnings.append(
            _(
                "日志保留天数设为 %(days)d 天，低于法定最少六个月；"
                "系统仍按六个月保留日志（网络安全法第二十一条）。"
            )
            % {"days": policy.log_retention_days}
        )
    if not policy.mfa_roles:
        warnings.append(_("没有角色须启用双因素认证，不符合等保三级的要求。"))
    return warnings


def _policy_errors(values: dict) -> list[FieldError]:
    labels = {f.name: str(f.verbose_name) for f in SecurityPolicy._meta.fields}
    errors = []
    for name, (low, high) in POLICY_BOUNDS.items():
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors.append(
                FieldError(
                    name,
                    _("“%(label)s”须为 %(low)d 到 %(high)d 之间的整数")
                    % {"label": labels[name], "low": low, "high": high},
                )
            )
    roles = values.get("mfa_roles")
    unknown = (
        [str(r) for r in roles or [] if r not in Role.values] if isinstance(roles, list) else []
    )
    if not isinstance(roles, list) or unknown:
        errors.append(
            FieldError(
                "mfa_roles",
                _("须启用双因素认证的角色无效：%(roles)s") % {"roles": "、".join(unknown) or "—"},
            )
        )
    return errors


@transaction.atomic
def security_policy_update(*, actor, expected_version: int, **values) -> SecurityPolicy:
    """The security administrator changes the security policy (every field at once), with
    the version read before editing; audited with before and after."""
    if not scope_of(actor).has(Role.SECURITY_ADMIN):
        raise Forbidden(_("只有安全管理员可以修改安全策略"))
    policy, _created = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)
    if expected_version != policy.version:
        raise Conflict(_("安全策略已被他人修改，请刷新页面查看最新内容后重试（您的修改未保存）"))
    values = {name: values.get(name) for name in POLICY_FIELDS}
    errors = _policy_errors(values)
    if errors:
        raise ValidationFailed(
            _("安全策略有 %(n)d 处填写有误，未保存：") % {"n": len(errors)}
            + "；".join(e.message for e in errors),
            errors,
        )
    values["mfa_roles"] = sorted(dict.fromkeys(values["mfa_roles"]))
    before = {name: getattr(policy, name) for name in POLICY_FIELDS}
    changes = diff(before, values)
    if not changes:
        return policy
    for name, value in values.items():
        setattr(policy, name, value)
    policy.version += 1
    policy.save()
    audit_record(
        actor=actor,
        action="auth.policy_updated",
        target=Target(type="securitypolicy", id="1", name=str(policy)),
        changes=changes,
    )
    return policy
