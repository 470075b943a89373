"""Lifecycle gates: the next gate's status, requests and phase history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.permissions import Actor, Perm, can, visible
from accounts.selectors import visible_object_get
from projects.lifecycle import CriterionResult, gates
from projects.models import (
    GateApproval,
    GateRequest,
    PhaseChange,
    Project,
)


def gate_request_get_for_user(*, user: Actor, id: Any) -> GateRequest:
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


def gate_status(*, user: Actor, project: Project) -> GateStatus:
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


def phase_history(*, user: Actor, project: Project) -> QuerySet[PhaseChange]:
    if not can(user, Perm.PROJECT_VIEW, project):
        return PhaseChange.objects.none()
    return PhaseChange.objects.filter(project=project).select_related("actor")
