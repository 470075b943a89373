"""Every change to webhook endpoints, the events they are sent, and the log of attempts.

An event is one outbox message per subscribed active endpoint, written in the transaction of
the change it announces (key: endpoint and event id, so it is sent once); the outbox's worker
signs and posts it (webhooks/outbox.py). The endpoint's secret is in no payload, no audit
event and no log row.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from outbox.models import OutboxMessage
from outbox.services import (
    NotDeadError,
    outbox_dead_discard,
    outbox_dead_retry,
    outbox_enqueue,
    outbox_enqueue_many,
)
from webhooks.addresses import AddressRefusedError, check_url_form
from webhooks.audit_actions import WebhooksAction
from webhooks.events import PING, WebhookEvent
from webhooks.models import WebhookDelivery, WebhookEndpoint

OUTBOX_KIND = "webhooks.delivery"
NO_EVENTS = "Choose at least one event."
UNKNOWN_EVENT = "Unknown event: {name}."
ALREADY_INACTIVE = "This endpoint is already inactive."
INACTIVE_TEST = "An inactive endpoint is sent nothing, not even a test event."
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, no secret)


def _check_events(events: list[str]) -> list[str]:
    if not events:
        raise ValidationError({"events": NO_EVENTS})
    for name in events:
        if name not in WebhookEvent.values:
            raise ValidationError({"events": UNKNOWN_EVENT.format(name=name)})
    return sorted(set(events))


@transaction.atomic
def webhook_endpoint_create(
    *,
    actor: User,
    organization: Organization,
    url: str,
    events: list[str],
    description: str = "",
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint (administrators); returns it with its secret, the one time the secret
    is shown."""
    require(actor, Perm.ORG_MANAGE, organization)
    try:
        check_url_form(url)
    except AddressRefusedError as refused:
        raise ValidationError({"url": str(refused)}) from refused
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        organization=organization,
        url=url,
        description=description.strip(),
        secret=secret,
        events=_check_events(events),
        created_by=actor,
    )
    endpoint.full_clean()
    endpoint.save()
    audit_record(
        actor=actor,
        action=WebhooksAction.ENDPOINT_CREATED,
        target=endpoint,
        data={"url": endpoint.url, "events": endpoint.events},
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_deactivate(*, actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop sending to the endpoint (administrators); messages not yet sent are dropped."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    require(actor, Perm.ORG_MANAGE, locked)
    if not locked.is_active:
        raise ValidationError(ALREADY_INACTIVE)
    locked.is_active = False
    locked.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=actor, action=WebhooksAction.ENDPOINT_DEACTIVATED, target=locked)
    return locked


@transaction.atomic
def webhook_endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint and its delivery log (administrators); the trail keeps the fact."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    require(actor, Perm.ORG_MANAGE, locked)
    audit_record(
        actor=actor,
        action=WebhooksAction.ENDPOINT_DELETED,
        target=locked,
        data={"url": locked.url},
    )
    locked.delete()


def _payload(
    endpoint: WebhookEndpoint, *, event: str, event_id: uuid.UUID, data: dict[str, Any]
) -> dict[str, Any]:
    occurred_at: datetime = timezone.now()
    return {
        "endpoint_id": str(endpoint.pk),
        "document": {
            "id": str(event_id),
            "event": event,
            "created": occurred_at.isoformat(),
            "organization_id": str(endpoint.organization_id),
            "data": data,
        },
    }


def _enqueue(
    endpoint: WebhookEndpoint, *, event: str, event_id: uuid.UUID, data: dict[str, Any]
) -> None:
    outbox_enqueue(
        kind=OUTBOX_KIND,
        key=f"webhook:{endpoint.pk}:{event_id}",
        organization_id=endpoint.organization_id,
        recipient=endpoint.url,
        payload=_payload(endpoint, event=event, event_id=event_id, data=data),
    )


@transaction.atomic
def webhook_endpoint_test(*, actor: User, endpoint: WebhookEndpoint) -> uuid.UUID:
    """Send the endpoint a "ping" event (administrators); returns its event id."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    require(actor, Perm.ORG_MANAGE, locked)
    if not locked.is_active:
        raise ValidationError(INACTIVE_TEST)
    event_id = uuid.uuid4()
    _enqueue(locked, event=PING, event_id=event_id, data={"endpoint_id": str(locked.pk)})
    audit_record(
        actor=actor,
        action=WebhooksAction.ENDPOINT_TESTED,
        target=locked,
        data={"event_id": str(event_id)},
    )
    return event_id


# Event ids named after what happened (the event and its object): the same happening
# announced twice is one event, and the outbox's unique key sends it once per endpoint.
EVENT_NAMESPACE = uuid.UUID("5b0f0c36-0f0e-4c8e-9d0a-6f6b2f8b9a11")


def webhook_event_publish(
    *,
    organization_id: Any,
    event: WebhookEvent,
    data: dict[str, Any],
    about: str | None = None,
) -> uuid.UUID:
    """Announce `event` to every active endpoint of the organisation subscribed to it; called
    inside the transaction of the change (the signal receivers). `about` names the happening
    (e.g. the incident's id) so that announcing it again sends nothing new; without it each
    call is a new event (a test ping). Returns the event id."""
    event_id = uuid.uuid5(EVENT_NAMESPACE, f"{event.value}:{about}") if about else uuid.uuid4()
    endpoints = WebhookEndpoint.objects.filter(organization_id=organization_id, is_active=True)
    for endpoint in endpoints.order_by("created_at"):
        if event.value in endpoint.events:
            _enqueue(endpoint, event=event.value, event_id=event_id, data=data)
    return event_id


def webhook_events_publish(
    *, event: WebhookEvent, happenings: Sequence[tuple[Any, dict[str, Any], str]]
) -> int:
    """`webhook_event_publish` for many happenings of one event, each (organization id, data,
    about), in a few queries whatever their number (the reminder engine's overdue checks);
    returns how many messages were new."""
    if not happenings:
        return 0
    endpoints = list(
        WebhookEndpoint.objects.filter(
            organization_id__in={organization_id for organization_id, _, _ in happenings},
            is_active=True,
        ).order_by("created_at")
    )
    messages: list[tuple[str, dict[str, Any]]] = []
    owners: dict[str, tuple[Any, str]] = {}
    for organization_id, data, about in happenings:
        event_id = uuid.uuid5(EVENT_NAMESPACE, f"{event.value}:{about}")
        for endpoint in endpoints:
            if endpoint.organization_id == organization_id and event.value in endpoint.events:
                key = f"webhook:{endpoint.pk}:{event_id}"
                payload = _payload(endpoint, event=event.value, event_id=event_id, data=data)
                messages.append((key, payload))
                owners[key] = (organization_id, endpoint.url)
    if not messages:
        return 0
    return outbox_enqueue_many(kind=OUTBOX_KIND, messages=messages, owners=owners)


def webhook_attempt_record(
    *,
    endpoint_id: Any,
    document: dict[str, Any],
    attempt: int,
    status_code: int | None,
    error: str,
    duration_ms: int,
) -> WebhookDelivery | None:
    """Log one delivery attempt, in a short transaction of its own (no lock is held while
    the request was made); None if the endpoint was deleted meanwhile."""
    with transaction.atomic():
        if not WebhookEndpoint.objects.filter(pk=endpoint_id).exists():
            return None
        delivered = status_code is not None and 200 <= status_code < 300
        delivery, _ = WebhookDelivery.objects.get_or_create(
            endpoint_id=endpoint_id,
            event_id=document["id"],
            attempt=attempt,
            defaults={
                "event": document["event"],
                "payload": document,
                "status_code": status_code,
                "error": error[:2000],
                "duration_ms": max(duration_ms, 0),
                "delivered_at": timezone.now() if delivered else None,
            },
        )
    return delivery


# --- dead letters: outbox messages of the organisation that failed for good ---------------------

NOT_DEAD = "This message is no longer dead-lettered: someone retried or discarded it already."


def _dead_letter_change(
    *, actor: User, organization: Organization | None, message_id: Any, retry: bool
) -> OutboxMessage:
    """`organization` None: the Django admin's staff, on any message."""
    if organization is None:
        if not actor.is_staff:
            raise PermissionDenied
        mine = OutboxMessage.objects.filter(pk=message_id)
    else:
        require(actor, Perm.ORG_MANAGE, organization)
        mine = OutboxMessage.objects.filter(pk=message_id, organization_id=organization.pk)
    if not mine.exists():
        raise OutboxMessage.DoesNotExist
    try:
        change = outbox_dead_retry if retry else outbox_dead_discard
        message = change(message_id=message_id)
    except NotDeadError as gone:
        raise ValidationError(NOT_DEAD) from gone
    audit_record(
        actor=actor,
        action=WebhooksAction.DEAD_LETTER_RETRIED
        if retry
        else WebhooksAction.DEAD_LETTER_DISCARDED,
        target=message,
        organization=organization,
        data={"kind": message.kind, "key": message.key},  # ids only: no address, no error text
    )
    return message


@transaction.atomic
def dead_letter_retry(
    *, actor: User, organization: Organization | None, message_id: Any
) -> OutboxMessage:
    """Send a dead message again (administrators), with a fresh set of attempts; audited.
    OutboxMessage.DoesNotExist for a message not of `organization`, ValidationError for one
    that is not dead any more."""
    return _dead_letter_change(
        actor=actor, organization=organization, message_id=message_id, retry=True
    )


@transaction.atomic
def dead_letter_discard(
    *, actor: User, organization: Organization | None, message_id: Any
) -> OutboxMessage:
    """Give up on a dead message (administrators); it is kept as discarded. Audited."""
    return _dead_letter_change(
        actor=actor, organization=organization, message_id=message_id, retry=False
    )
