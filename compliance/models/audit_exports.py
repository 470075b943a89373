"""Audit trail exports built by a worker: a large filtered view, written to a file in the
report folder (CHARTER_AUDIT_EXPORT_DIR) and downloadable once ready."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class AuditExport(BaseModel):
    """One requested export of an organisation's trail: the filter, the format, and where the
    job stands. The file itself carries the signed manifest; `sha256` is the file's digest."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSONL = "jsonl", "JSON Lines"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="audit_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_exports"
    )
    # The selector's filters, JSON-normalised (ids and ISO 8601 times as text).
    filters = models.JSONField(default=dict, blank=True)
    format = models.CharField(max_length=8, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=120, blank=True)  # inside CHARTER_AUDIT_EXPORT_DIR
    sha256 = models.CharField(max_length=64, blank=True)
    rows = models.PositiveBigIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["csv", "jsonl", "pdf"]),
                name="%(app_label)s_%(class)s_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "ready", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"audit export {self.format} {self.status}"
