"""Writes on accounts: password changes and resets, API tokens, and the login audit events."""

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.accounts.models import ApiToken, PasswordHistory
from ganchao.audit.services import Target, audit_record, in_transaction_record
from ganchao.common.errors import Forbidden, NotFound, ValidationFailed
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


@transaction.atomic
def account_unlock(*, actor, user) -> int:
    """A security administrator lifts a lockout before its 15 minutes are over."""
    from axes.handlers.proxy import AxesProxyHandler

    if not scope_of(actor).has(Role.SECURITY_ADMIN):
        raise Forbidden(_("只有安全管理员可以解除锁定"))
    if actor.pk == user.pk:
        raise Forbidden(_("不能为自己解除锁定，请由另一名安全管理员处理"))
    cleared = AxesProxyHandler.reset_attempts(username=user.username)
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
    attempts = AccessAttempt.objects.filter(username=user.username, attempt_time__gte=since)
    return sum(a.failures_since_start for a in attempts) >= settings.AXES_FAILURE_LIMIT


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; the plain key is returned once and never stored."""
    if actor is not None and actor.pk != user.pk and not scope_of(actor).has(Role.SECURITY_ADMIN):
        raise Forbidden(_("只能为自己创建接口令牌"))
    if not user.is_active:
        raise ValidationFailed.on("user", _("账号已停用"))
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=key[:10], key_hash=hash_token(key)
    )
    audit_record(
        actor=actor,
        action="auth.token_created",
        target=Target(type="user", id=str(user.pk), name=str(user)),
        changes={"token": {"before": None, "after": token.prefix}},
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
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="auth.token_revoked",
        target=Target(type="user", id=str(token.user_id), name=str(token.user)),
        changes={"token": {"before": token.prefix, "after": None}},
    )
    return token


def token_user(key: str):
    """The active user a bearer key belongs to, or None. Touches last_used_at at most once a minute."""
    from ganchao.orgs.models import User

    token = (
        ApiToken.objects.filter(key_hash=hash_token(key), revoked_at__isnull=True)
        .only("pk", "user_id", "last_used_at")
        .first()
    )
    if token is None:
        return None
    user = (
        User.objects.select_related("unit", "leader")
        .filter(pk=token.user_id, is_active=True)
        .first()
    )
    now = timezone.now()
    if user is not None and (
        token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60
    ):
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
        User.objects.select_related("unit").filter(username=username).first() if username else None
    )
    target = Target.of(user, "user") if user else None
    in_transaction_record(
        actor=None,
        username=username or "?",
        action="auth.locked_out" if locked else "auth.login_failed",
        target=target,
        success=False,
    )
