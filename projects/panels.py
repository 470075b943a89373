"""The panels the projects app puts on the portfolio dashboard (registered from ready())."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projects.dashboard import PanelData, panels
from projects.selectors.dashboard import (
    dashboard_heat_map,
    dashboard_overdue_tasks,
    dashboard_pipeline,
)

if TYPE_CHECKING:
    from accounts.models import Organization, User


@panels.register(
    key="pipeline",
    title="Projects by phase",
    template="projects/panels/pipeline.html",
    owner_app="projects",
    order=10,
)
def pipeline(user: User, organization: Organization) -> PanelData:
    return {"phases": dashboard_pipeline(user=user, organization=organization)}


@panels.register(
    key="heat_map",
    title="Open risks of the portfolio",
    template="projects/panels/heat_map.html",
    owner_app="projects",
    order=20,
)
def heat_map(user: User, organization: Organization) -> PanelData:
    cells = dashboard_heat_map(user=user, organization=organization)
    return {"heat_map": cells, "total": sum(cell["count"] for row in cells for cell in row)}


@panels.register(
    key="overdue_tasks",
    title="Your overdue tasks",
    template="projects/panels/overdue_tasks.html",
    owner_app="projects",
    order=30,
)
def overdue_tasks(user: User, organization: Organization) -> PanelData:
    return {"count": dashboard_overdue_tasks(user=user, organization=organization)}
