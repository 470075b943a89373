"""The panel the models registry puts on the portfolio dashboard (registered from ready())."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models_registry.selectors.operate import dashboard_open_incidents, dashboard_rollouts
from projects.dashboard import PanelData, panels

if TYPE_CHECKING:
    from accounts.models import Organization, User


@panels.register(
    key="operations",
    title="Incidents and rollouts",
    template="models_registry/panels/operations.html",
    owner_app="models_registry",
    order=60,
)
def operations(user: User, organization: Organization) -> PanelData:
    return {
        **dashboard_open_incidents(user=user, organization=organization),
        "rollouts": dashboard_rollouts(user=user, organization=organization),
    }
