"""The risk register: inherent and residual scores, owner, mitigation, review date."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import CombinedExpression
from django.utils import timezone

from core.fields import LimitedTextField
from core.models import BaseModel

SCALE = [MinValueValidator(1), MaxValueValidator(5)]
HIGH_RISK_SCORE = 15  # 5×5 matrix: 15 and above is high (e.g. likely × major)


class Risk(BaseModel):
    policy_project_path = "project"

    class Category(models.TextChoices):
        TECHNICAL = "technical", "Technical"
        DATA = "data", "Data"
        LEGAL = "legal", "Legal / regulatory"
        ETHICAL = "ethical", "Ethical / bias"
        SECURITY = "security", "Security"
        PRIVACY = "privacy", "Privacy"
        COST = "cost", "Cost"
        SCHEDULE = "schedule", "Schedule"
        VENDOR = "vendor", "Vendor"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATING = "mitigating", "Mitigating"
        ACCEPTED = "accepted", "Accepted"
        CLOSED = "closed", "Closed"

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="risks")
    reference = models.PositiveIntegerField(editable=False)  # … per project
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=16, choices=Category.choices)
    description = LimitedTextField(blank=True, max_length=5000)
    # Where the risk came from in the shipped library ("nist-ai-600-1:2", "owasp-llm:LLM01").
    library_ref = models.CharField(max_length=40, blank=True)
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    impact = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    residual_likelihood = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True, validators=SCALE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_risks",
    )
    mitigation_plan = LimitedTextField(blank=True, max_length=5000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    review_date = models.DateField(null=True, blank=True)
    # Optimistic concurrency: an edit must name the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["project", "reference"], name="risk_reference_unique"),
            models.CheckConstraint(
                condition=Q(
                    category__in=[
                        "technical",
                        "data",
                        "legal",
                        "ethical",
                        "security",
                        "privacy",
                        "cost",
                        "schedule",
                        "vendor",
                    ]
                ),
                name="%(app_label)s_%(class)s_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "mitigating", "accepted", "closed"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"%(app_label)s_%(class)s_{name}_1_to_5",
                )
                for name in ("likelihood", "impact", "residual_likelihood", "residual_impact")
            ],
        ]
        # PostgreSQL also has risk_score_order, the register's default order as an index
        # (migration 0005; SQLite refuses NULLS LAST in an index, so it is not declared here).
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"R-{self.reference} {self.title}"

    @property
    def code(self) -> str:
        return f"R-{self.reference}"

    @property
    def score(self) -> int | None:
        """Inherent score: likelihood × impact (1–25), None until both are set."""
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact

    @property
    def residual_score(self) -> int | None:
        if self.residual_likelihood is None or self.residual_impact is None:
            return None
        return self.residual_likelihood * self.residual_impact

    @property
    def is_scored(self) -> bool:
        return self.score is not None

    @property
    def is_high(self) -> bool:
        return self.score is not None and self.score >= HIGH_RISK_SCORE

    @property
    def is_review_overdue(self) -> bool:
        return (
            self.review_date is not None
            and self.status != self.Status.CLOSED
            and self.review_date < timezone.localdate()
        )


def score_expression() -> CombinedExpression:
    """likelihood × impact in SQL, for sorting and heat-map counts."""
    return F("likelihood") * F("impact")
