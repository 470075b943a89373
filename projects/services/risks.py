"""The risk register: create (by hand or from the library) and update with a version check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import User
from accounts.permissions import Perm, check_person_sees, require
from audit.writer import audit_record
from core.errors import ConflictError, reject_unknown_fields
from core.services import model_update, snapshot
from projects.audit_actions import ProjectsAction
from projects.models import Project, Risk
from projects.risk_library import library_risk

RISK_FIELDS = (
    "title",
    "category",
    "description",
    "likelihood",
    "impact",
    "residual_likelihood",
    "residual_impact",
    "owner",
    "mitigation_plan",
    "status",
    "review_date",
)
STALE = "Someone changed this risk since you opened it: reload and apply your edit again."
OWNER_NOT_ON_PROJECT = "The owner must be someone who can see this project."


def _check_owner(owner: User | None, project: Project) -> None:
    check_person_sees(owner, project, field="owner", message=OWNER_NOT_ON_PROJECT)


@transaction.atomic
def risk_create(*, actor: User, project: Project, **fields: Any) -> Risk:
    """Add a risk to the project's register; it gets the next reference (R-1, R-2…)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, (*RISK_FIELDS, "library_ref"))
    _check_owner(fields.get("owner"), project)
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serialises references
    last = Risk.objects.filter(project=project).aggregate(last=Max("reference"))["last"] or 0
    risk = Risk(project=project, reference=last + 1, **fields)
    risk.full_clean()
    risk.save()
    audit_record(
        actor=actor,
        action=ProjectsAction.RISK_CREATED,
        target=risk,
        project=project,
        data=snapshot(risk, ["reference", "title", "category", "likelihood", "impact", "owner"])
        | {"library_ref": risk.library_ref},
    )
    return risk


@transaction.atomic
def risk_create_from_library(
    *, actor: User, project: Project, library_ref: str, **fields: Any
) -> Risk:
    """Start a risk from a library entry: its name, category, guidance and suggested mitigation."""
    entry = library_risk(library_ref)
    if entry is None:
        raise ValidationError({"library_ref": f"No library risk {library_ref!r}."})
    defaults = {
        "title": entry.name,
        "category": entry.category,
        "description": entry.guidance,
        "mitigation_plan": entry.suggested_mitigation,
    }
    return risk_create(actor=actor, project=project, library_ref=entry.ref, **(defaults | fields))


@transaction.atomic
def risk_update(*, actor: User, risk: Risk, expected_version: int, **changes: Any) -> Risk:
    """Change a risk. `expected_version` is the version the editor saw: if someone saved in
    between, the edit is refused (409) rather than silently overwriting theirs."""
    require(actor, Perm.PROJECT_CONTRIBUTE, risk.project)
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    if locked.version != expected_version:
        raise ConflictError(
            STALE, code="stale_version", details={"current_version": locked.version}
        )
    if "owner" in changes:
        _check_owner(changes["owner"], locked.project)
    locked, changed = model_update(
        instance=locked, fields=RISK_FIELDS, data=changes, counter="version"
    )
    if changed:
        audit_record(
            actor=actor,
            action=ProjectsAction.RISK_UPDATED,
            target=locked,
            project=locked.project,
            data=changed,
        )
    return locked
