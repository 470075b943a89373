"""The stakeholder registry and the links between stakeholders and projects."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Organization, User
from accounts.permissions import Perm, Rule, require
from audit.personal import personal_fields
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from core.services import model_update, snapshot
from stakeholders.audit_actions import StakeholdersAction
from stakeholders.models import ProjectStakeholder, Stakeholder

STAKEHOLDER_FIELDS = (
    "name",
    "email",
    "unit",
    "kind",
    "influence",
    "interest",
    "preferred_contact",
    "notes",
    "user",
)
# Personal data stays off the trail: these fields are reported by name only (declared on the
# model, audit/personal.py).
PERSONAL_FIELDS = personal_fields(Stakeholder)
EMAIL_TAKEN = "A stakeholder with this email already exists in the organisation."


def _audit_data(stakeholder: Stakeholder, fields: list[str]) -> dict[str, Any]:
    public = [f for f in fields if f not in PERSONAL_FIELDS]
    return snapshot(stakeholder, public) | {
        "personal_fields": sorted(f for f in fields if f in PERSONAL_FIELDS)
    }


@transaction.atomic
def stakeholder_create(*, actor: User, organization: Organization, **fields: Any) -> Stakeholder:
    """Add a person to the organisation's stakeholder registry (any member)."""
    require(actor, Perm.ORG_VIEW, organization)
    reject_unknown_fields(fields, STAKEHOLDER_FIELDS)
    stakeholder = Stakeholder(organization=organization, **fields)
    stakeholder.email = (stakeholder.email or "").strip().lower()
    stakeholder.full_clean(validate_unique=False, validate_constraints=False)
    if Stakeholder.objects.filter(organization=organization, email=stakeholder.email).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    stakeholder.save()
    audit_record(
        actor=actor,
        action=StakeholdersAction.STAKEHOLDER_CREATED,
        target=stakeholder,
        data=_audit_data(stakeholder, [*fields]),
    )
    return stakeholder


@transaction.atomic
def stakeholder_update(*, actor: User, stakeholder: Stakeholder, **changes: Any) -> Stakeholder:
    """Edit a stakeholder's details (administrators, or contributors of a project the
    stakeholder takes part in: their email receives the feedback links and invitations)."""
    require(actor, Rule.STAKEHOLDER_EDIT, stakeholder)
    locked = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    if "email" in changes:
        changes["email"] = changes["email"].strip().lower()

    def check_email_free(locked: Stakeholder) -> None:
        if (
            "email" in changes
            and Stakeholder.objects.filter(
                organization_id=locked.organization_id, email=locked.email
            )
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError({"email": EMAIL_TAKEN})

    locked, changed = model_update(
        instance=locked,
        fields=STAKEHOLDER_FIELDS,
        data=changes,
        check=check_email_free,
        validate_unique=False,
        validate_constraints=False,
    )
    if changed:
        # Old and new of the public fields; personal fields are named, never copied.
        audit_record(
            actor=actor,
            action=StakeholdersAction.STAKEHOLDER_UPDATED,
            target=locked,
            data={k: v for k, v in changed.items() if k not in PERSONAL_FIELDS}
            | {"personal_fields": sorted(k for k in changed if k in PERSONAL_FIELDS)},
        )
    return locked


@transaction.atomic
def stakeholder_create_on_project(
    *, actor: User, project: Any, role: str = "", **fields: Any
) -> ProjectStakeholder:
    """Add a person to the registry and to the project they were added from, together: a
    contributor of the project adds them, or nothing is written."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    person = stakeholder_create(actor=actor, organization=project.organization, **fields)
    return stakeholder_link(actor=actor, project=project, stakeholder=person, role=role)


@transaction.atomic
def stakeholder_link(
    *, actor: User, project: Any, stakeholder: Stakeholder, role: str = ""
) -> ProjectStakeholder:
    """Involve a stakeholder of the organisation in a project."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    if stakeholder.organization_id != project.organization_id:
        raise ValidationError({"stakeholder": "This stakeholder belongs to another organisation."})
    if ProjectStakeholder.objects.filter(project=project, stakeholder=stakeholder).exists():
        raise ValidationError({"stakeholder": "This stakeholder is already on the project."})
    link = ProjectStakeholder(project=project, stakeholder=stakeholder, role=role.strip())
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action=StakeholdersAction.PROJECT_STAKEHOLDER_CREATED,
        target=link,
        project=project,
        data={"stakeholder_id": str(stakeholder.pk), "role": link.role},
    )
    return link


@transaction.atomic
def stakeholder_unlink(*, actor: User, link: ProjectStakeholder) -> None:
    """Take a stakeholder off a project (the registry entry stays)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, link.project)
    audit_record(
        actor=actor,
        action=StakeholdersAction.PROJECT_STAKEHOLDER_REMOVED,
        target=link,
        project=link.project,
        data={"stakeholder_id": str(link.stakeholder_id)},
    )
    link.delete()
