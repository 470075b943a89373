"""A project ready for Adapt & align: an approved scope with two success criteria, a chosen
catalogue model, and a base version (built through the services)."""

from __future__ import annotations

from datetime import date
from typing import Any

from accounts.models import User
from models_registry import services
from models_registry.models import CatalogueModel, ModelVersion
from projects import services as project_services
from projects.models import Project, SuccessCriterion
from tests.models_registry.conftest import catalogue_model
from tests.projects.scope_helpers import study_author

CRITERIA = [
    {"metric": "Routing accuracy", "comparison": "gte", "target": "0.90", "unit": "ratio"},
    {"metric": "Median triage time", "comparison": "lte", "target": "4", "unit": "hours"},
]


def approve_scope(project: Project, reviewer: User) -> list[SuccessCriterion]:
    author = study_author(project)
    version = project_services.scope_version_create(
        actor=author,
        project=project,
        goals="Route claims to the right team in minutes.",
        timeline_start=date(2027, 1, 4),
        timeline_end=date(2027, 6, 30),
        success_criteria=CRITERIA,
    )
    project_services.scope_version_submit(actor=author, version=version)
    project_services.scope_version_approve(actor=reviewer, version=version, comment="Clear.")
    return list(SuccessCriterion.objects.filter(version=version).order_by("position"))


def base_version(project: Project, manager: User) -> ModelVersion:
    return services.model_version_create(
        actor=manager,
        project=project,
        base_model=CatalogueModel.objects.filter(organization=project.organization).first()
        or catalogue_model(project.organization, "Falcon Large"),
        description="The chosen model as it comes.",
    )


def metric(name: str, value: Any, **fields: Any) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": "ratio", "higher_is_better": True} | fields
