"""Bias audits: a compliance review, scheduled or ad hoc, of what the Adapt phase's bias checks
found on a project's model versions — its findings and actions, signed off by a compliance
officer other than whoever conducted it. A recurring audit schedules the next on sign-off."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel


class BiasAudit(BaseModel):
    policy_project_path = "project"

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        AD_HOC = "ad_hoc", "Ad hoc"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONDUCTED = "conducted", "Awaiting sign-off"
        SIGNED_OFF = "signed_off", "Signed off"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="bias_audits"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    due_on = models.DateField(null=True, blank=True)
    # Months until the next one once this one is signed off; empty for a one-off.
    recurrence_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The bias checks as they stood when the audit was conducted (ids, figures, outcomes).
    reviewed_checks = models.JSONField(default=list, blank=True)
    findings = LimitedTextField(blank=True, max_length=20000)
    actions = LimitedTextField(blank=True, max_length=20000)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conducted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_comment = LimitedTextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["scheduled", "ad_hoc"]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "conducted", "signed_off"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="scheduled") | Q(due_on__isnull=False),
                name="%(app_label)s_%(class)s_scheduled_has_due_date",
            ),
            models.CheckConstraint(
                condition=Q(status="planned")
                | Q(conducted_by__isnull=False, conducted_at__isnull=False),
                name="%(app_label)s_%(class)s_conducted_by_someone",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed_off")
                | Q(signed_off_by__isnull=False, signed_off_at__isnull=False),
                name="%(app_label)s_%(class)s_signed_off_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} bias audit of {self.project_id}"
