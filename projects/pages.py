"""Helpers shared by the project pages."""

from typing import Any

from accounts.permissions import can_map
from accounts.types import AuthenticatedRequest
from projects.models import Project
from projects.models.project import PHASE_ORDER

LIFECYCLE = [phase for phase in PHASE_ORDER if phase != "retired"]


def project_context(
    request: AuthenticatedRequest, project: Project, tab: str, **extra: Any
) -> dict[str, Any]:
    """What every project page's header and tabs need."""
    return {
        "project": project,
        "can": can_map(request.user, project),
        "tab": tab,
        "nav": "projects",
        "lifecycle": [
            {"key": key, "label": Project.Phase(key).label, "index": index}
            for index, key in enumerate(LIFECYCLE)
        ],
        **extra,
    }
