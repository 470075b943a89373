"""Lifecycle gates: a request to move to the next phase, its two sign-offs, and phase history."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel, SignOff
from projects.models.project import PHASE_ORDER


class GateRequest(BaseModel):
    policy_project_path = "project"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting sign-off"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="gate_requests"
    )
    from_phase = models.CharField(max_length=16)
    to_phase = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = LimitedTextField(blank=True, max_length=5000)
    # The criteria as evaluated when the request was made and when it was decided.
    criteria_at_request = models.JSONField(default=list)
    criteria_at_decision = models.JSONField(default=list, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "withdrawn"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(from_phase__in=list(PHASE_ORDER)) & Q(to_phase__in=list(PHASE_ORDER)),
                name="%(app_label)s_%(class)s_phases_valid",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="pending"),
                name="gate_one_pending_request_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_phase} → {self.to_phase} ({self.status})"


class GateApproval(SignOff):
    """One sign-off on a gate request, in one capacity; one person never gives both."""

    policy_project_path = "request__project"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"

    request = models.ForeignKey(GateRequest, on_delete=models.CASCADE, related_name="approvals")
    decision = models.CharField(max_length=8, choices=Decision.choices)

    class Meta(SignOff.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["request", "capacity"], name="gate_one_signoff_per_capacity"
            ),
            models.UniqueConstraint(
                fields=["request", "approver"], name="gate_one_signoff_per_person"
            ),
            models.CheckConstraint(
                condition=Q(capacity__in=["manager", "compliance"]),
                name="%(app_label)s_%(class)s_capacity_valid",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["approve", "reject"]),
                name="%(app_label)s_%(class)s_decision_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capacity} {self.decision}"


class PhaseChange(BaseModel):
    """The project's phase history: gates passed and moves back with their reason."""

    policy_project_path = "project"

    class Direction(models.TextChoices):
        FORWARD = "forward", "Forward through a gate"
        BACK = "back", "Moved back"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_phase = models.CharField(max_length=16)
    to_phase = models.CharField(max_length=16)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    reason = LimitedTextField(blank=True, max_length=5000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    gate_request = models.OneToOneField(
        GateRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="phase_change",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="forward") | ~Q(reason=""),
                name="%(app_label)s_%(class)s_back_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_phase} → {self.to_phase}"
