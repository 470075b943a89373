"""The outbox: every side effect a service asks for (an email today; webhooks and
notifications next) is a row written in the service's own transaction, delivered later by a
worker. A change and the work it promises commit together, or neither does.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import BaseModel


class OutboxMessage(BaseModel):
    """One side effect to deliver exactly once: `key` is its identity (a second request for the
    same work finds the row already there), `payload` names the objects by id — never a secret,
    which the handler creates at send time."""

    # The address a message goes to, and an SMTP error quoting it (audit/personal.py).
    personal_fields = ("recipient", "last_error")
    audit_safe_fields = ("kind", "key", "payload", "status")

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SUPERSEDED = "superseded", "Superseded"  # newer work made it moot (e.g. a reschedule)
        DEAD = "dead", "Dead"  # failed for good: shown to administrators, never retried alone
        DISCARDED = "discarded", "Discarded"  # dead, and an administrator gave up on it

    kind = models.CharField(max_length=80)
    key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    available_at = models.DateTimeField(default=timezone.now)
    # While SENDING: when the claim lapses, so a worker that died mid-send is replaced.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Whose work it is, for the organisation's administrators to see what failed (none: a
    # person's own mail across organisations, or a kind that does not say), and to whom it
    # goes (an address or a URL; shown masked when personal). The outbox sits below accounts,
    # so the organisation is an id, not a foreign key.
    organization_id = models.UUIDField(null=True, blank=True)
    recipient = models.CharField(max_length=254, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "sending", "sent", "superseded", "dead", "discarded"]
                ),
                name="outbox_outboxmessage_status_valid",
            )
        ]
        indexes = [
            models.Index(fields=["status", "available_at"], name="outbox_due"),
            models.Index(
                fields=["organization_id", "-updated_at"],
                condition=Q(status="dead"),
                name="outbox_dead_by_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"


class TaskRun(models.Model):
    """One run of one Celery task, written by the worker's task signals (outbox/taskruns.py):
    when it started, how long it took, how it ended. Kept for CHARTER_TASK_RUN_RETENTION_DAYS
    (the outbox sweep prunes older rows); operational bookkeeping, not a governed record."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        RETRY = "retry", "Retried"

    id = models.BigAutoField(primary_key=True)
    task_id = models.CharField(max_length=64, unique=True)
    task_name = models.CharField(max_length=200)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    error = models.CharField(max_length=300, blank=True)  # the exception's class and message

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["running", "succeeded", "failed", "retry"]),
                name="outbox_taskrun_outcome_valid",
            )
        ]
        indexes = [
            models.Index(fields=["task_name", "-started_at"], name="taskrun_by_task"),
            models.Index(fields=["started_at"], name="taskrun_started"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id} ({self.outcome})"
