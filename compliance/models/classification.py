"""A project's EU AI Act classification: the questionnaire's answers, the tier and role they
give, the obligations that follow, and who classified and confirmed it. Re-classifying adds a
version; the history stays."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from compliance.classification import TIER_LABELS
from core.fields import LimitedTextField
from core.models import BaseModel

TIERS = ["minimal", "limited", "high", "prohibited"]


class Classification(BaseModel):
    policy_project_path = "project"

    class Role(models.TextChoices):
        PROVIDER = "provider", "Provider"
        DEPLOYER = "deployer", "Deployer"
        BOTH = "both", "Provider and deployer"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Awaiting a compliance officer"
        CONFIRMED = "confirmed", "Confirmed"
        SUPERSEDED = "superseded", "Superseded"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="classifications"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    # The questionnaire's answers, validated by compliance/classification.py.
    answers = models.JSONField(default=dict)
    role = models.CharField(max_length=16, choices=Role.choices)
    tier = models.CharField(max_length=16)  # a Project.RiskTier value other than unassessed
    # What the answers oblige beyond the tier: "transparency" (Art. 50), "gpai" (Art. 53).
    obligations = models.JSONField(default=list, blank=True)
    # Why, in the questionnaire's terms (generated) and in the classifier's words.
    reasons = models.JSONField(default=list, blank=True)
    rationale = LimitedTextField(max_length=5000)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="classification_number_unique"
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="proposed"),
                name="classification_one_proposed",
            ),
            models.CheckConstraint(
                condition=Q(tier__in=TIERS), name="%(app_label)s_%(class)s_tier_valid"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["provider", "deployer", "both"]),
                name="%(app_label)s_%(class)s_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "confirmed", "superseded"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}: {self.tier}"

    @property
    def tier_label(self) -> str:
        return TIER_LABELS.get(self.tier, self.tier)
