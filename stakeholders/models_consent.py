"""Consent to the processing of feedback answers: the organisation's versioned policy, and
each stakeholder's record of consent given (and later withdrawn).

Both are records of what happened and are never deleted or rewritten: publishing new terms
adds a policy version (the old text and its hash stay), and a withdrawal stamps the record.
Imported by stakeholders/models.py, so Django finds them with the app's other models.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel

POLICY_TEXT_MAX = 10_000


def text_sha256(text: str) -> str:
    """The SHA-256 of the exact UTF-8 text shown to a stakeholder (hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ConsentPolicy(BaseModel):
    """One version of an organisation's terms of consent; the highest version is current."""

    policy_organization_path = "organization"
    # The organisation's own wording: no one's personal data (audit/personal.py).
    personal_fields = ()
    audit_excluded_fields = ()
    audit_safe_fields = ("purpose", "text", "text_sha256")

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="consent_policies"
    )
    version = models.PositiveIntegerField()
    purpose = models.CharField(max_length=200)
    text = LimitedTextField(max_length=POLICY_TEXT_MAX)
    text_sha256 = models.CharField(max_length=64, editable=False)
    required_on_feedback = models.BooleanField(
        "required on feedback forms",
        default=True,
        help_text="Stakeholders must consent before their feedback answers are stored.",
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_policies_published",
    )

    class Meta:
        ordering = ["organization", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version"], name="consent_policy_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="%(app_label)s_%(class)s_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} (version {self.version})"


class ConsentRecord(BaseModel):
    """A stakeholder's consent to one purpose under one policy version.

    `text_sha256` is the hash of the text rendered to them (the policy version's), so the
    record proves what they agreed to even if the wording later changes.
    """

    policy_organization_path = "stakeholder__organization"
    # How a withdrawal request reached the team may name or quote the person.
    personal_fields = ("withdrawal_note",)
    audit_excluded_fields = ()
    audit_safe_fields = ("purpose", "text_sha256", "withdrawn_via")

    class Via(models.TextChoices):
        LINK = "link", "The withdrawal link"
        REQUEST = "request", "A request to the team"

    stakeholder = models.ForeignKey(
        "stakeholders.Stakeholder", on_delete=models.PROTECT, related_name="consent_records"
    )
    policy = models.ForeignKey(ConsentPolicy, on_delete=models.PROTECT, related_name="records")
    purpose = models.CharField(max_length=200)
    text_sha256 = models.CharField(max_length=64)
    # The invite (and so the round) the consent was given through; kept if the round goes.
    invite = models.ForeignKey(
        "stakeholders.FeedbackInvite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_records",
    )
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_via = models.CharField(max_length=16, choices=Via.choices, blank=True)
    withdrawal_note = LimitedTextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["stakeholder", "-given_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_via__in=["", "link", "request"]),
                name="%(app_label)s_%(class)s_withdrawn_via_valid",
            ),
            # Withdrawn means stamped and said how; active means neither.
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_via="")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_via="")),
                name="%(app_label)s_%(class)s_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"consent of {self.stakeholder_id} to {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
