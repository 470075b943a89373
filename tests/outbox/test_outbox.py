"""The outbox on the real database: asked for inside a transaction, delivered once, retried
with backoff, closed when superseded or dead, and taken over when a worker died mid-send."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from outbox import registry
from outbox.models import OutboxMessage
from outbox.services import (
    MAX_ATTEMPTS,
    outbox_deliver,
    outbox_deliver_due,
    outbox_enqueue,
    retry_delay,
)

pytestmark = pytest.mark.django_db

KIND = "tests.recorded"
Status = OutboxMessage.Status


class Recorder:
    """A handler that records what it sends, and fails or supersedes when told to."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.delivered: list[str] = []
        self.fail_with: BaseException | None = None
        self.fail_marking = False
        self.supersede = False

    def send(self, message: OutboxMessage) -> None:
        if self.supersede:
            raise registry.Superseded
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message.key)

    def mark(self, message: OutboxMessage) -> None:
        assert transaction.get_connection().in_atomic_block  # inside the marking transaction
        if self.fail_marking:
            raise LookupError("the invitation was deleted meanwhile")
        self.delivered.append(message.key)


@pytest.fixture
def recorder(monkeypatch):
    recorder = Recorder()
    handler = registry.Handler(send=recorder.send, delivered=recorder.mark)
    monkeypatch.setitem(registry._handlers, KIND, handler)
    return recorder


def _enqueue(key: str = "k-1") -> OutboxMessage:
    with transaction.atomic():
        return outbox_enqueue(kind=KIND, key=key, payload={"n": 1})


def test_asking_twice_for_the_same_work_is_one_message(recorder):
    first, second = _enqueue(), _enqueue()

    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_asking_outside_a_transaction_fails_loudly(recorder):
    with pytest.raises(RuntimeError):
        outbox_enqueue(kind=KIND, key="k", payload={})
    assert OutboxMessage.objects.count() == 0


def test_asking_for_an_unknown_kind_fails_loudly(recorder):
    with transaction.atomic(), pytest.raises(KeyError):
        outbox_enqueue(kind="nobody.registered", key="k", payload={})
    assert OutboxMessage.objects.count() == 0


def test_a_message_is_delivered_once(recorder):
    message = _enqueue()

    assert outbox_deliver(message_id=message.pk) == "sent"
    assert outbox_deliver(message_id=message.pk) == "skipped"
    assert outbox_deliver_due() == 0

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)
    assert message.sent_at is not None
    assert (recorder.sent, recorder.delivered) == (["k-1"], ["k-1"])


def test_a_transient_failure_is_retried_later_with_backoff(recorder):
    message = _enqueue()
    recorder.fail_with = ConnectionRefusedError("smtp down")

    assert outbox_deliver(message_id=message.pk) == "retry"

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert message.last_error == "ConnectionRefusedError: smtp down"
    assert message.available_at > timezone.now() + retry_delay(1) - timedelta(seconds=5)
    assert outbox_deliver_due() == 0  # not due yet

    recorder.fail_with = None
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    assert outbox_deliver_due() == 1
    assert recorder.sent == ["k-1"]


def test_a_message_that_keeps_failing_ends_dead_and_is_not_retried(recorder):
    message = _enqueue()
    recorder.fail_with = ConnectionRefusedError("smtp down")
    for _ in range(MAX_ATTEMPTS):
        OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
        outbox_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.DEAD, MAX_ATTEMPTS)
    assert outbox_deliver_due() == 0


def test_a_permanent_failure_is_dead_at_once(recorder):
    message = _enqueue()
    recorder.fail_with = ValueError("a bug")

    assert outbox_deliver(message_id=message.pk) == "dead"
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.DEAD


def test_superseded_work_is_closed_without_sending(recorder):
    message = _enqueue()
    recorder.supersede = True

    assert outbox_deliver(message_id=message.pk) == "superseded"
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.SUPERSEDED
    assert recorder.sent == []


def test_a_claim_held_by_a_live_worker_is_left_alone_and_a_lapsed_one_is_taken_over(recorder):
    message = _enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, attempts=1, claimed_until=timezone.now() + timedelta(minutes=5)
    )
    assert outbox_deliver_due() == 0  # someone is sending it right now

    # That worker died mid-send: its claim lapses and the sweep takes the message over.
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert outbox_deliver_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, recorder.sent) == (Status.SENT, 2, ["k-1"])


def test_a_message_whose_bookkeeping_fails_after_sending_is_never_sent_again(recorder):
    message = _enqueue()
    recorder.fail_marking = True

    assert outbox_deliver(message_id=message.pk) == "sent"
    assert outbox_deliver_due() == 0

    message.refresh_from_db()
    assert (message.status, recorder.sent) == (Status.SENT, ["k-1"])
    assert message.last_error == (
        "Delivered step failed: LookupError: the invitation was deleted meanwhile"
    )
