"""A project's Select phase: criteria and weights, candidates, the expected workload, the
reviewers' blind score sheets, and the decision record that freezes the matrix."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel, SignOff
from core.money import CurrencyField, validate_not_negative

MIN_SCORE = 1
MAX_SCORE = 5


class Criterion(BaseModel):
    """One thing candidates are scored on, with its weight in points (shown normalised as a
    share of all points) and, for a hard constraint, the mean score a candidate must reach."""

    policy_project_path = "project"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="selection_criteria"
    )
    # The five criteria every project starts with keep their key; added ones have none.
    key = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=120)
    description = LimitedTextField(blank=True, max_length=2000)
    weight = models.PositiveIntegerField(validators=[MaxValueValidator(1000)])
    is_hard_constraint = models.BooleanField(default=False)
    minimum_score = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"], name="selection_criterion_name_unique"
            ),
            models.UniqueConstraint(
                fields=["project", "key"],
                condition=~Q(key=""),
                name="selection_criterion_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(minimum_score__gte=MIN_SCORE, minimum_score__lte=MAX_SCORE),
                name="%(app_label)s_%(class)s_minimum_score_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Candidate(BaseModel):
    """A model put forward for the project: one of the catalogue's, or building one."""

    policy_project_path = "project"

    class Kind(models.TextChoices):
        CATALOGUE = "catalogue", "A catalogue model"
        BUILD = "build", "Build / train a new model"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="selection_candidates"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    catalogue_model = models.ForeignKey(
        "models_registry.CatalogueModel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    name = models.CharField(max_length=160)
    rationale = LimitedTextField(max_length=5000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Self-hosting and building are costed by compute rather than by tokens.
    gpu_hours_per_month = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[validate_not_negative]
    )
    gpu_hour_price = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True, validators=[validate_not_negative]
    )
    fixed_monthly_cost = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[validate_not_negative]
    )
    cost_currency = CurrencyField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="catalogue", catalogue_model__isnull=False)
                    | Q(kind="build", catalogue_model__isnull=True)
                ),
                name="%(app_label)s_%(class)s_kind_matches_model",
            ),
            models.UniqueConstraint(
                fields=["project", "catalogue_model"],
                condition=Q(catalogue_model__isnull=False),
                name="selection_candidate_model_once",
            ),
            models.UniqueConstraint(
                fields=["project", "name"], name="selection_candidate_name_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(gpu_hour_price__isnull=True, fixed_monthly_cost__isnull=True)
                    | ~Q(cost_currency="")
                ),
                name="%(app_label)s_%(class)s_costed_in_a_currency",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Workload(BaseModel):
    """The volume the project expects in production, which every candidate is costed on."""

    policy_project_path = "project"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="selection_workload"
    )
    requests_per_month = models.PositiveBigIntegerField(default=0)
    input_tokens_per_request = models.PositiveIntegerField(default=0)
    output_tokens_per_request = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.requests_per_month} requests/month"


class ScoreSheet(BaseModel):
    """One reviewer's scores on a project. Blind: until it is submitted (or the reviewer
    abstains) its owner sees nobody else's; once submitted it never changes."""

    policy_project_path = "project"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ABSTAINED = "abstained", "Abstained"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="score_sheets"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="score_sheets"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reviewer"], name="score_sheet_one_per_reviewer"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="draft", submitted_at__isnull=True)
                    | Q(status__in=["submitted", "abstained"], submitted_at__isnull=False)
                ),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.project} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_saved(self) -> bool:
        """False for the blank sheet shown to someone who has not scored yet (its UUID is
        made before it is saved, so `pk` cannot tell)."""
        return not self._state.adding


class Score(BaseModel):
    """A reviewer's score of one candidate on one criterion, with why."""

    policy_project_path = "sheet__project"

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)]
    )
    justification = LimitedTextField(max_length=2000)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "candidate", "criterion"], name="score_once_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=MIN_SCORE, value__lte=MAX_SCORE),
                name="%(app_label)s_%(class)s_value_range",
            ),
            models.CheckConstraint(
                condition=~Q(justification=""), name="%(app_label)s_%(class)s_justified"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value}"


class DecisionRecord(BaseModel):
    """The Select phase's outcome, frozen when recorded: the chosen candidate, why, what was
    rejected and why, and the matrix, sensitivity and costs as they stood."""

    policy_project_path = "project"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    class BuildOrBuy(models.TextChoices):
        BUY = "buy", "Use an existing model"
        BUILD = "build", "Build / train a model"

    class OpenOrClosed(models.TextChoices):
        OPEN = "open", "Open (weights available)"
        CLOSED = "closed", "Closed"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="selection_decisions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    chosen = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    chosen_label = models.CharField(max_length=160)
    build_or_buy = models.CharField(max_length=8, choices=BuildOrBuy.choices)
    open_or_closed = models.CharField(max_length=8, choices=OpenOrClosed.choices)
    rationale = LimitedTextField(max_length=10000)
    # [{"candidate": id, "label": …, "reason": …}] for every candidate not chosen.
    rejected_alternatives = models.JSONField(default=list)
    # The matrix, sensitivity and cost estimates exactly as they stood when recorded.
    frozen_matrix = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="decision_record_number_unique"
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="pending"),
                name="decision_record_one_pending",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="approved"),
                name="decision_record_one_approved",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "superseded"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(build_or_buy__in=["buy", "build"]),
                name="%(app_label)s_%(class)s_build_or_buy_valid",
            ),
            models.CheckConstraint(
                condition=Q(open_or_closed__in=["open", "closed"]),
                name="%(app_label)s_%(class)s_open_or_closed_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.number}: {self.chosen_label} ({self.status})"

    @property
    def code(self) -> str:
        return f"D-{self.number}"


class DecisionApproval(SignOff):
    """One sign-off of a decision record, in one capacity; one person never gives both."""

    policy_project_path = "decision__project"

    class Verdict(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"

    decision = models.ForeignKey(DecisionRecord, on_delete=models.CASCADE, related_name="approvals")
    verdict = models.CharField(max_length=8, choices=Verdict.choices)

    class Meta(SignOff.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "capacity"], name="decision_one_signoff_per_capacity"
            ),
            models.UniqueConstraint(
                fields=["decision", "approver"], name="decision_one_signoff_per_person"
            ),
            models.CheckConstraint(
                condition=Q(capacity__in=["manager", "compliance"]),
                name="%(app_label)s_%(class)s_capacity_valid",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=["approve", "reject"]),
                name="%(app_label)s_%(class)s_verdict_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capacity} {self.verdict}"
