"""People and events for the notifications tests."""

import pytest
from django.utils import timezone

from accounts.models import ProjectMembership
from models_registry.models import Incident, ModificationFlag
from tests.projects.scope_helpers import (
    approved_scope,
    assessed_risk,
    go_feasibility,
    held_workshop,
    reviewer_for,
)


@pytest.fixture
def second_manager(project, project_member):
    return project_member(project, ProjectMembership.Role.MANAGER)


@pytest.fixture
def incident(project, manager):
    return Incident.objects.create(
        project=project,
        title="latency_p95_ms above 500",
        severity=Incident.Severity.HIGH,
        occurred_at=timezone.now(),
        created_by=manager,
    )


@pytest.fixture
def flag(project):
    return ModificationFlag.objects.create(
        project=project,
        kind=ModificationFlag.Kind.FINE_TUNE,
        phase="operate",
        source_type="modelversion",
        source_id=project.pk,
        summary="claims-v2: fine-tuning",
    )


@pytest.fixture
def ready_project(project, manager, project_member):
    """A Scope project meeting every criterion of the Select gate (set up by the services)."""
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    go_feasibility(project, manager)
    assessed_risk(project, manager)
    return project
