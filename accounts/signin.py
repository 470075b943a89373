"""Sign-in throttling glue for django-axes: which account an attempt is for, and the audit
event when a client is locked out."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def attempted_email(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The address an attempt signs in as, normalised as the sign-in form does, so that
    "Ada@X.org" and "ada@x.org " count as the same account's failures."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def on_locked_out(sender: Any, request: HttpRequest, username: str, **_: Any) -> None:
    """django-axes' lockout signal → the service that records it (once per lockout)."""
    from accounts.services import user_sign_in_locked_out

    user_sign_in_locked_out(
        email=username, client_address=getattr(request, "axes_ip_address", None)
    )
