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

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SUPERSEDED = "superseded", "Superseded"  # newer work made it moot (e.g. a reschedule)
        DEAD = "dead", "Dead"  # failed for good: shown to administrators, never retried alone

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

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "superseded", "dead"]),
                name="outbox_outboxmessage_status_valid",
            )
        ]
        indexes = [models.Index(fields=["status", "available_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"
