"""Scope documents: versions, their differences, upcoming milestones."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Prefetch, QuerySet, When
from django.utils import timezone

from accounts.permissions import Actor, Perm, can, visible
from accounts.selectors import visible_object_get
from projects.models import (
    Milestone,
    Project,
    ScopeReviewComment,
    ScopeVersion,
    SuccessCriterion,
)


def scope_version_list(*, user: Actor, project: Project) -> QuerySet[ScopeVersion]:
    """Every version of the project's scope document, newest first."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return ScopeVersion.objects.none()
    return (
        ScopeVersion.objects.filter(document__project=project)
        .select_related("created_by", "reviewed_by")
        .order_by("-number")
    )


def scope_version_get_for_user(*, user: Actor, id: Any) -> ScopeVersion:
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


def upcoming_milestones(*, user: Actor, project: Project, limit: int = 5) -> list[Milestone]:
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


def approved_scope_version(*, project: Project) -> ScopeVersion | None:
    """The project's approved scope version (the latest, should there be more), or None."""
    return (
        ScopeVersion.objects.filter(document__project=project, status=ScopeVersion.Status.APPROVED)
        .order_by("-number")
        .first()
    )


def approved_success_criteria(*, project: Project) -> QuerySet[SuccessCriterion]:
    """The success criteria of the project's approved scope version: what its evaluations are
    judged against (none while no version is approved)."""
    version = approved_scope_version(project=project)
    if version is None:
        return SuccessCriterion.objects.none()
    return SuccessCriterion.objects.filter(version=version).order_by("position")
