"""Read queries of projects, always scoped by the permission policy."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from accounts.models import Organization, ProjectMembership
from accounts.permissions import Perm, can, projects_visible_to, visible
from accounts.selectors import visible_object_get
from projects.lifecycle import CriterionResult, gates
from projects.models import (
    FeasibilityStudy,
    GateApproval,
    GateRequest,
    Milestone,
    PhaseChange,
    Project,
    Risk,
    ScopeReviewComment,
    ScopeVersion,
    Task,
    UseCaseProposal,
)
from projects.models.risks import score_expression


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
    if filters.get("risk_tier"):
        projects = projects.filter(risk_tier=filters["risk_tier"])
    if filters.get("owner"):
        projects = projects.filter(owner_id=filters["owner"])
    if filters.get("status"):
        projects = projects.filter(status=filters["status"])
    if filters.get("q"):
        term = filters["q"]
        projects = projects.filter(Q(name__icontains=term) | Q(description__icontains=term))
    return projects.order_by("name")


def project_get_for_user(*, user: Any, id: Any, perm: Perm = Perm.PROJECT_VIEW) -> Project:
    """One project, or 404 if the user cannot see it; PermissionDenied without `perm`."""
    return visible_object_get(
        user=user,
        model=Project,
        id=id,
        perm=perm,
        queryset=projects_visible_to(user).select_related("owner", "organization"),
    )


def project_member_list(*, user: Any, project: Project) -> QuerySet[ProjectMembership]:
    """The people on a project (the caller has already fetched the project through the policy)."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return ProjectMembership.objects.none()
    return ProjectMembership.objects.filter(project=project).select_related("user")


def project_member_get(*, user: Any, project: Project, id: Any) -> ProjectMembership:
    return visible_object_get(
        user=user,
        model=ProjectMembership,
        id=id,
        queryset=project_member_list(user=user, project=project),
    )


# --- Scope phase --------------------------------------------------------------------------------


def proposal_list_for_user(
    *, user: Any, organization: Organization, status: str | None = None
) -> QuerySet[UseCaseProposal]:
    """The organisation's use-case inventory (every member sees it), newest first."""
    proposals = (
        visible(user, UseCaseProposal)
        .filter(organization=organization)
        .select_related("submitted_by", "triaged_by", "project")
    )
    if status:
        proposals = proposals.filter(status=status)
    return proposals.order_by("-created_at")


def proposal_get_for_user(*, user: Any, id: Any) -> UseCaseProposal:
    return visible_object_get(
        user=user,
        model=UseCaseProposal,
        id=id,
        queryset=visible(user, UseCaseProposal).select_related("organization", "submitted_by"),
    )


RISK_SORTS = {
    "score": ("-score_value", "reference"),
    "-score": ("score_value", "reference"),
    "reference": ("reference",),
    "review_date": ("review_date", "reference"),
    "residual": ("-residual_value", "reference"),
}


def risk_list(
    *, user: Any, project: Project, filters: dict[str, Any] | None = None
) -> QuerySet[Risk]:
    """The project's risk register, filtered (category, status, heat-map cell, overdue) and
    sorted; scores are computed in SQL so sorting needs no Python."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return Risk.objects.none()
    filters = filters or {}
    risks = (
        Risk.objects.filter(project=project)
        .select_related("owner")
        .annotate(
            score_value=score_expression(),
            residual_value=F("residual_likelihood") * F("residual_impact"),
        )
    )
    for name in ("category", "status", "likelihood", "impact"):
        if filters.get(name):
            risks = risks.filter(**{name: filters[name]})
    if filters.get("overdue"):
        risks = risks.filter(review_date__lt=timezone.localdate()).exclude(
            status=Risk.Status.CLOSED
        )
    order = RISK_SORTS.get(filters.get("sort") or "score", RISK_SORTS["score"])
    return risks.order_by(*(_nulls_last(o) for o in order))


def _nulls_last(field: str) -> Any:
    if field.startswith("-"):
        return F(field[1:]).desc(nulls_last=True)
    return F(field).asc(nulls_last=True)


def risk_heat_map(*, user: Any, project: Project) -> list[list[dict[str, int]]]:
    """5×5 counts of open risks by impact (rows, 5 at the top) and likelihood (columns).

    One query, whatever the number of risks.
    """
    counts: dict[tuple[int, int], int] = {}
    if can(user, Perm.PROJECT_VIEW, project):
        rows = (
            Risk.objects.filter(project=project, likelihood__isnull=False, impact__isnull=False)
            .exclude(status=Risk.Status.CLOSED)
            .values("likelihood", "impact")
            .annotate(count=Count("id"))
            .order_by()
        )
        counts = {(row["likelihood"], row["impact"]): row["count"] for row in rows}
    return [
        [
            {
                "likelihood": likelihood,
                "impact": impact,
                "count": counts.get((likelihood, impact), 0),
                "score": likelihood * impact,
            }
            for likelihood in range(1, 6)
        ]
        for impact in range(5, 0, -1)
    ]


def risk_get_for_user(*, user: Any, id: Any, perm: Perm = Perm.PROJECT_VIEW) -> Risk:
    return visible_object_get(
        user=user,
        model=Risk,
        id=id,
        perm=perm,
        queryset=visible(user, Risk).select_related("project__organization", "owner"),
    )


def scope_version_list(*, user: Any, project: Project) -> QuerySet[ScopeVersion]:
    """Every version of the project's scope document, newest first."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return ScopeVersion.objects.none()
    return (
        ScopeVersion.objects.filter(document__project=project)
        .select_related("created_by", "reviewed_by")
        .order_by("-number")
    )


def scope_version_get_for_user(*, user: Any, id: Any) -> ScopeVersion:
    """One version with its milestones, criteria and review comments."""
    return visible_object_get(
        user=user,
        model=ScopeVersion,
        id=id,
        queryset=visible(user, ScopeVersion)
        .select_related("document__project__organization", "created_by", "reviewed_by")
        .prefetch_related(
            "milestones",
            "success_criteria",
            Prefetch("comments", queryset=ScopeReviewComment.objects.select_related("author")),
        ),
    )


DIFFED_FIELDS = (
    "goals",
    "deliverables",
    "timeline_start",
    "timeline_end",
    "out_of_scope",
    "assumptions",
    "constraints",
)


def scope_version_diff(old: ScopeVersion, new: ScopeVersion) -> dict[str, dict[str, Any]]:
    """Field-by-field changes between two versions, milestones and criteria included."""
    changes: dict[str, dict[str, Any]] = {}
    for name in DIFFED_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes[name] = {"old": before, "new": after}
    for relation, describe in (
        ("milestones", lambda m: f"{m.title} — {m.due_date.isoformat()}"),
        ("success_criteria", str),
    ):
        before = [describe(row) for row in getattr(old, relation).all()]
        after = [describe(row) for row in getattr(new, relation).all()]
        if before != after:
            changes[relation] = {"old": before, "new": after}
    return changes


def feasibility_list(*, user: Any, project: Project) -> QuerySet[FeasibilityStudy]:
    if not can(user, Perm.PROJECT_VIEW, project):
        return FeasibilityStudy.objects.none()
    return FeasibilityStudy.objects.filter(project=project).select_related(
        "signed_off_by", "created_by"
    )


def feasibility_get_for_user(*, user: Any, id: Any) -> FeasibilityStudy:
    return visible_object_get(
        user=user,
        model=FeasibilityStudy,
        id=id,
        queryset=visible(user, FeasibilityStudy).select_related(
            "project__organization", "signed_off_by"
        ),
    )


def task_list_for_user(
    *, user: Any, project: Project | None = None, mine: bool = False, open_only: bool = True
) -> QuerySet[Task]:
    """Tasks of the projects the user can see: one project's, or the user's own ("My work")."""
    tasks = visible(user, Task).select_related("project", "assignee")
    if project is not None:
        tasks = tasks.filter(project=project)
    if mine:
        tasks = tasks.filter(assignee=user)
    if open_only:
        tasks = tasks.filter(status__in=[Task.Status.OPEN, Task.Status.IN_PROGRESS])
    return tasks.order_by(F("due_date").asc(nulls_last=True), "created_at")


def task_get_for_user(*, user: Any, id: Any) -> Task:
    return visible_object_get(
        user=user,
        model=Task,
        id=id,
        queryset=visible(user, Task).select_related("project__organization", "assignee"),
    )


def gate_request_get_for_user(*, user: Any, id: Any) -> GateRequest:
    return visible_object_get(
        user=user,
        model=GateRequest,
        id=id,
        queryset=visible(user, GateRequest)
        .select_related("project__organization", "requested_by")
        .prefetch_related(
            Prefetch("approvals", queryset=GateApproval.objects.select_related("approver"))
        ),
    )


@dataclass(frozen=True)
class GateStatus:
    to_phase: str | None
    criteria: list[CriterionResult]
    pending: GateRequest | None
    history: list[GateRequest]

    @property
    def all_met(self) -> bool:
        return all(c.met for c in self.criteria)


def gate_status(*, user: Any, project: Project) -> GateStatus:
    """The next gate's criteria evaluated now, the pending request and past requests."""
    if not can(user, Perm.PROJECT_VIEW, project):
        raise Http404
    requests = list(
        GateRequest.objects.filter(project=project)
        .select_related("requested_by")
        .prefetch_related(
            Prefetch("approvals", queryset=GateApproval.objects.select_related("approver"))
        )
        .order_by("-created_at")
    )
    pending = next((r for r in requests if r.status == GateRequest.Status.PENDING), None)
    return GateStatus(project.next_phase, gates.evaluate(project), pending, requests)


def phase_history(*, user: Any, project: Project) -> QuerySet[PhaseChange]:
    if not can(user, Perm.PROJECT_VIEW, project):
        return PhaseChange.objects.none()
    return PhaseChange.objects.filter(project=project).select_related("actor")


def upcoming_milestones(*, user: Any, project: Project, limit: int = 5) -> list[Milestone]:
    """Milestones from today on, of the approved scope version (or the latest if none)."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return []
    version = (
        ScopeVersion.objects.filter(document__project=project)
        .order_by(Case(When(status=ScopeVersion.Status.APPROVED, then=0), default=1), "-number")
        .first()
    )
    if version is None:
        return []
    return list(
        Milestone.objects.filter(version=version, due_date__gte=timezone.localdate()).order_by(
            "due_date"
        )[:limit]
    )


def project_overview(*, user: Any, project: Project) -> dict[str, Any]:
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


def project_people(*, user: Any, project: Project) -> list[tuple[str, str]]:
    """(id, label) of everyone who can see the project: owners and assignees come from here."""
    return [
        (str(person.pk), person.display_name)
        for person in project_people_list(user=user, project=project)
    ]


def project_people_list(*, user: Any, project: Project) -> list[Any]:
    """The users who can see the project (its members, the organisation's administrators and
    compliance officers), by name."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return []
    from accounts.models import User
    from accounts.permissions import ORG_SEES_ALL_PROJECTS

    people = (
        User.objects.filter(
            is_active=True, org_memberships__organization_id=project.organization_id
        )
        .filter(
            Q(project_memberships__project=project)
            | Q(
                org_memberships__role__in=ORG_SEES_ALL_PROJECTS,
                org_memberships__organization_id=project.organization_id,
            )
        )
        .distinct()
        .order_by("full_name", "email")
    )
    return list(people)


def project_member_candidates(*, user: Any, project: Project) -> list[Any]:
    """Members of the project's organisation who are not on the project yet."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return []
    from accounts.models import User

    return list(
        User.objects.filter(
            is_active=True, org_memberships__organization_id=project.organization_id
        )
        .exclude(project_memberships__project=project)
        .order_by("email")
    )


def project_person_get(*, user: Any, project: Project, id: Any) -> Any:
    """One person who can see the project (an owner or assignee picked in a form), or None."""
    from accounts.models import User

    if not id or not can(user, Perm.PROJECT_VIEW, project):
        return None
    wanted = {person_id for person_id, _ in project_people(user=user, project=project)}
    return User.objects.filter(pk=id).first() if str(id) in wanted else None


def project_audit_events(*, user: Any, project: Project) -> QuerySet[Any]:
    """The project's audit events, newest first (the caller fetched the project via the policy)."""
    from audit.models import AuditEvent

    if not can(user, Perm.PROJECT_VIEW, project):
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(project=project)
        .select_related("actor", "project")
        .order_by("-occurred_at", "-sequence")
    )


def project_owner_choices(*, user: Any, organization: Organization) -> list[tuple[str, str]]:
    """(id, name) of the owners of the projects the user can see, for the list's filter."""
    from accounts.models import User

    owner_ids = projects_visible_to(user).filter(organization=organization).values("owner_id")
    return [
        (str(person.pk), person.display_name)
        for person in User.objects.filter(pk__in=owner_ids).order_by("full_name", "email")
    ]
