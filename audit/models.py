"""The audit trail: append-only and hash-chained per organisation."""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

SYSTEM_CHAIN = "system"


class AuditEvent(models.Model):
    """One state-changing action. Rows are never updated or deleted (database triggers).

    `chain` is the organisation id as text (or "system" for events with no organisation);
    `sequence` numbers the events of one chain from 1, and `hash` covers the row's canonical
    content plus `prev_hash`, the previous event's hash in the same chain.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chain = models.CharField(max_length=36, editable=False)
    sequence = models.PositiveBigIntegerField(editable=False)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(max_length=80)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder, blank=True)
    origin = models.CharField(max_length=16, default="web")
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-occurred_at", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_event_chain_seq"),
        ]
        indexes = [
            models.Index(fields=["organization", "-occurred_at"]),
            models.Index(fields=["project", "-occurred_at"]),
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["action"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id} #{self.sequence}"

    @property
    def created_at(self) -> "timezone.datetime":
        """Alias so cursor pagination and shared helpers can order by created_at."""
        return self.occurred_at
