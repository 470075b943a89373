"""`Idempotency-Key` on POST: the same key with the same body answers the first response
again; the same key with another body is a 422; a key whose first request is still running
is a 409 (retry in a moment).

A client that timed out cannot tell whether its create happened. Sending the request again
with the key it chose (a UUID, say) is then safe: the first answer is stored once the request
completed and is replayed, marked `Idempotent-Replayed: true`, for 24 hours. Keys belong to
the credential's user, so two clients choosing the same key do not meet. Answers that say
"try again" — a 409 conflict, a 412, a 429, any 5xx — are not stored: the retry runs afresh.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.idempotency import (
    idempotency_key_claim,
    idempotency_key_complete,
    idempotency_key_release,
)
from core.models import IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_FORMAT = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as a header value can carry
RETRYABLE = {409, 412, 429}
BAD_KEY = "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is ideal)."
NOT_JSON = "Idempotency-Key applies to JSON bodies; send this upload without it."


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was used for another request (another path or body): choose a "
        "new key for a new request."
    )
    default_code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__()
        self.extra = {"code": "idempotency_key_reused"}


class KeyInFlight(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = (
        "The first request with this Idempotency-Key is still running: retry in a moment."
    )
    default_code = "idempotency_key_in_flight"

    def __init__(self) -> None:
        super().__init__()
        self.extra = {"code": "idempotency_key_in_flight"}


class Replay(Exception):  # noqa: N818 (not an error: the stored answer, raised to the handler)
    def __init__(self, response: Response) -> None:
        super().__init__("replay")
        self.response = response


def requested_key(request: Request) -> str | None:
    """The request's Idempotency-Key, or None; a malformed one is a 400."""
    value = request.META.get(HEADER)
    if value is None:
        return None
    if not KEY_FORMAT.fullmatch(value):
        raise exceptions.ValidationError({"Idempotency-Key": [BAD_KEY]})
    return value


def _fingerprint(request: Request) -> str:
    # An upload's body is a file the fingerprint cannot see into: such requests do without.
    if request.FILES:
        raise exceptions.ValidationError({"Idempotency-Key": [NOT_JSON]})
    body: Any = request.data
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, canonical):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _replayed(record: IdempotentRequest) -> Response:
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    if record.location:
        response["Location"] = record.location
    return response


def begin(request: Request, key: str) -> IdempotentRequest:
    """Claim `key` for this request, or raise: Replay (the stored answer), KeyReused or
    KeyInFlight (core/idempotency.py holds the claim)."""
    claim = idempotency_key_claim(
        owner=str(request.user.pk),
        key=key,
        method=request.method or "",
        path=request.path,
        fingerprint=_fingerprint(request),
    )
    if claim.outcome == "reused":
        raise KeyReused()
    if claim.outcome == "in_flight" or claim.record is None:
        raise KeyInFlight()
    if claim.outcome == "replay":
        raise Replay(_replayed(claim.record))
    return claim.record


def finish(record: IdempotentRequest, response: Any) -> None:
    """Store the answer for replays, or release the key when the answer says "retry"."""
    code = getattr(response, "status_code", 500)
    data = getattr(response, "data", None)
    if code >= 500 or code in RETRYABLE or not isinstance(data, dict | list | None):
        idempotency_key_release(record)
        return
    location = response.get("Location", "") if hasattr(response, "get") else ""
    idempotency_key_complete(
        record,
        status_code=code,
        body=json.loads(json.dumps(data, default=str)),
        location=str(location),
    )
