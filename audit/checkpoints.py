"""Signed checkpoints of every chain's head, kept in the database and in a file outside it.

A checkpoint says "chain C had N events, the last with hash H, at time T", signed with the
server's Ed25519 key (audit/signing.py). Verification then holds each chain to its latest
checkpoint: a chain that is shorter (its tail deleted, or emptied), or whose event N has
another hash (the chain recomputed from an edited row on), is reported — which a walk of the
chain alone cannot see. The file copy (one JSON line per checkpoint) is what survives an
attacker who controls the database; an auditor may keep any of them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from audit import signing
from audit.models import AuditCheckpoint, AuditEvent

MESSAGE_VERSION = "charter-audit-checkpoint:v1"


def message(*, chain: str, sequence: int, head_hash: str, taken_at: datetime) -> bytes:
    """The exact bytes that are signed: versioned, one field after another."""
    return f"{MESSAGE_VERSION}:{chain}:{sequence}:{head_hash}:{taken_at.isoformat()}".encode()


def as_json(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    return {
        "chain": checkpoint.chain,
        "sequence": checkpoint.sequence,
        "head_hash": checkpoint.head_hash,
        "taken_at": checkpoint.taken_at.isoformat(),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
        "message_version": MESSAGE_VERSION,
    }


def checkpoint_file() -> Path:
    folder = Path(getattr(settings, "CHARTER_AUDIT_CHECKPOINT_DIR", settings.DATA_DIR))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "audit-checkpoints.jsonl"


def signature_ok(checkpoint: AuditCheckpoint) -> bool:
    signed = message(
        chain=checkpoint.chain,
        sequence=checkpoint.sequence,
        head_hash=checkpoint.head_hash,
        taken_at=checkpoint.taken_at,
    )
    return checkpoint.key_id == signing.key_id() and signing.verify(signed, checkpoint.signature)


def checkpoints_write(*, now: datetime | None = None) -> list[AuditCheckpoint]:
    """Sign the head of every chain that grew since its last checkpoint; returns the new ones.
    Run by beat hourly; running it again with nothing new writes nothing."""
    taken_at = (now or timezone.now()).replace(microsecond=0)
    heads = AuditEvent.objects.values("chain").annotate(sequence=Max("sequence")).order_by()
    latest = dict(
        AuditCheckpoint.objects.values("chain")
        .annotate(sequence=Max("sequence"))
        .order_by()
        .values_list("chain", "sequence")
    )
    grown = {
        row["chain"]: row["sequence"]
        for row in heads
        if latest.get(row["chain"]) != row["sequence"]
    }
    if not grown:
        return []
    written = []
    with transaction.atomic():
        for chain, sequence in sorted(grown.items()):
            head = AuditEvent.objects.only("hash").get(chain=chain, sequence=sequence)
            checkpoint = AuditCheckpoint(
                chain=chain,
                sequence=sequence,
                head_hash=head.hash,
                taken_at=taken_at,
                key_id=signing.key_id(),
                signature=signing.sign(
                    message(chain=chain, sequence=sequence, head_hash=head.hash, taken_at=taken_at)
                ),
            )
            checkpoint.save()
            written.append(checkpoint)
    with checkpoint_file().open("a", encoding="utf-8") as out:
        for checkpoint in written:
            out.write(json.dumps(as_json(checkpoint), sort_keys=True) + "\n")
    return written


def latest_checkpoints(
    checkpoints: QuerySet[AuditCheckpoint] | None = None,
) -> dict[str, AuditCheckpoint]:
    """Each chain's newest checkpoint, of all or of `checkpoints` (two queries, on PostgreSQL
    and SQLite alike)."""
    rows = AuditCheckpoint.objects.all() if checkpoints is None else checkpoints
    newest = rows.values("chain").annotate(last=Max("sequence")).order_by()
    pairs = Q(pk__in=[])
    for row in newest:
        pairs |= Q(chain=row["chain"], sequence=row["last"])
    return {checkpoint.chain: checkpoint for checkpoint in rows.filter(pairs)}


def file_checkpoints() -> dict[str, AuditCheckpoint]:
    """Each chain's newest checkpoint in the file copy whose signature verifies (unsaved
    instances), read line by line. This copy is what survives someone who deletes
    checkpoint rows along with the events they vouch for; a line that does not parse or
    verify proves nothing and is passed over."""
    folder = Path(getattr(settings, "CHARTER_AUDIT_CHECKPOINT_DIR", settings.DATA_DIR))
    path = folder / "audit-checkpoints.jsonl"  # as checkpoint_file(), without creating it
    if not path.exists():
        return {}
    newest: dict[str, AuditCheckpoint] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                row = json.loads(line)
                checkpoint = AuditCheckpoint(
                    chain=str(row["chain"]),
                    sequence=int(row["sequence"]),
                    head_hash=str(row["head_hash"]),
                    taken_at=datetime.fromisoformat(row["taken_at"]),
                    key_id=str(row["key_id"]),
                    signature=str(row["signature"]),
                )
            except (ValueError, KeyError, TypeError):
                continue
            known = newest.get(checkpoint.chain)
            if known is not None and known.sequence >= checkpoint.sequence:
                continue
            if signature_ok(checkpoint):
                newest[checkpoint.chain] = checkpoint
    return newest


def held_checkpoints() -> dict[str, AuditCheckpoint]:
    """What each chain is held to: its newest checkpoint in the database or in the file,
    whichever signed the longer chain."""
    held = latest_checkpoints()
    for chain, checkpoint in file_checkpoints().items():
        if chain not in held or held[chain].sequence < checkpoint.sequence:
            held[chain] = checkpoint
    return held


def public_key_document() -> dict[str, str]:
    """What an auditor needs to verify checkpoints and export manifests."""
    return {
        "algorithm": "Ed25519",
        "key_id": signing.key_id(),
        "public_key": signing.public_key_bytes().hex(),
        "public_key_pem": signing.public_key_pem(),
        "checkpoint_message": f"{MESSAGE_VERSION}:<chain>:<sequence>:<head_hash>:<taken_at>",
    }
