"""The Idempotency-Key cache's state changes: claim a key, store its answer, release it.

The HTTP side (reading the header, fingerprinting the body, replaying an answer) is
core/api/idempotency.py; the rows change only here, each in a short transaction of its own,
so a concurrent duplicate sees a claim while the first request still runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import IdempotentRequest

KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class Claim:
    """What claiming a key found: `claimed` (this request runs, `record` is its row),
    `replay` (`record` holds the first answer), `reused` (another request's key) or
    `in_flight` (the first request has not answered yet)."""

    outcome: Literal["claimed", "replay", "reused", "in_flight"]
    record: IdempotentRequest | None = None


@transaction.atomic
def idempotency_key_claim(
    *, owner: str, key: str, method: str, path: str, fingerprint: str
) -> Claim:
    # Keys live 24 hours: an expired one is forgotten, whoever it was.
    IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    existing = IdempotentRequest.objects.select_for_update().filter(owner=owner, key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    owner=owner, key=key, method=method, path=path[:2000], fingerprint=fingerprint
                )
        except IntegrityError:
            return Claim("in_flight")  # a twin claimed it between our read and our insert
        return Claim("claimed", record)
    if existing.fingerprint != fingerprint:
        return Claim("reused")
    if existing.completed_at is None:
        return Claim("in_flight")
    return Claim("replay", existing)


def idempotency_key_complete(
    record: IdempotentRequest, *, status_code: int, body: Any, location: str
) -> None:
    """Keep the answer for the key's replays."""
    IdempotentRequest.objects.filter(pk=record.pk).update(
        status_code=status_code,
        response_body=body,
        location=location[:2000],
        completed_at=timezone.now(),
    )


def idempotency_key_release(record: IdempotentRequest) -> None:
    """Forget a claim whose answer said "try again": the retry runs afresh."""
    IdempotentRequest.objects.filter(pk=record.pk, completed_at__isnull=True).delete()
