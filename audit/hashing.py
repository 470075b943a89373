"""The canonical form of an audit event and its SHA-256, shared by writer and verifier."""

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from audit.models import AuditEvent
from core.services import json_normalise

GENESIS_HASH = "0" * 64


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so what we hash is exactly what the JSONField gives back."""
    result: dict[str, Any] = json_normalise(data)
    return result


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        fields, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def event_fields(event: AuditEvent) -> dict[str, Any]:
    """The hashed content of an event: everything but its own hash and surrogate id."""
    return {
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


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_bytes(event_fields(event))).hexdigest()
