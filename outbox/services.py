"""Write outbox messages inside a service's transaction; deliver them one at a time.

Delivery of one message is three steps, none of which holds a lock while talking to the
network: claim it (a short transaction that commits SENDING and a lease), send it (no
transaction), then mark it sent and let its app record the outcome (a second short
transaction). A worker that dies mid-send leaves a claim that lapses; the message is then
claimed again. A failure is retried with exponential backoff, and a message that keeps failing
is closed as DEAD for an administrator to see, never retried in a loop.

What that guarantees (tests/outbox/test_faults.py kills a real worker mid-send): a worker
that dies before the mail server or endpoint accepted the message leads to one delivery. A
worker that dies after it was accepted but before the row was marked sent cannot be told apart
from that, so the message goes out again: delivery is at least once, and every attempt
carries the same identity (an email's Message-ID, outbox.mail; a webhook's Charter-Delivery)
for the receiver to drop the repeat.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from itertools import batched
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.jobs import enqueue_named_on_commit
from outbox.models import OutboxMessage
from outbox.registry import Superseded, handler_for

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
DELIVER_TASK = "outbox.tasks.outbox_deliver"
# Longer than any send takes (SMTP and webhook calls have timeouts well below it); a message
# whose worker died mid-send is claimed again once its lease lapses.
CLAIM_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 60
LAST_RETRY_SECONDS = 60 * 60


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the first, second, third … failure, at most an hour."""
    return timedelta(
        seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LAST_RETRY_SECONDS)
    )


def outbox_enqueue(
    *,
    kind: str,
    key: str,
    payload: dict[str, Any],
    organization_id: UUID | None = None,
    recipient: str = "",
) -> OutboxMessage:
    """Ask for a side effect; it is delivered once the caller's transaction commits.

    Called inside the service's transaction. The same `key` asked twice is one message (the
    first), so a service may ask again without double sending. The worker is told on commit;
    if the broker is down then, the sweep delivers the message later. `organization_id` and
    `recipient` (an address or URL) say whose work it is, for the dead letters' page.
    """
    handler_for(kind)  # a kind nobody registered is a programming error: fail now, not later
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_enqueue runs inside the transaction of the change it follows")
    with transaction.atomic():  # a savepoint: a concurrent twin's insert must not poison ours
        message, created = OutboxMessage.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "payload": payload,
                "organization_id": organization_id,
                "recipient": recipient[:254],
            },
        )
    if created:
        enqueue_named_on_commit(DELIVER_TASK, message_id=str(message.pk))
    return message


def outbox_enqueue_many(
    *,
    kind: str,
    messages: Sequence[tuple[str, dict[str, Any]]],
    owners: Mapping[str, tuple[UUID | None, str]] | None = None,
) -> int:
    """`outbox_enqueue` for many messages of one kind in a few queries, whatever their number;
    returns how many were new (a key already there is left as it is, as with one). `owners`
    gives a key's (organization_id, recipient).

    The rows are inserted with ON CONFLICT DO NOTHING and read back by their own primary keys,
    so only the messages this call inserted are announced."""
    handler_for(kind)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_enqueue_many runs inside the transaction of the change")
    owners = owners or {}
    rows = []
    for key, payload in messages:
        organization_id, recipient = owners.get(key, (None, ""))
        rows.append(
            OutboxMessage(
                kind=kind,
                key=key,
                payload=payload,
                organization_id=organization_id,
                recipient=recipient[:254],
            )
        )
    with transaction.atomic():
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    created: list[UUID] = []
    for chunk in batched([row.pk for row in rows], 1000):
        created.extend(OutboxMessage.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    for pk in created:
        enqueue_named_on_commit(DELIVER_TASK, message_id=str(pk))
    return len(created)


def claim_lease() -> timedelta:
    """CHARTER_OUTBOX_CLAIM_LEASE_SECONDS if set (the fault tests shorten it), else
    CLAIM_LEASE."""
    seconds = getattr(settings, "CHARTER_OUTBOX_CLAIM_LEASE_SECONDS", None)
    return CLAIM_LEASE if seconds is None else timedelta(seconds=float(seconds))


def _claim(message_id: UUID | str) -> OutboxMessage | None:
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id)
            .filter(
                Q(status=Status.PENDING, available_at__lte=now)
                | Q(status=Status.SENDING, claimed_until__lt=now)
            )
            .first()
        )
        if message is None:
            return None  # sent, closed, not due yet, or being sent by another worker
        message.status = Status.SENDING
        message.attempts += 1
        message.claimed_until = now + claim_lease()
        message.save(update_fields=["status", "attempts", "claimed_until", "updated_at"])
    return message


def _close(message: OutboxMessage, *, status: str, error: str = "") -> None:
    """End the message's life: superseded, or dead after its last failure."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status, claimed_until=None, last_error=error[:2000], updated_at=timezone.now()
    )


def _retry_later(message: OutboxMessage, *, error: str) -> None:
    """Give the claim back and make the message due again after the backoff."""
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.PENDING,
        claimed_until=None,
        last_error=error[:2000],
        available_at=now + retry_delay(message.attempts),
        updated_at=now,
    )


def outbox_deliver(*, message_id: UUID | str) -> str:
    """Deliver one message if it is due and nobody else holds it; returns what happened:
    "sent", "superseded", "retry", "dead" or "skipped"."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    try:
        handler = handler_for(message.kind)
    except KeyError:
        _close(message, status=Status.DEAD, error=f"No handler for kind {message.kind!r}.")
        return "dead"
    try:
        handler.send(message)
    except Superseded:
        _close(message, status=Status.SUPERSEDED)
        return "superseded"
    except Exception as exc:  # whatever the handler raised: retried if transient, else dead
        retry = isinstance(exc, handler.transient) and message.attempts < MAX_ATTEMPTS
        error = f"{exc.__class__.__name__}: {exc}"
        logger.warning(
            "outbox %s %s failed (attempt %d): %s",
            message.kind,
            message.key,
            message.attempts,
            error,
        )
        if retry:
            _retry_later(message, error=error)
            return "retry"
        _close(message, status=Status.DEAD, error=error)
        return "dead"
    try:
        with transaction.atomic():
            locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
            if locked.status != Status.SENT:
                handler.delivered(locked)
                _mark_sent(locked)
    except Exception as exc:  # the app's bookkeeping failed, after the message went out
        # Never send it again for that: mark it sent on its own and keep the error to see.
        logger.exception(
            "outbox %s %s: sent, but its delivered step failed", message.kind, message.key
        )
        _mark_sent(message, error=f"Delivered step failed: {exc.__class__.__name__}: {exc}")
    return "sent"


def _mark_sent(message: OutboxMessage, *, error: str = "") -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        claimed_until=None,
        last_error=error[:2000],
        updated_at=timezone.now(),
    )


def outbox_deliver_due(*, limit: int = 500) -> int:
    """Deliver what is due and what no worker holds any more (the broker was down when it was
    announced, a retry fell due, a worker died mid-send); returns how many were sent."""
    now = timezone.now()
    due = (
        OutboxMessage.objects.filter(
            Q(status=Status.PENDING, available_at__lte=now)
            | Q(status=Status.SENDING, claimed_until__lt=now)
        )
        .order_by("available_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(outbox_deliver(message_id=pk) == "sent" for pk in list(due))


# --- dead letters ---------------------------------------------------------------------------------


class NotDeadError(Exception):
    """Only a dead message can be retried or discarded."""


def outbox_dead_retry(*, message_id: UUID | str) -> OutboxMessage:
    """Give a dead message a fresh set of attempts, due now, and announce it on commit.
    The caller (an administrator's service, which audits it) holds the transaction."""
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None or message.status != Status.DEAD:
        raise NotDeadError
    message.status = Status.PENDING
    message.attempts = 0
    message.available_at = timezone.now()
    message.save(update_fields=["status", "attempts", "available_at", "updated_at"])
    enqueue_named_on_commit(DELIVER_TASK, message_id=str(message.pk))
    return message


def outbox_dead_discard(*, message_id: UUID | str) -> OutboxMessage:
    """Give up on a dead message for good; it stays, as discarded, for the record."""
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None or message.status != Status.DEAD:
        raise NotDeadError
    message.status = Status.DISCARDED
    message.save(update_fields=["status", "updated_at"])
    return message


EMAIL = re.compile(r"([^\s<>@\"'(),;:]+)@([\w.-]+\.[A-Za-z]{2,})")


def mask_emails(text: str) -> str:
    """Every email address in `text` (an SMTP error may quote the recipient's) masked."""
    return EMAIL.sub(lambda m: f"{m.group(1)[:1]}•••@{m.group(2)}", text)


def mask_recipient(recipient: str) -> str:
    """An email address shown as its first letter and its domain (g•••@example.com); a URL
    (a webhook endpoint's, not personal) as it is."""
    local, at, domain = recipient.partition("@")
    if not at or "/" in recipient:
        return recipient
    return f"{local[:1]}•••@{domain}"


# --- task runs ---------------------------------------------------------------------------------


def task_runs_prune(*, now: datetime | None = None) -> int:
    """Delete the task runs older than CHARTER_TASK_RUN_RETENTION_DAYS (default 14)."""
    from outbox.models import TaskRun

    days = getattr(settings, "CHARTER_TASK_RUN_RETENTION_DAYS", 14)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = TaskRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted
