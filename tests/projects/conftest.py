import pytest

from projects.models import Project
from tests.projects.scope_helpers import (
    approved_scope,
    assessed_risk,
    go_feasibility,
    held_workshop,
    reviewer_for,
)


@pytest.fixture
def ready_project(project, manager, project_member) -> Project:
    """A Scope project meeting every criterion of the Select gate (set up by the services)."""
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    go_feasibility(project, manager)
    assessed_risk(project, manager)
    return project
