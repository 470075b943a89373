"""Evidence: a file, a link to a Charter record, or a URL, judged by someone other than whoever
provided it, attached to the checks it proves, and possibly expiring."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel


class Evidence(BaseModel):
    policy_project_path = "project"

    class Kind(models.TextChoices):
        FILE = "file", "Uploaded file"
        RECORD = "record", "A Charter record"
        URL = "url", "A link"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting judgement"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = LimitedTextField(blank=True, max_length=2000)
    # A file: stored outside the web root under a random name, served only through a view
    # that checks the policy; its name as uploaded (sanitised), type by content, size, hash.
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # A record: "<app_label>.<model>" and its id (a scope version, a decision record…).
    record_type = models.CharField(max_length=80, blank=True)
    record_id = models.UUIDField(null=True, blank=True)
    url = models.URLField(blank=True, max_length=1000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    judgement_comment = LimitedTextField(blank=True, max_length=5000)
    # Set by the daily expiry job once `expires_on` has passed: the evidence stops counting
    # as accepted, whatever its judgement was (kept for the record).
    expired_at = models.DateTimeField(null=True, blank=True)
    checks = models.ManyToManyField(
        "compliance.ComplianceCheck", related_name="evidence", through="CheckEvidence"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="file", sha256__regex=r"^[0-9a-f]{64}$")
                    | Q(kind="record", record_id__isnull=False)
                    | (Q(kind="url") & ~Q(url=""))
                ),
                name="%(app_label)s_%(class)s_kind_has_its_content",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "rejected"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_expired(self) -> bool:
        return self.expired_at is not None


class CheckEvidence(BaseModel):
    """Evidence attached to a check (and, through the crosswalk, counting for its mapped
    requirements' checks too)."""

    policy_project_path = "compliance_check__project"

    compliance_check = models.ForeignKey(
        "compliance.ComplianceCheck", on_delete=models.CASCADE, related_name="+"
    )
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="+")
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["compliance_check", "evidence"], name="check_evidence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evidence} for {self.compliance_check}"


class TrainingRecord(BaseModel):
    """AI-literacy training a person completed (EU AI Act Art. 4)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="training_records"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    completed_on = models.DateField()
    renews_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(renews_on__isnull=True) | Q(renews_on__gt=models.F("completed_on")),
                name="%(app_label)s_%(class)s_renews_after_completion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.course}"
