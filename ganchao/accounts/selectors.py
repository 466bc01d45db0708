"""Reads on accounts: one's own API tokens with their state."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganchao.accounts.models import ApiToken

TOKEN_STATES = {
    "active": _("有效"),
    "expired": _("已过期"),
    "revoked": _("已吊销"),
}
# Revoked and expired tokens stay listed for a while so their owner sees what happened.
TOKEN_LIST_LIMIT = 50


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str
    state: str

    @property
    def state_label(self) -> str:
        return str(TOKEN_STATES[self.state])

    @property
    def active(self) -> bool:
        return self.state == "active"


def token_state(token: ApiToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def tokens_of(user) -> list[TokenRow]:
    """The user's own tokens, newest first (active ones before the rest)."""
    now = timezone.now()
    rows = [
        TokenRow(
            id=t.pk,
            name=t.name,
            prefix=t.prefix,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
            revoked_reason=t.revoked_reason,
            state=token_state(t, now),
        )
        for t in ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")[
            :TOKEN_LIST_LIMIT
        ]
    ]
    return sorted(rows, key=lambda row: not row.active)
