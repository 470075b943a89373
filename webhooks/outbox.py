"""Delivering a webhook event: the outbox handler of kind `webhooks.delivery` (registered in
`ready`).

The payload names the endpoint and holds the event's document, never the secret: the send
step reads the secret from the endpoint's row, signs the exact bytes it posts with the time
of this attempt, and posts with a bounded timeout (CHARTER_WEBHOOK_TIMEOUT_SECONDS to
connect, and again to read). Each attempt is logged in its own short transaction, with no lock
held during the request. Anything but a 2xx answer — an error status, a redirect, a timeout,
a refused connection — raises `WebhookFailedError`, which the outbox retries with its exponential
backoff until it is dead. An endpoint deactivated or deleted before the send is sent nothing.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from outbox.models import OutboxMessage
from outbox.registry import Handler, Superseded, register
from webhooks.addresses import AddressRefusedError, check_url_resolves_public
from webhooks.models import WebhookEndpoint
from webhooks.services import OUTBOX_KIND, webhook_attempt_record
from webhooks.signing import canonical_body, signature_header

USER_AGENT = "Charter-Webhooks/1"


class WebhookFailedError(Exception):
    """The endpoint did not take the event (retried)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: never followed (it could point anywhere)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the status code; HTTPError for non-2xx, OSError for no answer."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (scheme checked)
    timeout = float(settings.CHARTER_WEBHOOK_TIMEOUT_SECONDS)
    with _opener.open(request, timeout=timeout) as response:
        response.read(64 * 1024)  # the answer is not kept; reading bounds what we wait for
        status: int = response.status
        return status


def send_webhook(message: OutboxMessage) -> None:
    """Sign and post the event to its endpoint; log the attempt; raise unless it took it."""
    endpoint = (
        WebhookEndpoint.objects.filter(pk=message.payload["endpoint_id"], is_active=True)
        .only("pk", "url", "secret")
        .first()
    )
    if endpoint is None:
        raise Superseded
    document: dict[str, Any] = message.payload["document"]
    body = canonical_body(document)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Charter-Event": document["event"],
        "Charter-Delivery": document["id"],
        "Charter-Timestamp": str(timestamp),
        "Charter-Signature": signature_header(
            secret=endpoint.secret, timestamp=timestamp, body=body
        ),
    }
    status_code: int | None = None
    error = ""
    started = time.monotonic()
    try:
        check_url_resolves_public(endpoint.url)
        status_code = _post(endpoint.url, body, headers)
    except AddressRefusedError as refused:
        error = f"Refused: {refused}"
    except urllib.error.HTTPError as answered:
        status_code, error = answered.code, f"HTTP {answered.code}"
    except (OSError, ValueError) as failed:  # timeout, refused connection, TLS, bad URL
        reason = getattr(failed, "reason", failed)
        error = f"{reason.__class__.__name__}: {reason}"
    duration_ms = round((time.monotonic() - started) * 1000)
    webhook_attempt_record(
        endpoint_id=endpoint.pk,
        document=document,
        attempt=message.attempts,
        status_code=status_code,
        error=error,
        duration_ms=duration_ms,
    )
    if error:
        raise WebhookFailedError(error)


def webhook_delivered(message: OutboxMessage) -> None:
    """Nothing more to note: the attempt's log row says it was delivered."""


def register_handlers() -> None:
    register(
        OUTBOX_KIND,
        Handler(send=send_webhook, delivered=webhook_delivered, transient=(WebhookFailedError,)),
    )
