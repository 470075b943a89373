"""The panel the stakeholders app puts on the portfolio dashboard (registered from ready())."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projects.dashboard import PanelData, panels
from stakeholders.selectors import dashboard_open_feedback_rounds, dashboard_upcoming_workshops

if TYPE_CHECKING:
    from accounts.models import Organization, User


@panels.register(
    key="engagement",
    title="Workshops and feedback rounds",
    template="stakeholders/panels/engagement.html",
    owner_app="stakeholders",
    order=50,
)
def engagement(user: User, organization: Organization) -> PanelData:
    return {
        "workshops": dashboard_upcoming_workshops(user=user, organization=organization),
        "rounds": dashboard_open_feedback_rounds(user=user, organization=organization),
    }
