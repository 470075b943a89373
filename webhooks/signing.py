"""How a webhook body is signed: the header a receiver checks (docs/webhooks.md).

`Charter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>`,
the body being the exact bytes sent (canonical JSON: sorted keys, no spaces).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any


def canonical_body(document: dict[str, Any]) -> bytes:
    """The JSON bytes that are sent and signed."""
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`."""
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """The `Charter-Signature` header's value."""
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"
