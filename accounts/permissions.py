"""THE permission policy: one place answers "may this user do this?" and "what may they see?".

HTML views, the API (through `PolicyPermission`), selectors and tasks all call it. Objects of
an organisation the user does not belong to are invisible, so callers answer 404, never 403.

Models below the project level declare where their project or organisation is, with
`policy_project_path = "project"` or `policy_organization_path = "organization"`, so this
module never imports the apps above it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import OrganizationMembership, ProjectMembership

if TYPE_CHECKING:
    from rest_framework.views import APIView

OrgRole = OrganizationMembership.Role
ProjectRole = ProjectMembership.Role


class Perm(StrEnum):
    # organisation level
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"  # members, roles, invitations
    PROJECT_CREATE = "project.create"
    AUDIT_VIEW_ORG = "audit.view_org"
    INTAKE_TRIAGE = "intake.triage"  # accept, question or reject proposed use cases
    # project level
    PROJECT_VIEW = "project.view"
    PROJECT_CONTRIBUTE = "project.contribute"  # edit the project's records
    PROJECT_REVIEW = "project.review"  # review and comment
    PROJECT_MANAGE = "project.manage"  # settings, members, gate requests
    PROJECT_APPROVE_COMPLIANCE = "project.approve_compliance"  # the compliance sign-off


ORG_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    OrgRole.ADMIN: frozenset(
        {
            Perm.ORG_VIEW,
            Perm.ORG_MANAGE,
            Perm.PROJECT_CREATE,
            Perm.AUDIT_VIEW_ORG,
            Perm.INTAKE_TRIAGE,
        }
    ),
    OrgRole.COMPLIANCE_OFFICER: frozenset(
        {Perm.ORG_VIEW, Perm.PROJECT_CREATE, Perm.AUDIT_VIEW_ORG, Perm.INTAKE_TRIAGE}
    ),
    OrgRole.MEMBER: frozenset({Perm.ORG_VIEW, Perm.PROJECT_CREATE}),
}

# What an organisation role grants on every project of that organisation.
ORG_ROLE_PROJECT_PERMS: dict[str, frozenset[Perm]] = {
    OrgRole.ADMIN: frozenset({Perm.PROJECT_VIEW, Perm.PROJECT_CONTRIBUTE, Perm.PROJECT_MANAGE}),
    OrgRole.COMPLIANCE_OFFICER: frozenset(
        {Perm.PROJECT_VIEW, Perm.PROJECT_REVIEW, Perm.PROJECT_APPROVE_COMPLIANCE}
    ),
    OrgRole.MEMBER: frozenset(),
}

PROJECT_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    ProjectRole.MANAGER: frozenset(
        {Perm.PROJECT_VIEW, Perm.PROJECT_CONTRIBUTE, Perm.PROJECT_REVIEW, Perm.PROJECT_MANAGE}
    ),
    ProjectRole.CONTRIBUTOR: frozenset({Perm.PROJECT_VIEW, Perm.PROJECT_CONTRIBUTE}),
    ProjectRole.REVIEWER: frozenset({Perm.PROJECT_VIEW, Perm.PROJECT_REVIEW}),
    ProjectRole.VIEWER: frozenset({Perm.PROJECT_VIEW}),
}

ORG_SEES_ALL_PROJECTS = (OrgRole.ADMIN, OrgRole.COMPLIANCE_OFFICER)


def _project_model() -> type[Model]:
    return apps.get_model("projects", "Project")


def _is_signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- roles, cached on the user object for the length of a request or task ------------------


def org_roles(user: Any) -> dict[Any, str]:
    """{organization_id: role} of the user's memberships; one query per user object."""
    if not _is_signed_in(user):
        return {}
    cached = getattr(user, "_charter_org_roles", None)
    if cached is None:
        cached = dict(
            OrganizationMembership.objects.filter(user=user).values_list("organization_id", "role")
        )
        user._charter_org_roles = cached
    return cached


def project_role(user: Any, project: Any) -> str | None:
    """The user's role on one project, or None; cached per project on the user object."""
    if not _is_signed_in(user):
        return None
    cache: dict[Any, str | None] = user.__dict__.setdefault("_charter_project_roles", {})
    if project.pk not in cache:
        cache[project.pk] = (
            ProjectMembership.objects.filter(user=user, project_id=project.pk)
            .values_list("role", flat=True)
            .first()
        )
    return cache[project.pk]


def forget_roles(user: Any) -> None:
    """Drop cached roles after a membership change made in the same request."""
    user.__dict__.pop("_charter_org_roles", None)
    user.__dict__.pop("_charter_project_roles", None)


# --- the decision ---------------------------------------------------------------------------


def _resolve(obj: Any) -> tuple[Any, Any]:
    """(organization_id, project or None) of any governed object."""
    label = obj._meta.label_lower
    if label == "accounts.organization":
        return obj.pk, None
    if label == "projects.project":
        return obj.organization_id, obj
    project_path = getattr(obj, "policy_project_path", None)
    if project_path:
        project = obj
        for part in project_path.split("__"):
            project = getattr(project, part)
        return project.organization_id, project
    org_path = getattr(obj, "policy_organization_path", "organization")
    org = obj
    for part in org_path.split("__"):
        org = getattr(org, part)
    return org.pk, None


def perms_for(user: Any, obj: Any) -> frozenset[Perm]:
    """Every permission the user holds on `obj` (an organisation, project or governed row)."""
    org_id, project = _resolve(obj)
    role = org_roles(user).get(org_id)
    if role is None:
        return frozenset()  # not a member of that organisation: nothing, not even its existence
    if project is None:
        return ORG_ROLE_PERMS[role]
    granted = set(ORG_ROLE_PROJECT_PERMS[role])
    prole = project_role(user, project)
    if prole is not None:
        granted |= PROJECT_ROLE_PERMS[prole]
    return frozenset(granted)


def can(user: Any, perm: Perm, obj: Any) -> bool:
    """May `user` do `perm` on `obj`?"""
    return perm in perms_for(user, obj)


def require(user: Any, perm: Perm, obj: Any) -> None:
    """Raise PermissionDenied unless `user` may do `perm` on `obj` (services call this)."""
    if not can(user, perm, obj):
        raise PermissionDenied


def can_see(user: Any, obj: Any) -> bool:
    """Does `obj` exist for this user at all? False means answer 404."""
    perms = perms_for(user, obj)
    _, project = _resolve(obj)
    return Perm.PROJECT_VIEW in perms if project is not None else Perm.ORG_VIEW in perms


def can_map(user: Any, obj: Any) -> dict[str, bool]:
    """Template helper: {"project_manage": True, …} for `{% if can.project_manage %}`."""
    perms = perms_for(user, obj)
    return {perm.name.lower(): perm in perms for perm in Perm}


# --- what a user may see --------------------------------------------------------------------


def organizations_visible_to(user: Any) -> QuerySet[Any]:
    Organization = apps.get_model("accounts", "Organization")
    if not _is_signed_in(user):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)


def projects_visible_to(user: Any) -> QuerySet[Any]:
    """Projects of the user's organisations that their org role or a project role opens."""
    project_model = _project_model()
    if not _is_signed_in(user):
        return project_model.objects.none()
    memberships = OrganizationMembership.objects.filter(user=user)
    org_wide = memberships.filter(role__in=ORG_SEES_ALL_PROJECTS).values("organization_id")
    return project_model.objects.filter(
        organization_id__in=memberships.values("organization_id")
    ).filter(
        Q(organization_id__in=org_wide)
        | Q(id__in=ProjectMembership.objects.filter(user=user).values("project_id"))
    )


def visible(user: Any, model: type[Model]) -> QuerySet[Any]:
    """The rows of `model` this user may see, by the same rules as `can_see`."""
    label = model._meta.label_lower
    if label == "projects.project":
        return projects_visible_to(user)
    if label == "accounts.organization":
        return organizations_visible_to(user)
    if label == "audit.auditevent":
        return audit_events_visible_to(user)
    project_path = getattr(model, "policy_project_path", None)
    if project_path:
        return model._default_manager.filter(
            **{f"{project_path}__in": projects_visible_to(user).values("id")}
        )
    org_path = getattr(model, "policy_organization_path", "organization")
    return model._default_manager.filter(
        **{f"{org_path}__in": organizations_visible_to(user).values("id")}
    )


def audit_events_visible_to(user: Any) -> QuerySet[Any]:
    """Admins and compliance officers read their organisation's whole trail; others read the
    events of the projects they can see."""
    from audit.models import AuditEvent

    if not _is_signed_in(user):
        return AuditEvent.objects.none()
    org_wide = OrganizationMembership.objects.filter(
        user=user, role__in=ORG_SEES_ALL_PROJECTS
    ).values("organization_id")
    return AuditEvent.objects.filter(
        Q(organization_id__in=org_wide) | Q(project_id__in=projects_visible_to(user).values("id"))
    )


# --- DRF adapter ----------------------------------------------------------------------------


class PolicyPermission(BasePermission):
    """Maps a viewset action to a `Perm` with the view's `policy_perms` table.

    Objects are fetched from `visible(...)` querysets, so an object of another organisation
    is already a 404 before this runs; here a visible object without the permission is 403.
    """

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        table: dict[str, Perm] = getattr(view, "policy_perms", {})
        perm = table.get(getattr(view, "action", "") or "")
        if perm is None:
            return can_see(request.user, obj)
        return can(request.user, perm, obj)


def check_person_sees(person: Any, obj: Any, *, field: str, message: str) -> None:
    """Refuse (ValidationError on `field`) a person named in a record — an owner, an
    assignee, a facilitator — who could not see `obj`; None (nobody) passes."""
    from django.core.exceptions import ValidationError

    if person is not None and not can_see(person, obj):
        raise ValidationError({field: message})
