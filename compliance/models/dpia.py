"""Data protection impact assessments (GDPR Art. 35), one version at a time per project.

A version is screened (the Art. 35(3) cases and the nine criteria of the EDPB's WP248
guidelines: whether one is required is computed, never typed), describes the processing
(nature, scope, context, purposes, the inventory's datasets), weighs necessity and
proportionality, links the risks of the project's register it addresses, says how they are
mitigated, carries the DPO's opinion, and is signed off by the project's manager and a
compliance officer — two people. A signed version is frozen: revising it starts version
n + 1 from a copy, and the earlier versions stay as they were.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel, SignOff
from models_registry.models.data_inventory import ChoiceListValidator

OPEN_STATUSES = ("draft", "in_review")


class Art35Case(models.TextChoices):
    """GDPR Art. 35(3): a DPIA is required in these cases whatever else holds."""

    SYSTEMATIC_EVALUATION = (
        "systematic_evaluation",
        "Systematic and extensive evaluation, incl. profiling, with legal or similar "
        "effects (Art. 35(3)(a))",
    )
    LARGE_SCALE_SPECIAL = (
        "large_scale_special",
        "Large-scale processing of special categories or criminal data (Art. 35(3)(b))",
    )
    PUBLIC_MONITORING = (
        "public_monitoring",
        "Systematic monitoring of a publicly accessible area on a large scale (Art. 35(3)(c))",
    )


class Wp248Criterion(models.TextChoices):
    """The nine criteria of WP248 rev.01 (endorsed by the EDPB): two or more met make a DPIA
    required in most cases."""

    EVALUATION_SCORING = "evaluation_scoring", "Evaluation or scoring, incl. profiling"
    AUTOMATED_DECISION = "automated_decision", "Automated decision with legal or similar effect"
    SYSTEMATIC_MONITORING = "systematic_monitoring", "Systematic monitoring"
    SENSITIVE_DATA = "sensitive_data", "Sensitive or highly personal data"
    LARGE_SCALE = "large_scale", "Data processed on a large scale"
    MATCHING_DATASETS = "matching_datasets", "Matching or combining datasets"
    VULNERABLE_SUBJECTS = "vulnerable_subjects", "Data concerning vulnerable data subjects"
    INNOVATIVE_TECHNOLOGY = "innovative_technology", "Innovative use of new technology"
    PREVENTS_RIGHTS = (
        "prevents_rights",
        "Prevents data subjects from exercising a right or using a service or contract",
    )


class DpiaVersion(BaseModel):
    policy_project_path = "project"
    # What may enter the trail (audit/personal.py): the texts describe processing, not people.
    audit_safe_fields = (
        "status",
        "art35_cases",
        "criteria",
        "screening_notes",
        "nature",
        "scope",
        "context",
        "purposes",
        "necessity",
        "risk_assessment",
        "mitigations",
        "dpo_opinion",
        "dpo_advice",
        "dpo_advice_reason",
    )
    Case = Art35Case
    Criterion = Wp248Criterion

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SIGNED_OFF = "signed_off", "Signed off"

    class Advice(models.TextChoices):
        FOLLOWED = "followed", "The DPO's advice is followed"
        NOT_FOLLOWED = "not_followed", "The DPO's advice is not followed (reasons recorded)"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="dpia_versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every change: an edit sent from an older revision is a conflict (409).
    revision = models.PositiveIntegerField(default=1)
    revised_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revised_by"
    )
    # --- screening ---
    art35_cases = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(Art35Case.values)]
    )
    criteria = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(Wp248Criterion.values)]
    )
    # Computed by the service from the two lists above (compliance/dpia_screening.py).
    is_required = models.BooleanField(default=False)
    screening_notes = LimitedTextField(blank=True, max_length=5000)
    # --- description of the processing ---
    nature = LimitedTextField(blank=True, max_length=5000)
    scope = LimitedTextField(blank=True, max_length=5000)
    context = LimitedTextField(blank=True, max_length=5000)
    purposes = LimitedTextField(blank=True, max_length=5000)
    datasets = models.ManyToManyField(
        "models_registry.Dataset", blank=True, related_name="dpia_versions"
    )
    # --- assessment ---
    necessity = LimitedTextField(blank=True, max_length=10000)  # necessity and proportionality
    risks = models.ManyToManyField("projects.Risk", blank=True, related_name="dpia_versions")
    risk_assessment = LimitedTextField(blank=True, max_length=10000)
    mitigations = LimitedTextField(blank=True, max_length=10000)
    # --- the DPO's opinion (Art. 35(2)), given by a compliance officer ---
    dpo_opinion = LimitedTextField(blank=True, max_length=10000)
    dpo_advice = models.CharField(max_length=12, choices=Advice.choices, blank=True)
    dpo_advice_reason = LimitedTextField(blank=True, max_length=5000)
    dpo_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dpo_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="dpia_version_number"),
            # One version is worked on at a time; the signed ones are the history.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=OPEN_STATUSES),
                name="dpia_one_open_version",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "signed_off"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(dpo_advice__in=["", "followed", "not_followed"]),
                name="%(app_label)s_%(class)s_dpo_advice_valid",
            ),
            # An opinion is whole: its text, its advice, who gave it and when.
            models.CheckConstraint(
                condition=Q(dpo_opinion="", dpo_advice="", dpo_by__isnull=True, dpo_at__isnull=True)
                | (
                    ~Q(dpo_opinion="")
                    & ~Q(dpo_advice="")
                    & Q(dpo_by__isnull=False, dpo_at__isnull=False)
                ),
                name="%(app_label)s_%(class)s_dpo_opinion_whole",
            ),
            models.CheckConstraint(
                condition=~Q(dpo_advice="not_followed") | ~Q(dpo_advice_reason=""),
                name="%(app_label)s_%(class)s_advice_not_followed_explained",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(submitted_by__isnull=False, submitted_at__isnull=False),
                name="%(app_label)s_%(class)s_submitted_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(status="signed_off", signed_off_at__isnull=False)
                | (~Q(status="signed_off") & Q(signed_off_at__isnull=True)),
                name="%(app_label)s_%(class)s_signed_off_when",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"DPIA v{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DpiaApproval(SignOff):
    """One sign-off of a DPIA version, in one capacity; one person never gives both."""

    policy_project_path = "dpia__project"
    audit_safe_fields = ("capacity", "comment")

    dpia = models.ForeignKey(DpiaVersion, on_delete=models.CASCADE, related_name="approvals")

    class Meta(SignOff.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["dpia", "capacity"], name="dpia_one_signoff_per_capacity"
            ),
            models.UniqueConstraint(
                fields=["dpia", "approver"], name="dpia_one_signoff_per_person"
            ),
            models.CheckConstraint(
                condition=Q(capacity__in=["manager", "compliance"]),
                name="%(app_label)s_%(class)s_capacity_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capacity} sign-off of {self.dpia}"
