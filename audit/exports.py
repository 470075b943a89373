"""Audit trail exports an outside auditor can check without Charter.

An export is JSON Lines: one line per event — exactly the fields its hash covers, plus the
hash — in sequence order, then a last line `{"manifest": …}`: what was exported (the filter),
how many rows, the first and last event with the chain hashes at both ends, a SHA-256 over the
rows' hashes in order, whether the rows are a contiguous stretch of the chain, the chain's
latest signed checkpoint, and an Ed25519 signature over all of it with the server's key.

`audit/offline/verify_export.py` checks such a file with the Python standard library alone
(and the signature when the `cryptography` package is at hand).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.utils import timezone

from audit import signing
from audit.checkpoints import as_json
from audit.hashing import event_fields
from audit.models import AuditCheckpoint, AuditEvent

EXPORT_FORMAT = "charter-audit-export:v1"


def canonical(value: dict[str, Any]) -> str:
    """The one way a line or the manifest is written (and signed): sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def manifest_signature(manifest: dict[str, Any]) -> str:
    unsigned = {key: value for key, value in manifest.items() if key != "signature"}
    return signing.sign(canonical(unsigned).encode())


class ExportWriter:
    """Write the lines of one export as the events stream through (memory stays flat)."""

    def __init__(
        self,
        *,
        chain: str,
        filters: dict[str, Any],
        checkpoint: AuditCheckpoint | None,
        contiguous: bool,
        now: datetime | None = None,
    ) -> None:
        self.chain = chain
        self.filters = filters
        self.checkpoint = checkpoint
        self.contiguous = contiguous
        self.generated_at = (now or timezone.now()).isoformat()
        self.rows = 0
        self.digest = hashlib.sha256()
        self.first: dict[str, Any] | None = None
        self.last: dict[str, Any] | None = None

    def lines(self, events: Iterable[AuditEvent]) -> Iterator[str]:
        for event in events:
            # The line carries exactly the hashed fields (audit/hashing.py), so the verifier
            # recomputes the same canonical bytes (a test holds the two forms equal).
            fields = event_fields(event)
            self.rows += 1
            self.digest.update(event.hash.encode() + b"\n")
            position = {"id": str(event.id), "sequence": event.sequence}
            if self.first is None:
                self.first = position | {"prev_hash": event.prev_hash}
            self.last = position | {"hash": event.hash}
            yield canonical(fields | {"hash": event.hash}) + "\n"
        yield canonical({"manifest": self.manifest()}) + "\n"

    def manifest(self) -> dict[str, Any]:
        manifest: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "chain": self.chain,
            "filters": self.filters,
            "generated_at": self.generated_at,
            "rows": self.rows,
            "first": self.first,
            "last": self.last,
            "rows_sha256": self.digest.hexdigest(),
            "contiguous": self.contiguous,
            "checkpoint": None if self.checkpoint is None else as_json(self.checkpoint),
            "key_id": signing.key_id(),
            "public_key": signing.public_key_bytes().hex(),
        }
        manifest["signature"] = manifest_signature(manifest)
        return manifest
