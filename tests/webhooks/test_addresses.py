"""Which URLs webhooks call: https to public addresses; local ones only when allowed."""

import socket

import pytest

from webhooks.addresses import (
    LOCAL,
    SCHEME,
    AddressRefusedError,
    check_url_form,
    check_url_resolves_public,
)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://grc.example.com/", SCHEME),
        ("ftp://grc.example.com/", SCHEME),
        ("javascript:alert(1)", SCHEME),
        ("https://127.0.0.1/", LOCAL),
        ("https://10.1.2.3/", LOCAL),
        ("https://192.168.0.9:8443/", LOCAL),
        ("https://169.254.169.254/latest/meta-data/", LOCAL),
        ("https://[::1]/", LOCAL),
        ("https://localhost/", LOCAL),
        ("https://api.localhost/", LOCAL),
    ],
)
def test_refused_urls(settings, url, reason):
    settings.CHARTER_WEBHOOKS_ALLOW_LOCAL = False
    with pytest.raises(AddressRefusedError, match=reason):
        check_url_form(url)


def test_a_public_https_url_passes(settings):
    settings.CHARTER_WEBHOOKS_ALLOW_LOCAL = False
    check_url_form("https://8.8.8.8/hook")
    check_url_form("https://grc.example.com/hook")


def test_a_name_resolving_inside_the_network_is_refused_at_send(settings, monkeypatch):
    settings.CHARTER_WEBHOOKS_ALLOW_LOCAL = False
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)

    with pytest.raises(AddressRefusedError, match=LOCAL):
        check_url_resolves_public("https://grc.example.com/hook")


def test_local_urls_pass_when_allowed(settings):
    settings.CHARTER_WEBHOOKS_ALLOW_LOCAL = True
    check_url_form("http://127.0.0.1:8080/hook")
    check_url_resolves_public("http://localhost:8080/hook")
    with pytest.raises(AddressRefusedError, match=SCHEME):
        check_url_form("ftp://127.0.0.1/")
