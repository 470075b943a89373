"""Which webhook URLs Charter calls: https to a public address, or with
CHARTER_WEBHOOKS_ALLOW_LOCAL (development, tests) also http and loopback or private addresses.

Checked when an endpoint is saved (the URL's form and a literal address) and again before each
delivery on every address the host resolves to, so a name that later points inside the
network (DNS rebinding) is refused then too.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

SCHEME = "Use an https:// URL."
LOCAL = "The URL points at a loopback, private or reserved address, which webhooks never call."
UNRESOLVED = "The URL's host does not resolve."


class AddressRefusedError(Exception):
    """The URL may not be called (its message says why)."""


def _allow_local() -> bool:
    return bool(settings.CHARTER_WEBHOOKS_ALLOW_LOCAL)


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def check_url_form(url: str) -> None:
    """Raise AddressRefusedError unless the URL's scheme and literal host may be used."""
    parts = urlsplit(url)
    allowed = {"https", "http"} if _allow_local() else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise AddressRefusedError(SCHEME)
    if _allow_local():
        return
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        raise AddressRefusedError(LOCAL)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return  # a name: its addresses are checked when it is called
    if not _is_public(host):
        raise AddressRefusedError(LOCAL)


def check_url_resolves_public(url: str) -> None:
    """Raise AddressRefusedError if the URL's host resolves to an address webhooks never call."""
    check_url_form(url)
    if _allow_local():
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as unresolved:
        raise AddressRefusedError(UNRESOLVED) from unresolved
    if not all(_is_public(str(info[4][0])) for info in infos):
        raise AddressRefusedError(LOCAL)
