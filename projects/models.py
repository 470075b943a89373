"""Projects: the governed AI initiatives of an organisation."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class Project(BaseModel):
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

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True, max_length=5000)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.SCOPE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    phase__in=["scope", "select", "adapt", "integrate", "operate", "retired"]
                ),
                name="%(app_label)s_%(class)s_phase_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "on_hold", "archived"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.UniqueConstraint(
                fields=["organization", "name"], name="project_name_unique_in_org"
            ),
        ]
        indexes = [models.Index(fields=["organization", "phase"])]

    def __str__(self) -> str:
        return self.name
