"""The client's address: REMOTE_ADDR, or what the trusted proxies in front appended."""

import pytest
from django.test import RequestFactory

from core.clientip import client_address

CASES = [
    # trusted proxies, REMOTE_ADDR, X-Forwarded-For, expected
    (0, "198.51.100.7", None, "198.51.100.7"),
    (0, "198.51.100.7", "203.0.113.9", "198.51.100.7"),  # forged header ignored
    (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
    (1, "10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # client-sent entry on the left
    (2, "10.0.0.3", "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
    (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
    (2, "10.0.0.2", "203.0.113.9", "10.0.0.2"),  # fewer entries than proxies: not trusted
    (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
    (0, "", None, None),
]


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), CASES)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.CHARTER_TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded

    assert client_address(RequestFactory().get("/", **meta)) == expected
