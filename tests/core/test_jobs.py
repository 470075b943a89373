"""Jobs for real: a Celery worker consuming from the test Redis, and a broker that is down.

No eager mode: the invitation is published to Redis when the transaction commits, a worker
thread in this process takes it from there and runs it against the test database, and the
locmem outbox (shared by the process) shows what was sent.
"""

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail

from accounts.models import Invitation
from accounts.services import invitation_create
from accounts.tasks import invitation_send
from audit.models import AuditEvent
from config.celery import app

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class Finished:
    """Collects the return value of every task a worker finishes, by task id."""

    def __init__(self) -> None:
        self.results: dict[str, Any] = {}
        self._changed = threading.Condition()

    def __call__(self, task_id: str, retval: Any, **_: Any) -> None:
        with self._changed:
            self.results[task_id] = retval
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 20) -> dict[str, Any]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.results) >= count, timeout=timeout)
            return dict(self.results)


@pytest.fixture
def worker() -> Iterator[Finished]:
    """A real worker on the test Redis, on a queue of its own so that it never picks up
    messages other test runs left behind (or publish meanwhile)."""
    queue = f"test-jobs-{uuid.uuid4().hex}"
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    finished = Finished()
    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=20):
            yield finished
    finally:
        task_postrun.disconnect(finished)
        app.conf.task_default_queue = default_queue
        # kombu keeps the queue's bindings after queue_delete: remove every key of it (under
        # the key prefix of this test process, see config/settings_test.py)
        prefix = app.conf.broker_transport_options.get("global_keyprefix", "")
        with redis.Redis.from_url(app.conf.broker_url) as client:
            client.delete(f"{prefix}{queue}", *client.keys(f"{prefix}_kombu.binding*.{queue}"))


@pytest.mark.django_db(transaction=True)
def test_invitation_mail_is_sent_once_by_a_real_worker(worker, org, admin):
    assert app.conf.broker_url.startswith("redis://")

    invitation, secret = invitation_create(
        actor=admin, organization=org, email="New.Colleague@Example.com", role="member"
    )  # commits: on_commit publishes the task to Redis

    first = worker.wait_for(1)
    assert list(first.values()) == [True]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.colleague@example.com"]
    assert message.subject == "You are invited to Acme Insurance on Charter"
    assert f"/invitations/{secret}/" in message.body
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    sent_events = AuditEvent.objects.filter(action="invitation.sent", target_id=str(invitation.pk))
    assert list(sent_events.values_list("origin", "actor")) == [("task", None)]

    # Redelivery (a worker lost before its ack, a duplicate publish): same arguments again.
    invitation_send.apply_async(kwargs={"invitation_id": str(invitation.pk), "link_secret": secret})
    both = worker.wait_for(2)

    assert sorted(both.values()) == [False, True]
    assert len(mail.outbox) == 1
    assert sent_events.count() == 1
    assert Invitation.objects.get(pk=invitation.pk).sent_at == invitation.sent_at


def _forget_pooled_connections() -> None:
    """Close the producer pool, so that the next publish dials `broker_url` afresh."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down() -> Iterator[None]:
    original = app.conf.broker_url
    _forget_pooled_connections()
    app.conf.broker_url = CLOSED_PORT_BROKER
    try:
        yield
    finally:
        app.conf.broker_url = original
        _forget_pooled_connections()


@pytest.mark.django_db(transaction=True)
def test_enqueue_with_the_broker_down_logs_and_keeps_the_change(broker_down, org, admin, caplog):
    caplog.set_level(logging.ERROR, logger="core.jobs")
    started = time.monotonic()

    invitation, _ = invitation_create(
        actor=admin, organization=org, email="someone@example.com", role="member"
    )  # on_commit tries to publish to a closed port: must neither raise nor hang

    elapsed = time.monotonic() - started
    assert elapsed < 10
    assert Invitation.objects.filter(pk=invitation.pk, sent_at=None).exists()
    assert AuditEvent.objects.filter(
        action="invitation.created", target_id=str(invitation.pk)
    ).exists()
    failures = [r for r in caplog.records if r.name == "core.jobs"]
    assert [r.getMessage() for r in failures] == [
        "could not enqueue accounts.tasks.invitation_send: broker unavailable"
    ]
    assert failures[0].exc_info is not None
    assert mail.outbox == []
