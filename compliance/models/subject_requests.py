"""Data-subject requests (GDPR Art. 15–21, CCPA) and the organisation's retention periods.

A request names its subject — a stakeholder or a user of the organisation — by foreign key,
never by name: the request outlives the erasure it may lead to, and its row holds nothing
the erasure would have to scrub. Its due date follows Art. 12(3): one calendar month from
receipt, extendable once by up to two further months with a recorded reason.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.fields import LimitedTextField
from core.models import BaseModel


class DataSubjectRequest(BaseModel):
    policy_organization_path = "organization"
    # The request's own text says how it is handled, not who the person is (audit/personal.py).
    audit_safe_fields = ("kind", "status", "extension_reason", "refusal_reason")

    class Kind(models.TextChoices):
        ACCESS = "access", "Access (Art. 15)"
        RECTIFICATION = "rectification", "Rectification (Art. 16)"
        ERASURE = "erasure", "Erasure (Art. 17)"
        OBJECTION = "objection", "Objection (Art. 21)"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        REFUSED = "refused", "Refused"

    OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS)

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="subject_requests"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Exactly one subject: a stakeholder, or a user (a member) of the organisation.
    stakeholder = models.ForeignKey(
        "stakeholders.Stakeholder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subject_requests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subject_requests",
    )
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    # Art. 12(3): once, by up to two further months, with the reason told to the subject.
    extended_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    extension_reason = LimitedTextField(blank=True, max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_subject_requests"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    refusal_reason = LimitedTextField(blank=True, max_length=2000)
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["access", "rectification", "erasure", "objection"]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "in_progress", "completed", "refused"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(stakeholder__isnull=False, user__isnull=True)
                | Q(stakeholder__isnull=True, user__isnull=False),
                name="%(app_label)s_%(class)s_one_subject",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="%(app_label)s_%(class)s_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(extended_months__isnull=True) | ~Q(extension_reason=""),
                name="%(app_label)s_%(class)s_extension_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def subject(self) -> models.Model:
        found: models.Model | None = self.stakeholder or self.user
        assert found is not None  # noqa: S101 — the one_subject constraint holds it
        return found

    @property
    def subject_type(self) -> str:
        return "stakeholder" if self.stakeholder_id else "user"


class RetentionRule(BaseModel):
    """How long the organisation keeps one type of record holding personal data; past it,
    the daily job flags the records for erasure (compliance/retention.py names the types)."""

    policy_organization_path = "organization"
    audit_safe_fields = ("record_type",)

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="retention_rules"
    )
    record_type = models.CharField(max_length=40)
    days = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["record_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "record_type"], name="retention_rule_one_per_type"
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1), name="%(app_label)s_%(class)s_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.days} days"
