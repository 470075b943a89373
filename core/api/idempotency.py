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
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.models import IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEEP_FOR = timedelta(hours=24)
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
    KeyInFlight. The claim commits at once (its own transaction), so a concurrent duplicate
    sees it while this request still runs."""
    owner = str(request.user.pk)
    fingerprint = _fingerprint(request)
    now = timezone.now()
    with transaction.atomic():
        # Keys live 24 hours: an expired one is forgotten, whoever it was.
        IdempotentRequest.objects.filter(created_at__lt=now - KEEP_FOR).delete()
        existing = (
            IdempotentRequest.objects.select_for_update().filter(owner=owner, key=key).first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    return IdempotentRequest.objects.create(
                        owner=owner,
                        key=key,
                        method=request.method or "",
                        path=request.path[:2000],
                        fingerprint=fingerprint,
                    )
            except IntegrityError:
                raise KeyInFlight() from None  # a twin claimed it between our read and insert
    if existing.fingerprint != fingerprint:
        raise KeyReused()
    if existing.completed_at is None:
        raise KeyInFlight()
    raise Replay(_replayed(existing))


def finish(record: IdempotentRequest, response: Any) -> None:
    """Store the answer for replays, or release the key when the answer says "retry"."""
    code = getattr(response, "status_code", 500)
    data = getattr(response, "data", None)
    storable = code < 500 and code not in RETRYABLE and isinstance(data, dict | list | None)
    if not storable:
        IdempotentRequest.objects.filter(pk=record.pk, completed_at__isnull=True).delete()
        return
    IdempotentRequest.objects.filter(pk=record.pk).update(
        status_code=code,
        response_body=json.loads(json.dumps(data, default=str)),
        location=str(response.get("Location", "") if hasattr(response, "get") else "")[:2000],
        completed_at=timezone.now(),
    )
