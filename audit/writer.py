"""The one place audit events are written. Services call `audit_record` inside their transaction."""

import hashlib
import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from audit.actions import is_registered
from audit.hashing import GENESIS_HASH, compute_hash, normalise
from audit.models import SYSTEM_CHAIN, AuditEvent
from core import context
from core.actors import SystemActor

Actor = AbstractBaseUser | AnonymousUser | SystemActor


def _chain_lock_key(chain: str) -> int:
    # pg_advisory_xact_lock takes a signed 64-bit key; derive it from the chain name.
    return int.from_bytes(hashlib.sha256(chain.encode()).digest()[:8], "big", signed=True)


def lock_chain(chain: str) -> int | None:
    """Serialise writers of one chain until the transaction ends, so the chain cannot fork.

    PostgreSQL: a transaction-level advisory lock per chain (other chains stay concurrent);
    returns the transaction id, which ties the event to the row changes of its transaction.
    SQLite: transactions begin IMMEDIATE (settings), which already holds the write lock.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s), txid_current()", [_chain_lock_key(chain)])
        row = cursor.fetchone()
    if row is None:  # a SELECT without FROM always returns its one row
        raise RuntimeError("txid_current() returned no row")
    transaction_id: int = row[1]
    return transaction_id


def _normalise_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    return clean_ipv6_address(ip, unpack_ipv4=True) if ":" in ip else ip


def _organization_id_of(target: models.Model | None, project: models.Model | None) -> Any:
    for candidate in (project, target):
        if candidate is None:
            continue
        if candidate._meta.label_lower == "accounts.organization":
            return candidate.pk
        org_id = getattr(candidate, "organization_id", None)
        if org_id:
            return org_id
    return None


def _actor_id(actor: Actor) -> Any:
    if isinstance(actor, SystemActor) or not actor.is_authenticated:
        return None  # the system, or nobody signed in
    return actor.pk


@transaction.atomic
def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    organization: models.Model | None = None,
    project: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its organisation's chain and return it.

    `action` is a member of an app's registered actions class (audit/actions.py); any other
    string is a programming error and raises ValueError. `actor` is the acting user; `SYSTEM`
    (core.actors) for jobs and commands and an `AnonymousUser` for someone without an account
    (a stakeholder's personal link, an intake key) are both recorded with no user, as the
    trail always has. `data` holds the before/after of changed fields or the event's
    parameters: ids, never personal data of stakeholders (erasure must not break the chain).
    """
    if not is_registered(action):
        raise ValueError(
            f"Unknown audit action {action!r}: declare it in its app's actions class "
            "(audit/actions.py) and register that class."
        )
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    if not target_type or not target_id:
        raise ValueError("audit_record needs a target or a target_type and target_id")

    organization_id = (
        organization.pk if organization is not None else _organization_id_of(target, project)
    )
    chain = str(organization_id) if organization_id else SYSTEM_CHAIN
    change = context.current()

    transaction_id = lock_chain(chain)
    last = (
        AuditEvent.objects.filter(chain=chain)
        .order_by("-sequence")
        .values_list("sequence", "hash")
        .first()
    )
    sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)

    event = AuditEvent(
        id=uuid.uuid4(),
        chain=chain,
        sequence=sequence,
        occurred_at=timezone.now(),
        organization_id=organization_id,
        actor_id=_actor_id(actor),
        action=action,
        project_id=project.pk if project is not None else None,
        target_type=target_type,
        target_id=str(target_id),
        data=normalise(data or {}),
        origin=change.origin,
        request_id=change.request_id or "",
        ip_address=_normalise_ip(change.ip_address),
        transaction_id=transaction_id,
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    return event
