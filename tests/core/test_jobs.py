"""Jobs for real: a Celery worker consuming from the test Redis, and a broker that is down.

No eager mode: the invitation is published to Redis when the transaction commits, a worker
thread in this process takes it from there and runs it against the test database, and the
locmem outbox (shared by the process) shows what was sent.
"""

import logging
import time

import pytest
from django.core import mail

from accounts.models import Invitation
from accounts.services import invitation_create
from accounts.tasks import invitation_send
from audit.models import AuditEvent
from config.celery import app


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
