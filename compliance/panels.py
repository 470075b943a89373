"""The panel the compliance app puts on the portfolio dashboard (registered from ready())."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from compliance.selectors.workspace import checks_by_framework, checks_due
from projects.dashboard import PanelData, panels

if TYPE_CHECKING:
    from accounts.models import Organization, User


@panels.register(
    key="compliance",
    title="Compliance per framework",
    template="compliance/panels/compliance.html",
    owner_app="compliance",
    order=40,
)
def compliance(user: User, organization: Organization) -> PanelData:
    """Hidden while the user sees no check: no framework applies to their projects yet."""
    frameworks = checks_by_framework(user=user, organization=organization)
    if not frameworks:
        return None
    due = checks_due(user=user, organization=organization, today=timezone.localdate())
    return {"frameworks": frameworks, **due}
