"""Delivering webhooks to a real HTTP server started by the test: signed as a receiver checks
it, retried with backoff on a 500 or a hang, each attempt in the log."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.services import outbox_deliver, retry_delay
from tests.webhooks.support import endpoint_for, verify
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_endpoint_test

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


def _ping(admin, endpoint):
    with transaction.atomic():
        event_id = webhook_endpoint_test(actor=admin, endpoint=endpoint)
    return event_id, OutboxMessage.objects.get(key=f"webhook:{endpoint.pk}:{event_id}")


def _make_due(message):
    OutboxMessage.objects.filter(pk=message.pk).update(
        available_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_delivery_is_signed_as_the_receiver_verifies_it(receiver, admin, org):
    endpoint, secret = endpoint_for(admin, org, receiver.url)
    event_id, message = _ping(admin, endpoint)

    assert outbox_deliver(message_id=message.pk) == "sent"

    [request] = receiver.requests
    assert request.path == "/hooks/charter"
    assert verify(secret=secret, headers=request.headers, body=request.body)
    assert not verify(secret=secret + "x", headers=request.headers, body=request.body)
    assert not verify(secret=secret, headers=request.headers, body=request.body + b" ")
    assert request.headers["Charter-Event"] == "ping"
    assert request.headers["Charter-Delivery"] == str(event_id)
    timestamp = request.headers["Charter-Signature"].split(",")[0]
    assert timestamp == f"t={request.headers['Charter-Timestamp']}"
    assert request.headers["Content-Type"] == "application/json"
    document = json.loads(request.body)
    assert request.body == json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    assert document["id"] == str(event_id)
    assert document["event"] == "ping"
    assert document["organization_id"] == str(org.pk)
    assert document["data"] == {"endpoint_id": str(endpoint.pk)}
    [logged] = WebhookDelivery.objects.all()
    assert (logged.attempt, logged.status_code, logged.error) == (1, 200, "")
    assert logged.delivered_at is not None
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.SENT


def test_a_500_is_retried_with_backoff_then_delivered(receiver, admin, org):
    receiver.answers = [500, 200]
    endpoint, secret = endpoint_for(admin, org, receiver.url)
    event_id, message = _ping(admin, endpoint)
    before = timezone.now()

    assert outbox_deliver(message_id=message.pk) == "retry"

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.available_at >= before + retry_delay(1)
    assert "HTTP 500" in message.last_error
    [failed] = WebhookDelivery.objects.all()
    assert (failed.attempt, failed.status_code, failed.delivered_at) == (1, 500, None)
    assert outbox_deliver(message_id=message.pk) == "skipped"  # not due yet
    assert len(receiver.requests) == 1

    _make_due(message)
    assert outbox_deliver(message_id=message.pk) == "sent"

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    log = list(WebhookDelivery.objects.order_by("attempt").values_list("attempt", "status_code"))
    assert log == [(1, 500), (2, 200)]
    first, second = receiver.requests
    # The same event (same id and body) each time, signed afresh for each attempt.
    assert first.headers["Charter-Delivery"] == second.headers["Charter-Delivery"] == str(event_id)
    assert first.body == second.body
    assert verify(secret=secret, headers=second.headers, body=second.body)


def test_an_endpoint_that_hangs_times_out_and_is_retried(receiver, admin, org, settings):
    settings.CHARTER_WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.answers = ["hang", 200]
    endpoint, _ = endpoint_for(admin, org, receiver.url)
    _, message = _ping(admin, endpoint)

    assert outbox_deliver(message_id=message.pk) == "retry"
    receiver.release.set()

    [attempt] = WebhookDelivery.objects.all()
    assert attempt.status_code is None
    assert "timed out" in attempt.error
    assert attempt.delivered_at is None
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "timed out" in message.last_error
    assert message.available_at > timezone.now()


def test_a_deactivated_endpoint_is_sent_nothing(receiver, admin, org):
    from webhooks.services import webhook_endpoint_deactivate

    endpoint, _ = endpoint_for(admin, org, receiver.url)
    _, message = _ping(admin, endpoint)
    webhook_endpoint_deactivate(actor=admin, endpoint=endpoint)

    assert outbox_deliver(message_id=message.pk) == "superseded"
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_without_the_local_setting_a_loopback_address_is_refused_at_send(
    receiver, admin, org, settings
):
    endpoint, _ = endpoint_for(admin, org, receiver.url)
    _, message = _ping(admin, endpoint)
    settings.CHARTER_WEBHOOKS_ALLOW_LOCAL = False

    assert outbox_deliver(message_id=message.pk) == "retry"

    assert receiver.requests == []
    [attempt] = WebhookDelivery.objects.all()
    assert attempt.error.startswith("Refused: Use an https:// URL.")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_test_event(worker, receiver, admin, org):
    endpoint, secret = endpoint_for(admin, org, receiver.url)

    _ping(admin, endpoint)  # on commit: "deliver this message" goes to Redis

    assert list(worker.wait_for(1).values()) == ["sent"]
    [request] = receiver.requests
    assert verify(secret=secret, headers=request.headers, body=request.body)
    assert WebhookDelivery.objects.get().status_code == 200
