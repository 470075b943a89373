"""The canonical form of an audit event and its SHA-256, shared by writer and verifier.

An event's hash must come out the same when the verifier recomputes it from what PostgreSQL
gives back, years later. `jsonb` does not keep JSON text: it keeps numbers as `numeric`, so
`1e16` comes back as `10000000000000000` and a hash over Python's `json.dumps` of the value
written no longer matches. Two things make the form deterministic across that round trip:

- `survivable` rewrites, before anything is hashed or stored, the few values jsonb would change
  or refuse: an integral float becomes the integer jsonb gives back; an integer beyond the
  exact range of JSON numbers (±(2**53 − 1), RFC 8785 and I-JSON) and a non-finite float become
  their decimal text; a NUL character, which jsonb refuses, becomes U+FFFD. Every other value
  survives jsonb as it is.
- the bytes hashed are RFC 8785 (JSON Canonicalization Scheme) of the event's fields, which
  writes a number by its value, not by how it was spelled.

Events written before the JSON Canonicalization Scheme keep `hash_format` 1 and their
original form (Python's sorted `json.dumps`), so chains begun earlier still verify.
"""

import hashlib
import json
import math
from typing import Any

import rfc8785
from django.core.serializers.json import DjangoJSONEncoder

from audit.models import HASH_FORMAT_JCS, HASH_FORMAT_LEGACY, AuditEvent

GENESIS_HASH = "0" * 64
# The largest integer a JSON number holds exactly (RFC 8785 section 3.2.2.3, I-JSON).
JSON_SAFE_INTEGER = 2**53 - 1


def survivable(value: Any) -> Any:
    """`value` (already plain JSON types) with every number as jsonb will give it back."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        if value.is_integer():
            return survivable(int(value))
        return value
    if isinstance(value, int):
        return value if abs(value) <= JSON_SAFE_INTEGER else str(value)
    if isinstance(value, dict):
        return {survivable(key): survivable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [survivable(item) for item in value]
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Exactly what the JSONField gives back for `data`, so what is hashed is what is stored."""
    plain = json.loads(json.dumps(data, cls=DjangoJSONEncoder, allow_nan=True))
    result: dict[str, Any] = survivable(plain)
    return result


def _same_as_sorted_dumps(value: Any) -> bool:
    """Whether RFC 8785's bytes for `value` are exactly those of the standard library's
    `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`: no floats (the
    two write them differently), integers within JSON's exact range, and object keys inside
    the Basic Multilingual Plane (where code-point order is UTF-16 order). Strings escape the
    same way in both (the short escapes, then lowercase \\u00XX for other control characters).
    """
    # A loop over a stack with exact type checks: this runs for every event the verifier
    # reads, and a recursive walk cost more than the encoding it saves.
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if -JSON_SAFE_INTEGER <= item <= JSON_SAFE_INTEGER:
                continue
            return False
        if kind is dict:
            for key in item:
                if type(key) is not str or not (key.isascii() or max(key) <= "\uffff"):
                    return False
            stack.extend(item.values())
            continue
        if kind is list or kind is tuple:
            stack.extend(item)
            continue
        return False  # a float, or something no JSON document holds: the package decides
    return True


def canonical_bytes(fields: dict[str, Any], hash_format: int = HASH_FORMAT_JCS) -> bytes:
    if hash_format == HASH_FORMAT_LEGACY:
        return json.dumps(
            fields, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
    # Most events hold no float: the C encoder writes their RFC 8785 form many times faster
    # than the pure-Python package (docs/performance.md, figure 4); a test holds them equal.
    if _same_as_sorted_dumps(fields):
        return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
            "utf-8"
        )
    return rfc8785.dumps(fields)


def event_fields(event: AuditEvent) -> dict[str, Any]:
    """The hashed content of an event: everything but its own hash and surrogate id."""
    fields = {
        "id": str(event.id),
        "chain": event.chain,
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "organization_id": str(event.organization_id) if event.organization_id else None,
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "action": event.action,
        "project_id": str(event.project_id) if event.project_id else None,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
        "origin": event.origin,
        "request_id": event.request_id,
        "ip_address": event.ip_address,
        "transaction_id": event.transaction_id,
        "prev_hash": event.prev_hash,
    }
    if event.hash_format != HASH_FORMAT_LEGACY:
        # Named in the hashed content, so an export says which form its hash covers.
        fields["hash_format"] = event.hash_format
    return fields


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_bytes(event_fields(event), event.hash_format)).hexdigest()
