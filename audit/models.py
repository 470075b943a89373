"""The audit trail: append-only and hash-chained per organisation."""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

SYSTEM_CHAIN = "system"
# How an event's hash is computed (audit/hashing.py): events written before RFC 8785 keep 1.
HASH_FORMAT_LEGACY = 1
HASH_FORMAT_JCS = 2


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
    origin = models.CharField(max_length=16, default="system")
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # PostgreSQL's transaction id: ties the event to the rows its transaction changed.
    transaction_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    hash_format = models.PositiveSmallIntegerField(default=HASH_FORMAT_JCS, editable=False)

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


class RowChange(models.Model):
    """A row inserted, updated or deleted in a governed table, captured by a PostgreSQL trigger.

    The trigger sees every write, whatever its path: services, the admin, bulk updates, raw
    SQL, psql. Rows are append-only like events, and `audit_seal_row_changes` folds them into
    the system chain (see RowSeal), so a later edit or deletion of a captured row is detected.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(db_index=True)
    transaction_id = models.BigIntegerField(db_index=True)
    table_name = models.CharField(max_length=63)
    row_id = models.CharField(max_length=64)
    operation = models.CharField(max_length=8)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["table_name", "row_id"])]

    def __str__(self) -> str:
        return f"{self.operation} {self.table_name}:{self.row_id}"


class RowSeal(models.Model):
    """Which chained seal event covers a captured row change (one seal per row change)."""

    row_change = models.OneToOneField(
        RowChange, on_delete=models.PROTECT, primary_key=True, related_name="seal"
    )
    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="row_seals")

    def __str__(self) -> str:
        return f"row change {self.row_change_id} sealed by {self.event_id}"


class AuditCheckpoint(models.Model):
    """A chain's head — its last sequence and hash at a moment — signed with the server's
    Ed25519 key. Written at least hourly here and outside the database (audit/checkpoints.py);
    a chain later found shorter, or with another hash at that sequence, was truncated or
    rewritten since. Append-only like the events it vouches for."""

    id = models.BigAutoField(primary_key=True)
    chain = models.CharField(max_length=36)
    sequence = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    taken_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)  # which public key verifies it
    signature = models.CharField(max_length=128)  # hex of the 64-byte Ed25519 signature

    class Meta:
        ordering = ["chain", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_checkpoint_once"),
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.chain} #{self.sequence}"


class AuditVerification(models.Model):
    """The outcome of verifying one chain in one run (`verify_audit_chain`, the daily job):
    kept so that a broken, timed-out or failed verification is seen — on /healthz and in the
    admin — and not only in a log. Append-only like the trail."""

    class Status(models.TextChoices):
        OK = "ok", "OK"
        BROKEN = "broken", "Broken"
        TIMED_OUT = "timed_out", "Timed out"
        ERROR = "error", "Error"

    id = models.BigAutoField(primary_key=True)
    run = models.UUIDField()  # the rows of one verification run share it
    chain = models.CharField(max_length=36)
    status = models.CharField(max_length=16, choices=Status.choices)
    checked_up_to = models.PositiveBigIntegerField(null=True, blank=True)  # last good sequence
    error = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "chain"]
        indexes = [models.Index(fields=["run"])]

    def __str__(self) -> str:
        return f"{self.chain}: {self.status} at {self.at:%Y-%m-%d %H:%M}"
