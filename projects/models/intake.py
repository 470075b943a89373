"""Use-case intake: proposed AI use cases, triaged into projects or turned down with a reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel


class UseCaseProposal(BaseModel):
    """An idea for an AI use case. The inventory keeps the rejected ones and why."""

    class Urgency(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        INFO_REQUESTED = "info_requested", "More information requested"
        ACCEPTED = "accepted", "Accepted into Scope"
        REJECTED = "rejected", "Rejected"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="use_case_proposals"
    )
    title = models.CharField(max_length=160)
    problem = LimitedTextField(max_length=5000)
    intended_users = LimitedTextField(max_length=2000)
    data_involved = LimitedTextField(max_length=5000)
    expected_benefit = LimitedTextField(max_length=5000)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.MEDIUM)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="use_case_proposals"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_note = LimitedTextField(blank=True, max_length=5000)
    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "info_requested", "accepted", "rejected"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=["low", "medium", "high", "critical"]),
                name="%(app_label)s_%(class)s_urgency_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(project__isnull=False),
                name="%(app_label)s_%(class)s_accepted_has_project",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.title
