"""The Select → Adapt criteria models_registry owns: an approved decision record, backed by
at least two reviewers' complete scores."""

from __future__ import annotations

from models_registry.models import DecisionRecord
from projects.lifecycle import gates
from projects.models import Project

MIN_REVIEWERS = 2


def _approved(project: Project) -> DecisionRecord | None:
    return DecisionRecord.objects.filter(
        project=project, status=DecisionRecord.Status.APPROVED
    ).first()


@gates.register(
    "select",
    "adapt",
    key="decision_approved",
    label="An approved decision record (manager and compliance officer)",
    section="decision",
    owner_app="models_registry",
    order=10,
)
def decision_approved(project: Project) -> tuple[bool, str]:
    if _approved(project) is not None:
        return True, ""
    pending = DecisionRecord.objects.filter(
        project=project, status=DecisionRecord.Status.PENDING
    ).exists()
    if pending:
        return False, "The decision record awaits the compliance officer's approval."
    return False, "No decision record has been approved yet."


@gates.register(
    "select",
    "adapt",
    key="decision_reviewed",
    label=f"The decision is backed by at least {MIN_REVIEWERS} reviewers' complete scores",
    section="decision",
    owner_app="models_registry",
    order=20,
)
def decision_reviewed(project: Project) -> tuple[bool, str]:
    decision = _approved(project)
    if decision is None:
        return False, "No approved decision record yet."
    # Sheets are complete when submitted; the frozen matrix lists exactly those.
    reviewers = len(decision.frozen_matrix.get("reviewers", []))
    if reviewers < MIN_REVIEWERS:
        return False, f"The decision's matrix holds {reviewers} reviewer(s)' scores."
    return True, ""
