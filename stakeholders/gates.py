"""The Scope → Select criterion the stakeholders app owns: a workshop was held."""

from typing import Any

from projects.lifecycle import gates
from stakeholders.models import Workshop


@gates.register(
    "scope",
    "select",
    key="workshop_held",
    label="At least one stakeholder workshop held",
    section="workshops",
    owner_app="stakeholders",
    order=20,
)
def workshop_held(project: Any) -> tuple[bool, str]:
    held = Workshop.objects.filter(project=project, status=Workshop.Status.HELD).exists()
    return held, "" if held else "No workshop has been recorded as held."
