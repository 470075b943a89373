"""Jobs for real: a Celery worker consuming from the test Redis, and a broker that is down.

No eager mode: the invitation's outbox message is announced to Redis when the transaction
commits, a worker thread in this process takes the announcement from there and delivers the
message against the test database, and the locmem outbox (shared by the process) shows what
was sent.
"""

import logging
import time

import pytest
from django.core import mail

from accounts.models import Invitation
from accounts.services import invitation_by_secret, invitation_create
from audit.models import AuditEvent
from config.celery import app
from outbox.models import OutboxMessage
from outbox.services import DELIVER_TASK, outbox_deliver_due
from tests.accounts.invitations import secret_mailed_to


@pytest.mark.django_db(transaction=True)
def test_invitation_mail_is_sent_once_by_a_real_worker(worker, org, admin):
    assert app.conf.broker_url.startswith("redis://")

    invitation = invitation_create(
        actor=admin, organization=org, email="New.Colleague@Example.com", role="member"
    )  # commits: on_commit announces the outbox message to Redis

    first = worker.wait_for(1)
    assert list(first.values()) == ["sent"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.colleague@example.com"]
    assert message.subject == "You are invited to Acme Insurance on Charter"
    secret = secret_mailed_to("new.colleague@example.com")
    assert invitation_by_secret(secret) == invitation
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    sent_events = AuditEvent.objects.filter(action="invitation.sent", target_id=str(invitation.pk))
    assert list(sent_events.values_list("origin", "actor")) == [("task", None)]
    [outbox_message] = OutboxMessage.objects.all()
    assert outbox_message.payload == {"invitation_id": str(invitation.pk)}

    # Redelivery (a worker lost before its ack, a duplicate publish): the same announcement.
    app.send_task(DELIVER_TASK, kwargs={"message_id": str(outbox_message.pk)})
    both = worker.wait_for(2)

    assert sorted(both.values()) == ["sent", "skipped"]
    assert len(mail.outbox) == 1
    assert sent_events.count() == 1
    assert Invitation.objects.get(pk=invitation.pk).sent_at == invitation.sent_at
    assert invitation_by_secret(secret) == invitation  # the mailed link still works


@pytest.mark.django_db(transaction=True)
def test_enqueue_with_the_broker_down_keeps_the_change_and_the_sweep_mails_it(
    broker_down, org, admin, caplog
):
    caplog.set_level(logging.ERROR, logger="core.jobs")
    started = time.monotonic()

    invitation = invitation_create(
        actor=admin, organization=org, email="someone@example.com", role="member"
    )  # on_commit tries to announce to a closed port: must neither raise nor hang

    elapsed = time.monotonic() - started
    assert elapsed < 10
    assert Invitation.objects.filter(pk=invitation.pk, sent_at=None).exists()
    assert AuditEvent.objects.filter(
        action="invitation.created", target_id=str(invitation.pk)
    ).exists()
    failures = [r for r in caplog.records if r.name == "core.jobs"]
    assert [r.getMessage() for r in failures] == [
        "could not enqueue outbox.tasks.outbox_deliver: broker unavailable"
    ]
    assert failures[0].exc_info is not None
    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING

    assert outbox_deliver_due() == 1  # what beat's sweep does every minute, broker or not

    assert [m.to for m in mail.outbox] == [["someone@example.com"]]
    assert invitation_by_secret(secret_mailed_to("someone@example.com")) == invitation
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None
