"""Feasibility study: technology, data, legal & ethical, budget — and a verdict."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel

CURRENCY = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code.")
DIMENSIONS = ("technology", "data", "legal", "budget")


class Rating(models.TextChoices):
    FEASIBLE = "feasible", "Feasible"
    WITH_EFFORT = "with_effort", "Feasible with effort"
    UNCERTAIN = "uncertain", "Uncertain"
    NOT_FEASIBLE = "not_feasible", "Not feasible"


RATING_VALUES = [value for value, _ in Rating.choices]


def _dimension(label: str) -> tuple[models.Field, models.Field, models.Field]:
    return (
        LimitedTextField(f"{label} findings", blank=True, max_length=10000),
        models.CharField(f"{label} rating", max_length=16, choices=Rating.choices, blank=True),
        LimitedTextField(f"{label} open questions", blank=True, max_length=5000),
    )


class FeasibilityStudy(BaseModel):
    policy_project_path = "project"

    Rating = Rating

    class Verdict(models.TextChoices):
        PENDING = "pending", "Not decided"
        GO = "go", "Go"
        GO_WITH_CONDITIONS = "go_with_conditions", "Go with conditions"
        NO_GO = "no_go", "No-go"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="feasibility_studies"
    )
    title = models.CharField(max_length=200, default="Feasibility study")
    technology_findings, technology_rating, technology_open_questions = _dimension("Technology")
    data_findings, data_rating, data_open_questions = _dimension("Data availability")
    legal_findings, legal_rating, legal_open_questions = _dimension("Legal and ethical")
    budget_findings, budget_rating, budget_open_questions = _dimension("Budget")
    currency = models.CharField(max_length=3, default="EUR", validators=[CURRENCY])
    estimated_cost = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    budget_available = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices, default=Verdict.PENDING)
    conditions = LimitedTextField(blank=True, max_length=5000)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feasibility studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=["pending", "go", "go_with_conditions", "no_go"]),
                name="%(app_label)s_%(class)s_verdict_valid",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{dim}_rating__in": ["", *RATING_VALUES]}),
                    name=f"%(app_label)s_%(class)s_{dim}_rating_valid",
                )
                for dim in DIMENSIONS
            ],
            models.CheckConstraint(
                condition=~Q(verdict="go_with_conditions") | ~Q(conditions=""),
                name="%(app_label)s_%(class)s_conditions_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    @property
    def is_go(self) -> bool:
        return self.verdict in (self.Verdict.GO, self.Verdict.GO_WITH_CONDITIONS)

    @property
    def budget_gap(self) -> Decimal | None:
        """Budget available minus estimated cost, when both are known."""
        if self.estimated_cost is None or self.budget_available is None:
            return None
        return self.budget_available - self.estimated_cost
