"""Projects: the governed AI initiatives of an organisation, with their use case."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel

PHASE_ORDER = ("scope", "select", "adapt", "integrate", "operate", "retired")


class Project(BaseModel):
    # What may enter the audit trail (audit/personal.py): a project's texts describe the
    # system, not people.
    audit_safe_fields = (
        "name",
        "description",
        "phase",
        "status",
        "problem_statement",
        "end_users",
        "user_expectations",
        "business_goals",
        "intended_purpose",
        "risk_tier",
    )

    class Phase(models.TextChoices):
        SCOPE = "scope", "Scope"
        SELECT = "select", "Select"
        ADAPT = "adapt", "Adapt & align"
        INTEGRATE = "integrate", "Integrate"
        OPERATE = "operate", "Operate"
        RETIRED = "retired", "Retired"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        ARCHIVED = "archived", "Archived"

    class RiskTier(models.TextChoices):
        """EU AI Act risk tier; the compliance app assesses it."""

        UNASSESSED = "unassessed", "Not assessed"
        MINIMAL = "minimal", "Minimal risk"
        LIMITED = "limited", "Limited risk (transparency)"
        HIGH = "high", "High risk"
        PROHIBITED = "prohibited", "Prohibited practice"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(max_length=160)
    description = LimitedTextField(blank=True, max_length=5000)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.SCOPE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    # The use case: what the AI solution is for, and for whom.
    problem_statement = LimitedTextField(blank=True, max_length=5000)
    end_users = LimitedTextField(blank=True, max_length=2000)
    user_expectations = LimitedTextField(blank=True, max_length=5000)
    business_goals = LimitedTextField(blank=True, max_length=5000)
    intended_purpose = LimitedTextField(blank=True, max_length=5000)
    risk_tier = models.CharField(
        max_length=16, choices=RiskTier.choices, default=RiskTier.UNASSESSED
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=list(PHASE_ORDER)),
                name="%(app_label)s_%(class)s_phase_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "on_hold", "archived"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    risk_tier__in=["unassessed", "minimal", "limited", "high", "prohibited"]
                ),
                name="%(app_label)s_%(class)s_risk_tier_valid",
            ),
            models.UniqueConstraint(
                fields=["organization", "name"], name="project_name_unique_in_org"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "phase"]),
            models.Index(fields=["organization", "risk_tier"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phase_index(self) -> int:
        return PHASE_ORDER.index(self.phase)

    @property
    def next_phase(self) -> str | None:
        """The phase a gate leads to (operate's leads to retired); None once retired."""
        index = self.phase_index
        return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None

    @property
    def previous_phase(self) -> str | None:
        index = self.phase_index
        return PHASE_ORDER[index - 1] if 0 < index <= PHASE_ORDER.index("operate") else None
