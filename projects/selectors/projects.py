"""Projects: lists, one project, its members and the people who can see it, the overview."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization, ProjectMembership, User
from accounts.permissions import Actor, Perm, Rule, can, projects_visible_to, users_who_can_see
from accounts.selectors import visible_object_get
from projects.models import (
    Project,
    Risk,
)
from projects.selectors.gates import gate_status
from projects.selectors.risks import risk_heat_map, risk_list
from projects.selectors.scope import upcoming_milestones
from projects.selectors.tasks import task_list_for_user


def project_list_for_user(
    *,
    user: Actor,
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
    if filters.get("risk_tier"):
        projects = projects.filter(risk_tier=filters["risk_tier"])
    if filters.get("owner"):
        projects = projects.filter(owner_id=filters["owner"])
    if filters.get("status"):
        projects = projects.filter(status=filters["status"])
    if filters.get("likelihood") and filters.get("impact"):
        projects = projects.filter(
            Exists(
                Risk.objects.filter(
                    project=OuterRef("pk"),
                    likelihood=filters["likelihood"],
                    impact=filters["impact"],
                ).exclude(status=Risk.Status.CLOSED)
            )
        )
    if filters.get("q"):
        term = filters["q"]
        projects = projects.filter(Q(name__icontains=term) | Q(description__icontains=term))
    return projects.order_by("name")


def project_get_for_user(*, user: Actor, id: Any, perm: Perm | Rule = Perm.PROJECT_VIEW) -> Project:
    """One project, or 404 if the user cannot see it; PermissionDenied without `perm`."""
    return visible_object_get(
        user=user,
        model=Project,
        id=id,
        perm=perm,
        queryset=projects_visible_to(user).select_related("owner", "organization"),
    )


def project_member_list(*, user: Actor, project: Project) -> QuerySet[ProjectMembership]:
    """The people on a project (the caller has already fetched the project through the policy)."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return ProjectMembership.objects.none()
    return ProjectMembership.objects.filter(project=project).select_related("user")


def project_member_get(*, user: Actor, project: Project, id: Any) -> ProjectMembership:
    return visible_object_get(
        user=user,
        model=ProjectMembership,
        id=id,
        queryset=project_member_list(user=user, project=project),
    )


# --- Scope phase --------------------------------------------------------------------------------


def project_overview(*, user: Actor, project: Project) -> dict[str, Any]:
    """Everything the overview page shows, in a fixed number of queries."""
    return {
        "gate": gate_status(user=user, project=project),
        "top_risks": list(risk_list(user=user, project=project)[:5]),
        "heat_map": risk_heat_map(user=user, project=project),
        "milestones": upcoming_milestones(user=user, project=project),
        "open_tasks": list(task_list_for_user(user=user, project=project)[:5]),
        "recent_events": list(project_audit_events(user=user, project=project)[:10]),
        "overdue_reviews": Risk.objects.filter(
            project=project, review_date__lt=timezone.localdate()
        )
        .exclude(status=Risk.Status.CLOSED)
        .count(),
    }


def project_people(*, user: Actor, project: Project) -> list[tuple[str, str]]:
    """(id, label) of everyone who can see the project: owners and assignees come from here."""
    return [
        (str(person.pk), person.display_name)
        for person in project_people_list(user=user, project=project)
    ]


def project_people_list(*, user: Actor, project: Project) -> list[User]:
    """The users who can see the project (its members, the organisation's administrators and
    compliance officers), by name."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return []
    return list(users_who_can_see(project).order_by("full_name", "email"))


def project_member_candidates(*, user: Actor, project: Project) -> list[User]:
    """Members of the project's organisation who are not on the project yet."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return []

    return list(
        User.objects.filter(
            is_active=True, org_memberships__organization_id=project.organization_id
        )
        .exclude(project_memberships__project=project)
        .order_by("email")
    )


def project_person_get(*, user: Actor, project: Project, id: Any) -> User | None:
    """One person who can see the project (an owner or assignee picked in a form), or None."""
    if not id or not can(user, Perm.PROJECT_VIEW, project):
        return None
    wanted = {person_id for person_id, _ in project_people(user=user, project=project)}
    return User.objects.filter(pk=id).first() if str(id) in wanted else None


def project_audit_events(*, user: Actor, project: Project) -> QuerySet[Any]:
    """The project's audit events, newest first (the caller fetched the project via the policy)."""
    from audit.models import AuditEvent

    if not can(user, Perm.PROJECT_VIEW, project):
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(project=project)
        .select_related("actor", "project")
        .order_by("-occurred_at", "-sequence")
    )


def project_owner_choices(*, user: Actor, organization: Organization) -> list[tuple[str, str]]:
    """(id, name) of the owners of the projects the user can see, for the list's filter."""
    owner_ids = projects_visible_to(user).filter(organization=organization).values("owner_id")
    return [
        (str(person.pk), person.display_name)
        for person in User.objects.filter(pk__in=owner_ids).order_by("full_name", "email")
    ]
