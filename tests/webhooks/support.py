"""How a receiver checks a Charter webhook (the snippet of docs/webhooks.md), and helpers."""

import hashlib
import hmac
import time

from django.db import transaction

from webhooks.services import webhook_endpoint_create

TOLERANCE_SECONDS = 300


def verify(*, secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True if the request was signed with `secret` within the last five minutes."""
    fields = dict(part.split("=", 1) for part in headers["Charter-Signature"].split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def endpoint_for(admin, org, url, events=("incident.opened",)):
    with transaction.atomic():
        return webhook_endpoint_create(actor=admin, organization=org, url=url, events=list(events))
