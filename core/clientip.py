"""The client's address, as the trusted proxies in front of Charter saw it.

Behind a reverse proxy every request comes from the proxy's address, so limits keyed on
REMOTE_ADDR would put every client in one budget. X-Forwarded-For is written by each proxy on
the way, but its leftmost entries are whatever the client sent: only the entries added by the
proxies we run can be trusted. `CHARTER_TRUSTED_PROXIES` says how many there are (0: none, the
address is REMOTE_ADDR and the header is ignored).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: the entry the outermost trusted proxy added to
    X-Forwarded-For, else REMOTE_ADDR; None if neither is an IP address."""
    trusted = settings.CHARTER_TRUSTED_PROXIES
    if trusted > 0:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= trusted:
            candidate = forwarded[-trusted]
            if _is_ip(candidate):
                return candidate
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
