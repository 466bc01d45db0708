"""The address a public request came from, for the per-address comment limits."""

import ipaddress

from django.conf import settings


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """REMOTE_ADDR, or, when settings say n proxies of ours stand in front
    (GANCHAO_TRUSTED_PROXIES), the n-th X-Forwarded-For hop from the right: each proxy appends
    the address it saw, so hops further left are whatever the client chose to send."""
    trusted = getattr(settings, "PORTAL_TRUSTED_PROXIES", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if trusted:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= trusted:
            return _valid(hops[-trusted])
    return _valid(remote)
