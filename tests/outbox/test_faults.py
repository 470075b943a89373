"""Faults on real parts: a Celery worker SIGKILLed while it sends, the broker's Redis stopped
and started again, an SMTP server that is down or refuses. (A webhook endpoint that hangs or
answers 500 is tests/webhooks/test_delivery.py's.)

What the outbox guarantees, as these tests pin it down: a message is claimed before it is
sent and marked sent after, in short transactions of their own. A worker that dies before the
mail server accepted the message leaves a claim that lapses; the message is then sent again
and arrives once. A worker that dies after the server accepted it but before the row was
marked sent cannot be told apart from the first case, so the message is sent a second time:
delivery is at least once, and every copy carries the same Message-ID (outbox.mail), by which
mail servers and clients drop the repeat.
"""

import uuid
from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.utils import timezone

from accounts.models import Invitation
from accounts.outbox import INVITATION
from config.celery import app
from outbox.mail import message_id
from outbox.models import OutboxMessage
from outbox.services import MAX_ATTEMPTS, outbox_deliver, outbox_deliver_due, retry_delay
from tests.celery_worker import _forget_pooled_connections
from tests.helpers import client_for
from tests.outbox.faults import RedisServer, WorkerProcess, free_port, start_smtp, wait_until

Status = OutboxMessage.Status
SWEEP = "outbox.tasks.outbox_sweep"


@pytest.fixture
def smtp():
    state, server = start_smtp()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def queue():
    """A queue of the test's own, where the app publishes while the test runs."""
    name = f"test-faults-{uuid.uuid4().hex}"
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = name
    try:
        yield name
    finally:
        app.conf.task_default_queue = default_queue
        prefix = app.conf.broker_transport_options.get("global_keyprefix", "")
        with redis.Redis.from_url(app.conf.broker_url) as client:
            client.delete(f"{prefix}{name}", *client.keys(f"{prefix}_kombu.binding*.{name}"))


@pytest.fixture
def database() -> str:
    """The URL of the test database, for the worker processes."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _invite(org, admin, address="grace@example.com"):
    response = client_for(admin).post(
        f"/api/v1/organizations/{org.pk}/invitations/", {"email": address, "role": "member"}
    )
    assert response.status_code == 201, response.content
    return OutboxMessage.objects.get(kind=INVITATION)


def _deliver_task_id(worker: WorkerProcess) -> str:
    """The id of the outbox_deliver task that `worker` received."""
    marker = "outbox.tasks.outbox_deliver["
    line = next(line for line in worker.output().splitlines() if marker in line)
    return line.split(marker, 1)[1].split("]", 1)[0]


def _kill_mid_send_then_recover(org, admin, smtp, queue, database) -> OutboxMessage:
    """Invite someone; SIGKILL the worker while it talks to the SMTP server; start another
    worker and let beat's sweep tick. Returns the message once it is sent."""
    first = WorkerProcess(queue=queue, database=database, smtp_port=smtp.port)
    try:
        message = _invite(org, admin)
        assert smtp.stalled.wait(60), first.output()
        message.refresh_from_db()
        assert (message.status, message.attempts) == (Status.SENDING, 1)
        held = _deliver_task_id(first)
        first.kill()
    finally:
        first.stop()
    smtp.release.set()  # the server hangs up on the dead client
    second = WorkerProcess(queue=queue, database=database, smtp_port=smtp.port)
    try:
        # The lease of the dead worker's claim lapses; beat's next tick sweeps the message up.
        wait_until(
            lambda: (
                not OutboxMessage.objects.filter(
                    pk=message.pk, status=Status.SENDING, claimed_until__gte=timezone.now()
                ).exists()
            ),
            what="the dead worker's claim to lapse",
        )
        app.send_task(SWEEP)
        wait_until(
            lambda: OutboxMessage.objects.get(pk=message.pk).status == Status.SENT,
            what="the message to be sent",
        )
        # The task the dead worker held was never acknowledged: the broker hands it out again,
        # and it finds the message sent (or sends it, if it came first, and the sweep finds
        # nothing): either way, one send.
        wait_until(
            lambda: f"outbox_deliver[{held}] succeeded" in second.output(),
            what="the killed worker's task to be delivered again",
        )
        wait_until(lambda: second.output().count(f"{SWEEP}[") >= 2, what="the sweep to finish")
    finally:
        second.stop()
    message.refresh_from_db()
    return message


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_before_the_server_accepted_the_mail_sends_it_once(
    org, admin, smtp, queue, database
):
    smtp.plans = ["stall-before-ok", "ok"]

    message = _kill_mid_send_then_recover(org, admin, smtp, queue, database)

    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert len(smtp.received) == 2  # the first copy was never acknowledged, so not accepted
    assert smtp.accepted_ids() == [message_id(message)]
    invitation = Invitation.objects.get()
    assert invitation.sent_at is not None
    assert b"grace@example.com" in smtp.accepted[0]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_server_accepted_the_mail_sends_a_copy_with_the_same_id(
    org, admin, smtp, queue, database
):
    """The window the design cannot close: accepted by the server, not yet marked sent. The
    message goes out again (at least once), as the same message: one Message-ID."""
    smtp.plans = ["stall-after-ok", "ok"]

    message = _kill_mid_send_then_recover(org, admin, smtp, queue, database)

    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert smtp.accepted_ids() == [message_id(message)] * 2
    assert Invitation.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_invitation_made_while_redis_is_down_is_mailed_once_it_is_back(
    org, admin, smtp, queue, database
):
    broker = RedisServer()
    broker.start()
    original = app.conf.broker_url
    _forget_pooled_connections()
    app.conf["broker_url"] = broker.url
    worker = None
    try:
        broker.stop()
        started = timezone.now()

        message = _invite(org, admin)  # the request succeeds; the announcement is lost

        assert timezone.now() - started < timedelta(seconds=15)
        assert (message.status, message.attempts) == (Status.PENDING, 0)
        broker.start()
        _forget_pooled_connections()
        worker = WorkerProcess(
            queue=queue, database=database, smtp_port=smtp.port, broker_url=broker.url
        )
        app.send_task(SWEEP)  # beat's next tick
        wait_until(
            lambda: OutboxMessage.objects.get(pk=message.pk).status == Status.SENT,
            what="the message to be sent",
        )
        app.send_task(SWEEP)  # and the one after finds nothing to do
        wait_until(lambda: worker.output().count(f"{SWEEP}[") >= 4, what="two sweeps")
    finally:
        if worker is not None:
            worker.stop()
        broker.stop()
        app.conf["broker_url"] = original
        _forget_pooled_connections()
    message.refresh_from_db()
    assert message.attempts == 1
    assert smtp.accepted_ids() == [message_id(message)]


# --- the SMTP server down ------------------------------------------------------------------------


def _invite_in_process(org, admin):
    from django.db import transaction

    from accounts.services import invitation_create

    with transaction.atomic():
        invitation_create(actor=admin, organization=org, email="grace@example.com")
    return OutboxMessage.objects.get(kind=INVITATION)


def _smtp_at(settings, port):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("plan", "error"),
    [
        ("refused", "ConnectionRefusedError"),
        ("busy", "SMTPConnectError"),
        ("451", "SMTPDataError"),
    ],
)
def test_a_mail_server_that_is_down_is_retried_with_backoff_then_dead_lettered(
    org, admin, smtp, settings, plan, error
):
    if plan == "refused":
        _smtp_at(settings, free_port())  # nothing listens there
    else:
        smtp.plans = [plan]
        _smtp_at(settings, smtp.port)
    message = _invite_in_process(org, admin)
    delays = []

    for attempt in range(1, MAX_ATTEMPTS + 1):
        before = timezone.now()
        outcome = outbox_deliver(message_id=message.pk)
        message.refresh_from_db()
        assert message.attempts == attempt
        assert error in message.last_error
        if attempt < MAX_ATTEMPTS:
            assert (outcome, message.status) == ("retry", Status.PENDING)
            delays.append(message.available_at - before)
            # Not due before its backoff: a sweep leaves it alone (no retry loop).
            assert outbox_deliver_due() == 0
            assert OutboxMessage.objects.get(pk=message.pk).attempts == attempt
            OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())

    assert (outcome, message.status) == ("dead", Status.DEAD)
    for attempt, delay in enumerate(delays, start=1):
        assert retry_delay(attempt) <= delay < retry_delay(attempt) + timedelta(seconds=5)
    assert [round(d.total_seconds() / 60) for d in delays] == [1, 2, 4, 8, 16, 32, 60]
    # Dead is the end: the sweep never picks it up again, and the mail never went out.
    assert outbox_deliver_due() == 0
    assert OutboxMessage.objects.get(pk=message.pk).attempts == MAX_ATTEMPTS
    assert smtp.accepted == []
    assert Invitation.objects.get().sent_at is None
