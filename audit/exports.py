"""Audit trail exports an outside auditor can check without Charter.

An export is JSON Lines: one line per event — exactly the fields its hash covers, plus the
hash and the line's row number in the export — in sequence order, then a last line
`{"manifest": …}`: what was exported (the filter), how many rows, the first and last event
with the chain hashes at both ends, a SHA-256 over the rows' hashes in order, whether the
rows are a contiguous stretch of the chain, the chain's latest signed checkpoint, and an
Ed25519 signature over all of it with the server's key.

The same rows and manifest also come as CSV (`csv_lines`): one row per event with its readable
columns and, in the `canonical` column, exactly the hashed fields as canonical JSON, then a last
row `#charter-audit-manifest,{…}`. Cells go through the product's one CSV writer
(core/csvfiles.py), which neutralises anything a spreadsheet would run as a formula.

`audit/offline/verify_export.py` checks either file with the Python standard library alone
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
from core.csvfiles import csv_text

EXPORT_FORMAT = "charter-audit-export:v1"
CSV_MANIFEST_MARK = "#charter-audit-manifest"
# The readable columns of a CSV export (each equal to the hashed field of the same name), then
# the event's hash, its row number in the export, and its hashed fields as canonical JSON.
CSV_READABLE = (
    "sequence",
    "occurred_at",
    "action",
    "actor_id",
    "project_id",
    "target_type",
    "target_id",
    "origin",
    "id",
    "prev_hash",
)
CSV_COLUMNS = (*CSV_READABLE, "hash", "export_row", "canonical")
CSV_CHUNK = 500  # rows per call of the CSV writer: few calls, bounded memory


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
        rows_format: str = "jsonl",
    ) -> None:
        self.rows_format = rows_format
        self.chain = chain
        self.filters = filters
        self.checkpoint = checkpoint
        self.contiguous = contiguous
        self.generated_at = (now or timezone.now()).isoformat()
        self.rows = 0
        self.digest = hashlib.sha256()
        self.first: dict[str, Any] | None = None
        self.last: dict[str, Any] | None = None

    def events(self, events: Iterable[AuditEvent]) -> Iterator[tuple[AuditEvent, dict[str, Any]]]:
        """Each event with its hashed fields, counted into the manifest as it passes."""
        for event in events:
            # The row carries exactly the hashed fields (audit/hashing.py), so the verifier
            # recomputes the same canonical bytes (a test holds the two forms equal).
            fields = event_fields(event)
            self.rows += 1
            self.digest.update(event.hash.encode() + b"\n")
            position = {"id": str(event.id), "sequence": event.sequence}
            if self.first is None:
                self.first = position | {"prev_hash": event.prev_hash}
            self.last = position | {"hash": event.hash}
            yield event, fields

    def lines(self, events: Iterable[AuditEvent]) -> Iterator[str]:
        """JSON Lines: one event a line, then the manifest."""
        for event, fields in self.events(events):
            # `export_row` (not hashed) numbers the rows: in a filtered export, whose events
            # do not link up, a row removed is still named by the gap it leaves.
            yield canonical(fields | {"hash": event.hash, "export_row": self.rows}) + "\n"
        yield canonical({"manifest": self.manifest()}) + "\n"

    def csv_lines(self, events: Iterable[AuditEvent]) -> Iterator[str]:
        """CSV: a header, one event a row, then the manifest row; chunks of rows at a time."""
        chunk: list[list[Any]] = [list(CSV_COLUMNS)]
        for event, fields in self.events(events):
            chunk.append(csv_row(fields, event.hash, self.rows))
            if len(chunk) >= CSV_CHUNK:
                yield csv_text(chunk)
                chunk = []
        chunk.append([CSV_MANIFEST_MARK, canonical(self.manifest())])
        yield csv_text(chunk)

    def manifest(self) -> dict[str, Any]:
        manifest: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "rows_format": self.rows_format,
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


def csv_cell(value: Any) -> str:
    """A hashed field as its CSV column shows it (the verifier compares the two)."""
    if value is None:
        return ""
    return str(value)


def csv_row(fields: dict[str, Any], event_hash: str, export_row: int) -> list[Any]:
    readable = [csv_cell(fields[name]) for name in CSV_READABLE]
    return [*readable, event_hash, export_row, canonical(fields)]
