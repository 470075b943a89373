"""Action items from workshops, gate reviews, risk mitigations and check reviews."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel


class Task(BaseModel):
    policy_project_path = "project"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        MANUAL = "manual", "Added by hand"
        WORKSHOP = "workshop", "Workshop"
        GATE_REVIEW = "gate_review", "Gate review"
        RISK_MITIGATION = "risk_mitigation", "Risk mitigation"
        CHECK_REVIEW = "check_review", "Compliance check review"
        SCOPE_REVIEW = "scope_review", "Scope review"

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = LimitedTextField(blank=True, max_length=5000)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    # What the task came from (a risk, a gate request, a workshop…), by type and id, so
    # apps above projects can attach tasks without projects importing them.
    source_type = models.CharField(max_length=80, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done", "cancelled"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status", "due_date"]),
            models.Index(fields=["assignee", "status", "due_date"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
