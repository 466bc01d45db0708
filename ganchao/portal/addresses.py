"""The address a public request came from, for the per-address comment limits."""

import ipaddress

from ganchao.common.middleware import forwarded_address


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The source address (REMOTE_ADDR, or the hop our own proxies vouch for), if valid."""
    return _valid(forwarded_address(request))
