"""The projects app's figures on the portfolio dashboard: the pipeline, the combined heat map
and the overdue tasks of the organisation's projects the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import Organization
from accounts.permissions import Actor, projects_visible_to, visible
from projects.models import GateRequest, Project, Risk
from projects.models.project import PHASE_ORDER
from projects.selectors.risks import heat_map_of
from projects.selectors.tasks import task_list_for_user

# Cards shown per phase; the phase's count links to the whole filtered list.
PIPELINE_CARDS = 6


def _visible_projects(*, user: Actor, organization: Organization) -> QuerySet[Project]:
    return projects_visible_to(user).filter(organization=organization)


def dashboard_pipeline(*, user: Actor, organization: Organization) -> list[dict[str, Any]]:
    """The visible projects by phase (one query), each with the state of its next gate: the
    latest request out of its current phase (awaiting sign-off, rejected, withdrawn) or none."""
    latest_gate = GateRequest.objects.filter(
        project=OuterRef("pk"), from_phase=OuterRef("phase")
    ).order_by("-created_at")
    projects = (
        _visible_projects(user=user, organization=organization)
        .exclude(status=Project.Status.ARCHIVED)
        .annotate(next_gate_state=Subquery(latest_gate.values("status")[:1]))
        .only("id", "name", "phase", "status")
        .order_by("name")
    )
    by_phase: dict[str, list[Project]] = {phase: [] for phase in PHASE_ORDER}
    for project in projects:
        by_phase[project.phase].append(project)
    labels = dict(Project.Phase.choices)
    gate_labels = dict(GateRequest.Status.choices)
    return [
        {
            "phase": phase,
            "label": labels[phase],
            "count": len(members),
            "cards": [
                {
                    "project": p,
                    "gate_state": getattr(p, "next_gate_state", None) or "",
                    "gate_label": gate_labels.get(
                        getattr(p, "next_gate_state", None) or "", "Not requested"
                    ),
                }
                for p in members[:PIPELINE_CARDS]
            ],
            "more": max(0, len(members) - PIPELINE_CARDS),
        }
        for phase, members in by_phase.items()
    ]


def dashboard_heat_map(*, user: Actor, organization: Organization) -> list[list[dict[str, int]]]:
    """5×5 counts of the open, scored risks of every visible project (one query), in the
    shape of the risk register's heat map so that both share its partial."""
    return heat_map_of(visible(user, Risk).filter(project__organization=organization))


def dashboard_overdue_tasks(*, user: Actor, organization: Organization) -> int:
    """How many of the user's open tasks in this organisation are past their due date (the
    count of "My work" filtered the same way)."""
    return task_list_for_user(user=user, mine=True, overdue_in=organization).count()


def dashboard_has_projects(*, user: Actor, organization: Organization) -> bool:
    """Whether the user sees any project of the organisation (else the dashboard invites
    them to create the first one)."""
    return _visible_projects(user=user, organization=organization).exists()
