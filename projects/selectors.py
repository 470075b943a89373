"""Read queries of projects, always scoped by the permission policy."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Organization, ProjectMembership
from accounts.permissions import Perm, can, projects_visible_to
from projects.models import Project


def project_list_for_user(
    *,
    user: Any,
    organization: Organization | None = None,
    filters: dict[str, Any] | None = None,
) -> QuerySet[Project]:
    """Projects the user may see, optionally of one organisation, filtered and searched."""
    projects = projects_visible_to(user).select_related("owner", "organization")
    if organization is not None:
        projects = projects.filter(organization=organization)
    filters = filters or {}
    if filters.get("phase"):
        projects = projects.filter(phase=filters["phase"])
    if filters.get("status"):
        projects = projects.filter(status=filters["status"])
    if filters.get("q"):
        term = filters["q"]
        projects = projects.filter(Q(name__icontains=term) | Q(description__icontains=term))
    return projects.order_by("name")


def project_get_for_user(*, user: Any, id: Any, perm: Perm = Perm.PROJECT_VIEW) -> Project:
    """One project, or 404 if the user cannot see it; PermissionDenied without `perm`."""
    try:
        project = (
            projects_visible_to(user).select_related("owner", "organization").filter(pk=id).first()
        )
    except (ValueError, ValidationError):
        project = None
    if project is None:
        raise Http404
    if not can(user, perm, project):
        raise PermissionDenied
    return project


def project_member_list(*, user: Any, project: Project) -> QuerySet[ProjectMembership]:
    """The people on a project (the caller has already fetched the project through the policy)."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return ProjectMembership.objects.none()
    return ProjectMembership.objects.filter(project=project).select_related("user")


def project_member_get(*, user: Any, project: Project, id: Any) -> ProjectMembership:
    try:
        membership = project_member_list(user=user, project=project).filter(pk=id).first()
    except (ValueError, ValidationError):
        membership = None
    if membership is None:
        raise Http404
    return membership
