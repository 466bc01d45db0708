"""Stale accounts (LEGAL_RULES C5: "delete or disable redundant and expired accounts"): the tick
disables every active account that has not signed in for SecurityPolicy.stale_account_days
(counted from the last login, or from the day the account was made when it never signed in).

The last active system administrator and the last active security administrator are spared, so
that somebody can still manage accounts and grant roles. Each disabled account is its own
audited event ("auth.stale_disabled", by the system); an account already disabled is left alone,
so running the scan twice changes nothing.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.accounts.models import SecurityPolicy
from ganchao.audit.registry import register
from ganchao.audit.services import Target, audit_record
from ganchao.orgs.choices import Role
from ganchao.orgs.models import RoleGrant, User

STALE_ORDER = 50  # before the status scan (100) and the audit checkpoint (1000)
STALE_DISABLED = register("auth.stale_disabled", gettext_lazy("长期未登录账号自动停用"))
KEPT_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def stale_accounts(at: datetime, days: int) -> list[User]:
    """Active accounts with no sign-in for `days` days as of `at`, minus the spared ones."""
    cutoff = at - timedelta(days=days)
    stale = list(
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("pk")
    )
    spared = _spared(stale)
    return [user for user in stale if user.pk not in spared]


def _spared(stale: list[User]) -> set[int]:
    """For each kept role whose every active holder is stale, the holder who signed in last."""
    stale_ids = {user.pk for user in stale}
    by_id = {user.pk: user for user in stale}
    spared: set[int] = set()
    for role in KEPT_ROLES:
        holders = set(
            RoleGrant.objects.filter(role=role, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        if holders and holders <= stale_ids:
            latest = max(
                (by_id[pk] for pk in holders),
                key=lambda user: (user.last_login or user.date_joined, user.pk),
            )
            spared.add(latest.pk)
    return spared


def stale_account_disable(*, user: User, at: datetime, days: int) -> bool:
    """Disable one stale account and record why; False when it was already disabled."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            return False
        locked.is_active = False
        locked.version += 1
        locked.save(update_fields=["is_active", "version"])
        since = locked.last_login or locked.date_joined
        audit_record(
            actor=None,
            action=STALE_DISABLED,
            target=Target.of(locked, "user"),
            changes={
                "is_active": {"before": True, "after": False},
                "last_login": {"before": locked.last_login, "after": locked.last_login},
            },
            reason=_("已超过 %(days)d 天未登录（自 %(since)s 起）")
            % {"days": days, "since": since.date().isoformat()},
        )
    return True


def stale_accounts_scan(at: datetime) -> str:
    """The tick's scan: disable the stale accounts as of `at`."""
    days = SecurityPolicy.current().stale_account_days
    disabled = [
        user.username
        for user in stale_accounts(at, days)
        if stale_account_disable(user=user, at=at, days=days)
    ]
    if not disabled:
        return _("没有超过 %(days)d 天未登录的账号") % {"days": days}
    return _("停用 %(n)d 个超过 %(days)d 天未登录的账号：%(names)s") % {
        "n": len(disabled),
        "days": days,
        "names": "、".join(disabled[:20]) + ("…" if len(disabled) > 20 else ""),
    }
