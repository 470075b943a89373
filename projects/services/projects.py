"""Every state change of projects and their membership."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.memberships import lock_membership, set_role
from accounts.models import Organization, OrganizationMembership, ProjectMembership, User
from accounts.permissions import Perm, forget_roles, require
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from core.services import model_update, snapshot
from projects.audit_actions import ProjectsAction
from projects.models import Project
from projects.signals import project_created

USE_CASE_FIELDS = (
    "problem_statement",
    "end_users",
    "user_expectations",
    "business_goals",
    "intended_purpose",
)
PROJECT_EDITABLE_FIELDS = ("name", "description", "status", *USE_CASE_FIELDS)
NOT_AN_ORG_MEMBER = "Only members of the project's organisation can join it."
LAST_MANAGER = "A project must keep at least one manager."
NAME_TAKEN = "A project with this name already exists in the organisation."
CANNOT_CHANGE = "This field cannot be changed here."


def _check_unique_name(organization_id: Any, name: str, exclude_pk: Any = None) -> None:
    clash = Project.objects.filter(organization_id=organization_id, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": NAME_TAKEN})


@transaction.atomic
def project_create(
    *,
    actor: User,
    organization: Organization,
    name: str,
    description: str = "",
    use_case: dict[str, str] | None = None,
) -> Project:
    """Create a project in Scope; its creator owns it and becomes its manager.

    `use_case` may fill the use-case fields (problem statement, end users, expectations,
    business goals, intended purpose).
    """
    require(actor, Perm.PROJECT_CREATE, organization)
    use_case = use_case or {}
    reject_unknown_fields(use_case, USE_CASE_FIELDS)
    project = Project(
        organization=organization,
        name=name.strip(),
        description=description,
        owner=actor,
        **use_case,
    )
    # The name check comes first so a clash is reported on `name`, not as the model's
    # non-field unique-constraint error.
    _check_unique_name(organization.pk, project.name)
    project.full_clean(validate_unique=False)
    project.save()
    membership = ProjectMembership.objects.create(
        project=project, user=actor, role=ProjectMembership.Role.MANAGER
    )
    forget_roles(actor)
    project_created.send(sender=Project, project=project, actor=actor)
    audit_record(
        actor=actor,
        action=ProjectsAction.PROJECT_CREATED,
        target=project,
        project=project,
        data=snapshot(
            project, ["name", "description", "phase", "status", "owner", *USE_CASE_FIELDS]
        ),
    )
    audit_record(
        actor=actor,
        action=ProjectsAction.PROJECT_MEMBERSHIP_CREATED,
        target=membership,
        project=project,
        data={"user_id": str(actor.pk), "role": membership.role},
    )
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **changes: Any) -> Project:
    """Change a project's name, description, status or use case (managers and org admins)."""
    require(actor, Perm.PROJECT_MANAGE, project)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if "name" in changes:
        changes["name"] = changes["name"].strip()

    def check(locked: Project) -> None:
        if "name" in changes:
            _check_unique_name(locked.organization_id, locked.name, exclude_pk=locked.pk)

    locked, changed = model_update(
        instance=locked,
        fields=PROJECT_EDITABLE_FIELDS,
        data=changes,
        check=check,
        validate_unique=False,
        unknown_message=CANNOT_CHANGE,
    )
    if changed:
        audit_record(
            actor=actor,
            action=ProjectsAction.PROJECT_UPDATED,
            target=locked,
            project=locked,
            data=changed,
        )
    return locked


@transaction.atomic
def project_risk_tier_set(*, actor: User, project: Project, tier: str, reason: str) -> Project:
    """Set the project's EU AI Act tier (compliance officers): called by the compliance app
    when a classification is confirmed, which is what `reason` names."""
    require(actor, Perm.PROJECT_APPROVE_COMPLIANCE, project)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    locked, changed = model_update(instance=locked, fields=("risk_tier",), data={"risk_tier": tier})
    if changed:
        audit_record(
            actor=actor,
            action=ProjectsAction.PROJECT_UPDATED,
            target=locked,
            project=locked,
            data=changed | {"reason": reason},
        )
    return locked


def _lock_project_membership(
    membership: ProjectMembership, new_role: str | None
) -> ProjectMembership:
    return lock_membership(
        membership,
        scope_field="project_id",
        protected_role=ProjectMembership.Role.MANAGER,
        new_role=new_role,
        message=LAST_MANAGER,
    )


@transaction.atomic
def project_member_add(
    *, actor: User, project: Project, user: User, role: str
) -> ProjectMembership:
    """Give a member of the organisation a role on the project."""
    require(actor, Perm.PROJECT_MANAGE, project)
    if role not in ProjectMembership.Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if not OrganizationMembership.objects.filter(
        organization_id=project.organization_id, user=user
    ).exists():
        raise ValidationError({"user": NOT_AN_ORG_MEMBER})
    if ProjectMembership.objects.filter(project=project, user=user).exists():
        raise ValidationError({"user": "This person is already on the project."})
    membership = ProjectMembership.objects.create(project=project, user=user, role=role)
    forget_roles(user)
    audit_record(
        actor=actor,
        action=ProjectsAction.PROJECT_MEMBERSHIP_CREATED,
        target=membership,
        project=project,
        data={"user_id": str(user.pk), "role": role},
    )
    return membership


@transaction.atomic
def project_member_change_role(
    *, actor: User, membership: ProjectMembership, role: str
) -> ProjectMembership:
    """Change someone's role on a project; the last manager stays a manager."""
    require(actor, Perm.PROJECT_MANAGE, membership.project)
    locked = _lock_project_membership(membership, role)
    changes = set_role(locked, role)
    forget_roles(actor)
    if changes:
        audit_record(
            actor=actor,
            action=ProjectsAction.PROJECT_MEMBERSHIP_ROLE_CHANGED,
            target=locked,
            project=membership.project,
            data=changes,
        )
    return locked


@transaction.atomic
def project_member_remove(*, actor: User, membership: ProjectMembership) -> None:
    """Take someone off a project; the last manager cannot be removed."""
    require(actor, Perm.PROJECT_MANAGE, membership.project)
    locked = _lock_project_membership(membership, None)
    audit_record(
        actor=actor,
        action=ProjectsAction.PROJECT_MEMBERSHIP_REMOVED,
        target=locked,
        project=membership.project,
        data={"user_id": str(locked.user_id), "role": locked.role},
    )
    locked.delete()
    forget_roles(actor)
