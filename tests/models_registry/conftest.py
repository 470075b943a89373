"""Fixtures and helpers of the Select phase's tests: a project in Select with its people, catalogue
models and candidates (rows built directly; behaviour goes through the services)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Organization, ProjectMembership, User
from models_registry import services
from models_registry.models import Candidate, CatalogueModel, Criterion
from projects.models import Project

ProjectRole = ProjectMembership.Role


def catalogue_model(organization: Organization, name: str, **fields: Any) -> CatalogueModel:
    values: dict[str, Any] = {
        "provider": "Acme AI",
        "name": name,
        "source": CatalogueModel.Source.CLOSED_API,
        "hosting": CatalogueModel.Hosting.VENDOR_API,
        "input_price_per_million": Decimal("2.50"),
        "output_price_per_million": Decimal("10.00"),
        "currency": "EUR",
    } | fields
    return CatalogueModel.objects.create(organization=organization, **values)


@pytest.fixture
def select_project(project: Project) -> Project:
    """The shared project, moved to Select with the five standard criteria."""
    services.selection_defaults_create(project=project)
    Project.objects.filter(pk=project.pk).update(phase=Project.Phase.SELECT)
    project.refresh_from_db()
    return project


@pytest.fixture
def reviewers(select_project: Project, project_member: Callable[..., User]) -> list[User]:
    return [project_member(select_project, ProjectRole.REVIEWER) for _ in range(2)]


@pytest.fixture
def candidates(select_project: Project, manager: User) -> list[Candidate]:
    org = select_project.organization
    return [
        services.candidate_create(
            actor=manager,
            project=select_project,
            catalogue_model=catalogue_model(org, "Falcon Large"),
            rationale="Strong on claims language.",
        ),
        services.candidate_create(
            actor=manager,
            project=select_project,
            catalogue_model=catalogue_model(
                org, "Open Seven", source=CatalogueModel.Source.OPEN_WEIGHTS, licence="Apache-2.0"
            ),
            rationale="Open weights, can be hosted in the EU.",
        ),
    ]


def score_all(
    reviewer: User, project: Project, values: dict[str, list[int]], *, submit: bool = True
) -> None:
    """Score every criterion of each candidate (by name) with the listed values."""
    criteria = list(Criterion.objects.filter(project=project))
    for candidate in Candidate.objects.filter(project=project):
        for criterion, value in zip(criteria, values[candidate.name], strict=True):
            services.score_record(
                actor=reviewer,
                candidate=candidate,
                criterion=criterion,
                value=value,
                justification=f"{value} because of what we saw in the trial.",
            )
    if submit:
        services.sheet_submit(actor=reviewer, project=project)
