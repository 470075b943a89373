"""Reads of deployments (with their stages and timeline) and incidents (with their updates and
the serious-incident clock)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import Organization
from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from models_registry.incident_clock import remaining, serious_kinds
from models_registry.models import (
    Deployment,
    DeploymentEvent,
    Incident,
    PostMarketPlan,
    RolloutStage,
)
from projects.models import Project

_DEPLOYMENT = ("model_version", "prompt_version__template", "created_by", "approved_by")


def deployment_list(*, project: Project) -> QuerySet[Deployment]:
    return (
        Deployment.objects.filter(project=project)
        .select_related("project", *_DEPLOYMENT)
        .prefetch_related(
            Prefetch("stages", queryset=RolloutStage.objects.order_by("position")),
            Prefetch(
                "events",
                queryset=DeploymentEvent.objects.select_related("actor").order_by("created_at"),
            ),
        )
    )


def deployment_get_for_user(*, user: Actor, id: Any) -> Deployment:
    return visible_object_get(
        user=user,
        model=Deployment,
        id=id,
        queryset=visible(user, Deployment)
        .select_related("project__organization", *_DEPLOYMENT)
        .prefetch_related(
            Prefetch("stages", queryset=RolloutStage.objects.order_by("position")),
            Prefetch(
                "events",
                queryset=DeploymentEvent.objects.select_related("actor").order_by("created_at"),
            ),
        ),
    )


def deployment_in_project(*, project: Project, id: Any) -> Deployment | None:
    return Deployment.objects.filter(project=project, pk=id).first()


def _incidents() -> QuerySet[Incident]:
    return Incident.objects.select_related(
        "deployment", "model_version", "owner", "project"
    ).prefetch_related("updates__author")


def incident_list(*, project: Project, status: str = "") -> QuerySet[Incident]:
    rows = _incidents().filter(project=project)
    return rows.filter(status=status) if status else rows


def incident_get_for_user(*, user: Actor, id: Any) -> Incident:
    return visible_object_get(
        user=user,
        model=Incident,
        id=id,
        queryset=visible(user, Incident)
        .select_related("project__organization", "deployment", "model_version", "owner")
        .prefetch_related("updates__author"),
    )


def serious_clocks(*, user: Actor, organization: Organization) -> QuerySet[Incident]:
    """The organisation's serious incidents not yet reported, soonest deadline first (those of
    projects the user can see)."""
    return (
        visible(user, Incident)
        .filter(project__organization=organization)
        .exclude(serious_kind="")
        .filter(Q(reported_at__isnull=True))
        .select_related("project")
        .order_by("report_due_at")
    )


def clock(incident: Incident, now: datetime | None = None) -> dict[str, Any] | None:
    """The Art. 73 countdown of a serious incident: due when, how long left, late or not, and
    the legal source of its deadline; None for an incident that is not serious."""
    if not incident.serious_kind or incident.report_due_at is None:
        return None
    kind = serious_kinds().get(incident.serious_kind)
    left = remaining(incident.report_due_at, now or timezone.now())
    hours = int(left.total_seconds() // 3600)
    return {
        "due_at": incident.report_due_at,
        "reported": incident.reported_at is not None,
        "late": incident.reported_at is None and left.total_seconds() < 0,
        "hours_left": hours,
        "days_left": hours // 24,
        "label": kind.label if kind else incident.serious_kind,
        "days": kind.days if kind else None,
        "source": kind.source if kind else "",
    }


def post_market_plan_get(*, project: Project) -> PostMarketPlan | None:
    return (
        PostMarketPlan.objects.filter(project=project)
        .select_related("reviewer")
        .prefetch_related("reviews__reviewer")
        .first()
    )


# Open incidents first by severity on the portfolio dashboard (models_registry/panels.py).
SEVERITY_ORDER = ("critical", "high", "medium", "low")
DASHBOARD_ROWS = 8


def open_incident_list_for_user(
    *, user: Actor, organization: Organization, severity: str = ""
) -> QuerySet[Incident]:
    """The open (or under investigation) incidents of the organisation's projects the user may
    see, most severe and newest first, optionally of one severity."""
    incidents = visible(user, Incident).filter(
        project__organization=organization,
        status__in=[Incident.Status.OPEN, Incident.Status.INVESTIGATING],
    )
    if severity:
        incidents = incidents.filter(severity=severity)
    severity_rank = Case(
        *(When(severity=s, then=Value(i)) for i, s in enumerate(SEVERITY_ORDER)),
        output_field=IntegerField(),
    )
    return incidents.select_related("project", "owner").order_by(severity_rank, "-occurred_at")


def dashboard_open_incidents(*, user: Actor, organization: Organization) -> dict[str, Any]:
    """Open incidents of the visible projects: a count per severity (each the length of the
    incident list filtered by it) and the most severe ones (two queries)."""
    incidents = open_incident_list_for_user(user=user, organization=organization)
    counts = dict(
        incidents.values_list("severity")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("severity", "n")
    )
    labels = dict(Incident.Severity.choices)
    return {
        "by_severity": [
            {"severity": s, "label": labels[s], "count": counts.get(s, 0)} for s in SEVERITY_ORDER
        ],
        "total": sum(counts.values()),
        "incidents": list(incidents[:DASHBOARD_ROWS]),
    }


def dashboard_rollouts(*, user: Actor, organization: Organization) -> list[Deployment]:
    """Deployments rolling out or paused mid-rollout in the visible projects (one query)."""
    return list(
        visible(user, Deployment)
        .filter(
            project__organization=organization,
            status__in=[Deployment.Status.ROLLING_OUT, Deployment.Status.PAUSED],
        )
        .select_related("project")
        .order_by("project__name", "created_at")[:DASHBOARD_ROWS]
    )
