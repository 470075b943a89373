"""Reads of compliance checks: a project's checks with their requirement and people, the
evidence that counts for a check (its own and, through the crosswalk, that of the checks of
the requirements it maps to), and what blocks a gate."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from compliance.models import (
    Classification,
    ComplianceCheck,
    Crosswalk,
    Evidence,
    OrganizationFramework,
)
from projects.models import Project
from projects.models.project import PHASE_ORDER

OPEN = ("not_started", "in_progress", "in_review", "not_met", "needs_review")
DONE = ("met", "not_applicable")


def check_list(
    *, project: Project, filters: dict[str, Any] | None = None
) -> QuerySet[ComplianceCheck]:
    checks = ComplianceCheck.objects.filter(project=project).select_related(
        "requirement__framework", "owner", "reviewer"
    )
    filters = filters or {}
    if filters.get("status"):
        checks = checks.filter(status=filters["status"])
    if filters.get("framework"):
        checks = checks.filter(requirement__framework__key=filters["framework"])
    if filters.get("phase"):
        checks = checks.filter(phase=filters["phase"])
    if filters.get("blocking") is not None and filters.get("blocking") != "":
        checks = checks.filter(blocking=bool(filters["blocking"]))
    return checks.order_by("requirement__framework__name", "requirement__order")


def check_get_for_user(*, user: Actor, id: Any) -> ComplianceCheck:
    return visible_object_get(
        user=user,
        model=ComplianceCheck,
        id=id,
        queryset=visible(user, ComplianceCheck)
        .select_related("project__organization", "requirement__framework", "owner", "reviewer")
        .prefetch_related("evidence", "reviews__reviewer"),
    )


def classification_get_for_user(*, user: Actor, id: Any) -> Classification:
    return visible_object_get(
        user=user,
        model=Classification,
        id=id,
        queryset=visible(user, Classification).select_related("project"),
    )


def project_frameworks(*, project: Project) -> list[tuple[str, str]]:
    """(key, name) of the frameworks the project's organisation follows."""
    return list(
        OrganizationFramework.objects.filter(organization_id=project.organization_id)
        .order_by("framework__name")
        .values_list("framework__key", "framework__name")
    )


def check_progress(*, project: Project) -> list[dict[str, Any]]:
    """Per framework: checks in all, met (or not applicable), and the share met, in %."""
    rows = (
        ComplianceCheck.objects.filter(project=project)
        .values("requirement__framework__key", "requirement__framework__name")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status__in=DONE)),
            blocking_open=Count("id", filter=Q(blocking=True, status__in=OPEN)),
        )
        .order_by("requirement__framework__name")
    )
    return [
        {
            "key": row["requirement__framework__key"],
            "name": row["requirement__framework__name"],
            "total": row["total"],
            "done": row["done"],
            "blocking_open": row["blocking_open"],
            "percent": round(100 * row["done"] / row["total"]) if row["total"] else 0,
        }
        for row in rows
    ]


def mapped_requirement_ids(requirement_id: Any) -> set[Any]:
    """The requirements a requirement maps to through the crosswalk, both directions."""
    rows = Crosswalk.objects.filter(
        Q(source_id=requirement_id) | Q(target_id=requirement_id), retired_in=""
    ).values_list("source_id", "target_id")
    return {pk for pair in rows for pk in pair} - {requirement_id}


def evidence_counting_for(check: ComplianceCheck) -> list[Evidence]:
    """The evidence attached to this check, and to the checks of the same project whose
    requirements the crosswalk maps to this one's: one piece serves each requirement."""
    mapped = mapped_requirement_ids(check.requirement_id)
    return list(
        Evidence.objects.filter(
            Q(checks=check)
            | Q(checks__project_id=check.project_id, checks__requirement_id__in=mapped)
        ).distinct()
    )


def blocking_for_gate(project: Project) -> list[ComplianceCheck]:
    """Open blocking checks due by the project's current phase (or an earlier one)."""
    due_phases = PHASE_ORDER[: PHASE_ORDER.index(project.phase) + 1]
    return list(
        ComplianceCheck.objects.filter(
            project=project, blocking=True, phase__in=due_phases, status__in=OPEN
        )
        .select_related("requirement__framework")
        .order_by("requirement__framework__name", "requirement__order")
    )


def current_classification(*, project: Project) -> Classification | None:
    return (
        Classification.objects.filter(project=project, status=Classification.Status.CONFIRMED)
        .select_related("classified_by", "confirmed_by")
        .order_by("-number")
        .first()
    )


def classification_history(*, project: Project) -> QuerySet[Classification]:
    return Classification.objects.filter(project=project).select_related(
        "classified_by", "confirmed_by"
    )
