"""Dead letters and task runs: an organisation's administrators see its outbox messages that
failed for good and retry or discard them (audited); staff and administrators see the task
runs the workers record; every task has a soft and a hard time limit."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from config.celery import app
from outbox.models import OutboxMessage, TaskRun
from outbox.services import mask_emails, mask_recipient, outbox_deliver, task_runs_prune
from tests.helpers import client_for
from tests.webhooks.support import endpoint_for
from webhooks.services import OUTBOX_KIND, webhook_endpoint_test

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


def _dead(org, *, recipient="grace.hopper@example.com", key="dead-1", kind="accounts.invitation"):
    return OutboxMessage.objects.create(
        kind=kind,
        key=key,
        status=Status.DEAD,
        attempts=8,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        organization_id=org.pk,
        recipient=recipient,
    )


def test_recipients_are_masked_when_personal():
    assert mask_emails("SMTPRecipientsRefused: {'grace@example.com': (550, b'no')}") == (
        "SMTPRecipientsRefused: {'g•••@example.com': (550, b'no')}"
    )
    assert mask_recipient("grace.hopper@example.com") == "g•••@example.com"
    assert mask_recipient("https://hooks.example.com/x") == "https://hooks.example.com/x"
    assert mask_recipient("") == ""


def test_administrators_see_their_organisations_dead_letters_only(
    admin, org, other_org, django_assert_num_queries
):
    mine = _dead(org)
    OutboxMessage.objects.filter(pk=mine.pk).update(last_error="550 grace.hopper@example.com")
    _dead(other_org, key="dead-other", recipient="someone@globex.test")
    OutboxMessage.objects.create(kind="x", key="pending", organization_id=org.pk)

    response = client_for(admin).get(f"/organizations/{org.pk}/dead-letters/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "g•••@example.com" in page
    assert "grace.hopper" not in page
    assert "globex" not in page
    assert "550 g•••@example.com" in page
    assert f"/dead-letters/{mine.pk}/retry/" in page
    assert "pending" not in page.split("<tbody>")[1]


@pytest.mark.parametrize("role", ["org_member", "compliance_officer", "manager"])
def test_only_administrators_see_or_change_dead_letters(as_role, org, role):
    message = _dead(org)
    client = client_for(as_role(role))

    assert client.get(f"/organizations/{org.pk}/dead-letters/").status_code in (403, 404)
    response = client.post(f"/organizations/{org.pk}/dead-letters/{message.pk}/retry/")
    assert response.status_code in (403, 404)
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.DEAD


def test_a_dead_letter_of_another_organisation_is_404(admin, org, other_org):
    theirs = _dead(other_org)

    response = client_for(admin).post(f"/organizations/{org.pk}/dead-letters/{theirs.pk}/retry/")

    assert response.status_code == 404
    assert OutboxMessage.objects.get(pk=theirs.pk).status == Status.DEAD


def test_a_retried_webhook_gets_fresh_attempts_is_audited_and_delivered(receiver, admin, org):
    endpoint, _ = endpoint_for(admin, org, receiver.url)
    with transaction.atomic():
        webhook_endpoint_test(actor=admin, endpoint=endpoint)
    message = OutboxMessage.objects.get(kind=OUTBOX_KIND)
    assert message.organization_id == org.pk
    assert message.recipient == receiver.url
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.DEAD, attempts=8)

    response = client_for(admin).post(f"/organizations/{org.pk}/dead-letters/{message.pk}/retry/")

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 0)
    event = AuditEvent.objects.get(action="outbox_message.retried")
    assert (event.actor_id, event.organization_id, event.target_id) == (
        admin.pk,
        org.pk,
        str(message.pk),
    )
    assert outbox_deliver(message_id=message.pk) == "sent"
    assert len(receiver.requests) == 1


def test_a_discarded_dead_letter_is_kept_as_discarded_and_is_not_changed_twice(admin, org):
    message = _dead(org)
    client = client_for(admin)

    client.post(f"/organizations/{org.pk}/dead-letters/{message.pk}/discard/")
    response = client.post(f"/organizations/{org.pk}/dead-letters/{message.pk}/retry/")

    assert response.status_code == 302
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.DISCARDED
    assert list(AuditEvent.objects.filter(action__startswith="outbox_message.").values_list(
        "action", flat=True
    )) == ["outbox_message.discarded"]  # fmt: skip
    page = client.get(f"/organizations/{org.pk}/dead-letters/").content.decode()
    assert "Nothing failed for good." in page


def test_the_django_admin_retries_a_dead_letter_through_the_audited_service(org):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    message = _dead(org)
    client = Client()
    client.force_login(staff)

    response = client.post(
        "/admin/outbox/outboxmessage/",
        {"action": "retry_dead", "index": 0, "_selected_action": [str(message.pk)]},
    )

    assert response.status_code == 302
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.PENDING
    event = AuditEvent.objects.get(action="outbox_message.retried")
    assert (event.actor_id, event.organization_id) == (staff.pk, org.pk)


# --- task runs ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_each_task_run_and_its_failures(worker, admin, org_member):
    succeeded = app.send_task("outbox.tasks.outbox_sweep")
    failed = app.send_task("outbox.tasks.outbox_deliver", kwargs={"message_id": "not-a-uuid"})
    worker.wait_for(2)

    runs = {run.task_id: run for run in TaskRun.objects.all()}
    ok, broken = runs[succeeded.id], runs[failed.id]
    assert (ok.task_name, ok.outcome, ok.error) == ("outbox.tasks.outbox_sweep", "succeeded", "")
    assert ok.finished_at is not None
    assert ok.duration_ms is not None
    assert (broken.task_name, broken.outcome) == ("outbox.tasks.outbox_deliver", "failed")
    assert broken.error.startswith("ValidationError")

    page = client_for(admin).get("/operations/task-runs/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "outbox.tasks.outbox_sweep" in text
    assert "outbox.tasks.outbox_deliver" in text
    assert "On demand" in text
    assert client_for(org_member()).get("/operations/task-runs/").status_code == 403


def test_task_runs_past_their_retention_are_pruned():
    now = timezone.now()
    TaskRun.objects.create(task_id="old", task_name="t", started_at=now - timedelta(days=15))
    TaskRun.objects.create(task_id="new", task_name="t", started_at=now - timedelta(days=13))

    assert task_runs_prune(now=now) == 1
    assert list(TaskRun.objects.values_list("task_id", flat=True)) == ["new"]


def test_every_task_has_a_soft_and_a_hard_time_limit():
    app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert "outbox.tasks.outbox_deliver" in ours
    for name in ours:
        task = app.tasks[name]
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft, name
        assert hard, name
        assert soft < hard, name
