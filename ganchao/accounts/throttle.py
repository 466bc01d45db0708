"""The per-address limit on failed logins (web and token endpoint), over AddressFailure rows.

The lockout of django-axes counts per username; this counts per source address, so that one
machine trying many usernames (120 failures over 30 usernames) is slowed too. Counting in the
database lets every worker process see the same figure.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.accounts.models import AddressFailure, SecurityPolicy
from ganchao.audit.services import Target, audit_record
from ganchao.common.middleware import client_ip


def source_address(request) -> str:
    """The address failures are counted for: REMOTE_ADDR, or the hop our own proxies vouch for
    (GANCHAO_TRUSTED_PROXIES), so a made-up X-Forwarded-For does not escape the limit."""
    return client_ip(request) or "?"


@dataclass(frozen=True)
class Throttle:
    """The address is paused; `retry_after` seconds until the next attempt may count."""

    retry_after: int


def _window(policy: SecurityPolicy) -> timedelta:
    return timedelta(minutes=policy.address_window_minutes)


def address_throttled(address: str) -> Throttle | None:
    """Whether `address` has reached the policy's failure limit within its window."""
    policy = SecurityPolicy.current()
    limit = policy.address_failure_limit
    now = timezone.now()
    recent = AddressFailure.objects.filter(address=address, at__gt=now - _window(policy))
    # The count falls below the limit when the (count - limit + 1)-th oldest failure leaves
    # the window; that moment is Retry-After.
    times = list(recent.order_by("-at").values_list("at", flat=True)[:limit])
    if len(times) < limit:
        return None
    freed_at = times[limit - 1] + _window(policy)
    return Throttle(retry_after=max(1, math.ceil((freed_at - now).total_seconds())))


@transaction.atomic
def address_failure_record(address: str, username: str) -> bool:
    """Count one failed attempt from `address`. The failure that reaches the limit is audited
    (auth.address_throttled, once per window); returns whether the address is now paused."""
    policy = SecurityPolicy.current()
    AddressFailure.objects.create(address=address, username=username[:150])
    since = timezone.now() - _window(policy)
    count = AddressFailure.objects.filter(address=address, at__gt=since).count()
    if count == policy.address_failure_limit:
        audit_record(
            actor=None,
            username=username or "?",
            action="auth.address_throttled",
            target=Target(type="address", id=address, name=address),
            changes={
                "failures": {"before": count - 1, "after": count},
                "window_minutes": {"before": None, "after": policy.address_window_minutes},
            },
            reason=_("同一地址 %(minutes)d 分钟内登录失败 %(count)d 次，暂停该地址的登录")
            % {"minutes": policy.address_window_minutes, "count": count},
            success=False,
        )
    return count >= policy.address_failure_limit


def throttled_message(throttle: Throttle) -> str:
    minutes = max(1, math.ceil(throttle.retry_after / 60))
    return _(
        "您所在的网络地址登录失败次数过多，已暂停登录，请约 %(minutes)d 分钟后再试。"
        "如有疑问请联系安全管理员。"
    ) % {"minutes": minutes}


@transaction.atomic
def address_failures_sweep(at: datetime) -> int:
    """Delete failures older than the policy's window (they no longer count) and a day's
    margin; returns how many."""
    policy = SecurityPolicy.current()
    cutoff = at - max(_window(policy), timedelta(days=1))
    deleted, _details = AddressFailure.objects.filter(at__lt=cutoff).delete()
    return deleted


def address_failures_scan(at: datetime) -> str:
    """The tick scan: sweep old per-address failure rows."""
    return _("已清理过期的地址登录失败记录 %(n)d 条") % {"n": address_failures_sweep(at)}
