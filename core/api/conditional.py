"""Conditional requests (RFC 9110 §13): an `ETag` on every JSON read, `If-None-Match` answered
304, and `If-Match` on PUT, PATCH and DELETE answered 412 when the resource has changed.

The tag is a digest of the representation the client would read — the same JSON the GET
answers — so it changes whenever anything the client sees changes, whichever field it is,
and needs no column of its own. It is weak (`W/"…"`): two equal representations are
interchangeable, byte for byte or not. If-Match is checked against the current representation
just before the write; the write itself is then held by the service's own lock and `version`
check, so two clients racing past the same If-Match still cannot both win.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rest_framework import exceptions, status
from rest_framework.request import Request

WRITE_METHODS = ("PUT", "PATCH", "DELETE")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The resource has changed since you read it (If-Match): read it again, then retry."
    )
    default_code = "precondition_failed"

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current
        self.extra = {"code": "precondition_failed", "current_etag": current}


def etag_of(data: Any) -> str:
    """The weak entity tag of a JSON representation (its canonical digest)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return 'W/"' + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str:
    # Weak comparison (RFC 9110 §8.8.3.2): W/"x" and "x" name the same representation.
    return tag.strip().removeprefix("W/")


def tags_in(header: str) -> list[str]:
    """The entity tags of an If-Match / If-None-Match header (`*` kept as is)."""
    return [_opaque(tag) for tag in header.split(",") if tag.strip()]


def matches(header: str, etag: str) -> bool:
    tags = tags_in(header)
    return "*" in tags or _opaque(etag) in tags


def if_match(request: Request) -> str | None:
    value = request.META.get("HTTP_IF_MATCH")
    return value if value and value.strip() else None


def if_none_match(request: Request) -> str | None:
    value = request.META.get("HTTP_IF_NONE_MATCH")
    return value if value and value.strip() else None
