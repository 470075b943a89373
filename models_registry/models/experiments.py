"""The Integrate & operate phase's A/B tests: a project's variants (model and/or prompt
versions) sharing live traffic, the totals observed for each, and the recorded outcome.

Charter does not route traffic: the serving side splits it and posts each variant's running
totals; Charter keeps the record and does the statistics (models_registry/experiment_stats.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel


class ABTest(BaseModel):
    policy_project_path = "project"

    class MetricKind(models.TextChoices):
        RATE = "rate", "Rate (successes of trials)"
        MEAN = "mean", "Mean (with its standard deviation)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    class Outcome(models.TextChoices):
        NONE = "", "Not finished"
        WINNER = "winner", "A variant won"
        NOT_SIGNIFICANT = "not_significant", "No significant difference"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="ab_tests"
    )
    name = models.CharField(max_length=200)
    hypothesis = LimitedTextField(blank=True, max_length=5000)
    metric_name = models.CharField(max_length=120)  # "resolution rate", "CSAT", "latency ms"
    metric_kind = models.CharField(max_length=8, choices=MetricKind.choices)
    higher_is_better = models.BooleanField(default=True)
    min_sample_per_variant = models.PositiveIntegerField(
        default=100, validators=[MinValueValidator(2)]
    )
    alpha = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.050"),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("0.5"))],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, default="")
    winner = models.ForeignKey(
        "models_registry.ABVariant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    conclusion = LimitedTextField(blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="ab_test_name"),
            models.CheckConstraint(
                condition=Q(metric_kind__in=["rate", "mean"]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "running", "finished"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(alpha__gt=0, alpha__lt=1), name="%(app_label)s_%(class)s_alpha_valid"
            ),
            # A winner is named only by a finished test whose outcome is "winner".
            models.CheckConstraint(
                condition=Q(winner__isnull=True) | Q(outcome="winner", status="finished"),
                name="%(app_label)s_%(class)s_winner_when_won",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ABVariant(BaseModel):
    """One arm of a test, with the totals last posted for it (a posting replaces them)."""

    policy_project_path = "test__project"

    test = models.ForeignKey(ABTest, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=120)
    is_control = models.BooleanField(default=False)
    model_version = models.ForeignKey(
        "models_registry.ModelVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    prompt_version = models.ForeignKey(
        "models_registry.PromptVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    traffic_share = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    # Totals: n for both kinds; successes for rates; mean and sd for means.
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    successes = models.PositiveIntegerField(null=True, blank=True)
    mean = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    std_dev = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    results_at = models.DateTimeField(null=True, blank=True)
    # The client's id of the last posting: the same batch posted again changes nothing.
    results_batch_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["test", "-is_control", "name"]
        constraints = [
            models.UniqueConstraint(fields=["test", "name"], name="ab_variant_name"),
            models.UniqueConstraint(
                fields=["test"], condition=Q(is_control=True), name="ab_variant_one_control"
            ),
            models.CheckConstraint(
                condition=Q(model_version__isnull=False) | Q(prompt_version__isnull=False),
                name="%(app_label)s_%(class)s_names_a_version",
            ),
            models.CheckConstraint(
                condition=Q(traffic_share__gte=1, traffic_share__lte=99),
                name="%(app_label)s_%(class)s_share_valid",
            ),
            models.CheckConstraint(
                condition=Q(successes__isnull=True) | Q(successes__lte=models.F("sample_size")),
                name="%(app_label)s_%(class)s_successes_within_trials",
            ),
            models.CheckConstraint(
                condition=Q(std_dev__isnull=True) | Q(std_dev__gte=0),
                name="%(app_label)s_%(class)s_std_dev_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_results(self) -> bool:
        return self.sample_size is not None


class OptimisationRecord(BaseModel):
    """An optimisation of a model version into another (quantisation, pruning, distillation,
    compilation for given hardware), with what it bought and what it cost: latency, memory
    and serving cost before and after, and the quality metric of a chosen evaluation of each."""

    policy_project_path = "project"

    class Technique(models.TextChoices):
        QUANTIZATION = "quantization", "Quantization"
        PRUNING = "pruning", "Pruning"
        DISTILLATION = "distillation", "Distillation (teacher → student)"
        COMPILATION = "compilation", "Hardware-specific compilation"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="optimisations"
    )
    technique = models.CharField(max_length=16, choices=Technique.choices)
    # Quantization: bit width and method (GPTQ, AWQ, int8 dynamic…); pruning: the share
    # removed; compilation: the target (TensorRT on L4…). Distillation's teacher is `before`.
    bits = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(32)]
    )
    method = models.CharField(max_length=120, blank=True)
    pruned_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    hardware = models.CharField(max_length=120, blank=True)
    before = models.ForeignKey(
        "models_registry.ModelVersion", on_delete=models.PROTECT, related_name="+"
    )
    after = models.ForeignKey(
        "models_registry.ModelVersion", on_delete=models.PROTECT, related_name="+"
    )
    before_evaluation = models.ForeignKey(
        "models_registry.Evaluation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    after_evaluation = models.ForeignKey(
        "models_registry.Evaluation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quality_metric = models.CharField(max_length=120, blank=True)
    latency_p50_before = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    latency_p50_after = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    latency_p95_before = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    latency_p95_after = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    memory_mb_before = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    memory_mb_after = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    cost_per_1k_before = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    cost_per_1k_after = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    notes = LimitedTextField(blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    technique__in=["quantization", "pruning", "distillation", "compilation"]
                ),
                name="%(app_label)s_%(class)s_technique_valid",
            ),
            models.CheckConstraint(
                condition=~Q(before=models.F("after")),
                name="%(app_label)s_%(class)s_two_versions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_technique_display()}: {self.before_id} → {self.after_id}"
