"""The Charter records a piece of evidence may point at, each resolved through its owning
app's selector (so the policy decides who sees it), and the project it belongs to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404

from accounts.permissions import Actor, visible
from compliance.selectors.dpia import dpia_version_get_for_user
from models_registry.selectors import decision_get_for_user
from projects.models import Project
from projects.selectors import (
    feasibility_get_for_user,
    risk_get_for_user,
    scope_version_get_for_user,
)
from stakeholders.selectors import workshop_get_for_user

UNKNOWN_TYPE = "Choose a kind of record: {choices}."
NOT_IN_PROJECT = "There is no such {label} in this project."


@dataclass(frozen=True)
class Linkable:
    label: str
    get: Callable[..., Model]
    project_path: str  # from the record to its project

    def project_id_of(self, record: Model) -> Any:
        obj: Any = record
        for part in self.project_path.split("__"):
            obj = getattr(obj, part)
        return obj


LINKABLE: dict[str, Linkable] = {
    "projects.feasibilitystudy": Linkable(
        "feasibility study", feasibility_get_for_user, "project_id"
    ),
    "projects.scopeversion": Linkable(
        "scope version", scope_version_get_for_user, "document__project_id"
    ),
    "projects.risk": Linkable("risk", risk_get_for_user, "project_id"),
    "stakeholders.workshop": Linkable("workshop", workshop_get_for_user, "project_id"),
    "models_registry.decisionrecord": Linkable(
        "decision record", decision_get_for_user, "project_id"
    ),
    "compliance.dpiaversion": Linkable("DPIA version", dpia_version_get_for_user, "project_id"),
}


def record_choices() -> list[tuple[str, str]]:
    return [(key, linkable.label.capitalize()) for key, linkable in LINKABLE.items()]


def linkable_records(*, user: Actor, project: Project) -> list[tuple[str, list[tuple[str, str]]]]:
    """The project's records evidence may point at, grouped by kind, as form choices whose
    value is "<record_type>:<id>" (one query per kind, only those the user may see)."""
    groups = []
    for key, linkable in LINKABLE.items():
        model = apps.get_model(key)
        rows = visible(user, model).filter(**{linkable.project_path: project.pk})
        choices = [(f"{key}:{row.pk}", str(row)) for row in rows]
        if choices:
            groups.append((linkable.label.capitalize(), choices))
    return groups


def record_resolve(*, user: Actor, project: Project, record_type: str, record_id: Any) -> Model:
    """The record of `project` that `user` may see, or a ValidationError naming the field:
    a record of another project or organisation does not exist here."""
    linkable = LINKABLE.get(record_type)
    if linkable is None:
        choices = ", ".join(LINKABLE)
        raise ValidationError({"record_type": UNKNOWN_TYPE.format(choices=choices)})
    try:
        record = linkable.get(user=user, id=record_id)
    except Http404:
        record = None
    if record is None or linkable.project_id_of(record) != project.pk:
        raise ValidationError({"record_id": NOT_IN_PROJECT.format(label=linkable.label)})
    return record
