"""Compliance checks: one per applicable requirement per project, with its owner, due date,
the phase it must be met by, whether it blocks that gate, its evidence and its reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel

CHECK_STATUSES = [
    "not_started",
    "in_progress",
    "in_review",
    "met",
    "not_met",
    "not_applicable",
    "needs_review",
]


class ComplianceCheck(BaseModel):
    policy_project_path = "project"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        IN_REVIEW = "in_review", "Awaiting review"
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        NOT_APPLICABLE = "not_applicable", "Not applicable"
        NEEDS_REVIEW = "needs_review", "Needs review"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="compliance_checks"
    )
    requirement = models.ForeignKey(
        "compliance.Requirement", on_delete=models.PROTECT, related_name="checks"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    # What the owner asks the reviewer to accept: met, or not applicable (with why).
    claim = models.CharField(max_length=16, blank=True)
    justification = LimitedTextField(blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    phase = models.CharField(max_length=16)
    blocking = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "requirement"], name="compliance_check_once_per_requirement"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CHECK_STATUSES), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="not_applicable") | ~Q(justification=""),
                name="%(app_label)s_%(class)s_not_applicable_justified",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.requirement} on {self.project}: {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.MET, self.Status.NOT_APPLICABLE)


class CheckReview(BaseModel):
    """A reviewer's verdict on what a check's owner claims."""

    policy_project_path = "compliance_check__project"

    class Verdict(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"

    compliance_check = models.ForeignKey(
        ComplianceCheck, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    claim = models.CharField(max_length=16)
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    comment = LimitedTextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=["approve", "reject"]),
                name="%(app_label)s_%(class)s_verdict_valid",
            ),
            models.CheckConstraint(
                condition=Q(verdict="approve") | ~Q(comment=""),
                name="%(app_label)s_%(class)s_rejection_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verdict} {self.compliance_check}"
