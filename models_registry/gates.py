"""The gate criteria models_registry owns. Select → Adapt: an approved decision record,
backed by at least two reviewers' complete scores. Adapt → Integrate: a version that meets
every success criterion of the approved scope, with a bias check cleared."""

from __future__ import annotations

from models_registry.models import DecisionRecord, ModelVersion
from models_registry.selectors.adapt import criteria_standing, version_bias_cleared
from projects.lifecycle import gates
from projects.models import Project
from projects.selectors import approved_success_criteria

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


# --- Adapt & align → Integrate -----------------------------------------------------------------


def _candidate(project: Project) -> tuple[ModelVersion | None, list[str]]:
    """The newest version whose bound figures pass every success criterion of the approved
    scope; else None and what the newest version still misses."""
    standing = criteria_standing(project=project)
    versions = list(ModelVersion.objects.filter(project=project).order_by("-number"))
    if not standing or not versions:
        return None, []
    newest_missing: list[str] = []
    for version in versions:
        missing = []
        for entry in standing:
            mine = [p for p in entry.points if p["version"].pk == version.pk]
            if not mine or not mine[-1]["passed"]:
                missing.append(str(entry.criterion))
        if not missing:
            return version, []
        if version is versions[0]:
            newest_missing = missing
    return None, newest_missing


@gates.register(
    "adapt",
    "integrate",
    key="success_criteria_met",
    label="A model version meets every success criterion of the approved scope",
    section="adapt",
    owner_app="models_registry",
    order=10,
)
def success_criteria_met(project: Project) -> tuple[bool, str]:
    if not approved_success_criteria(project=project).exists():
        return False, "The approved scope version has no success criteria to meet."
    version, missing = _candidate(project)
    if version is not None:
        return True, f"{version.name} meets them all."
    if not missing:
        return False, "No model version has been evaluated against the criteria yet."
    return False, "The newest version does not yet pass: " + "; ".join(missing) + "."


@gates.register(
    "adapt",
    "integrate",
    key="bias_check_cleared",
    label="A bias check on that version is completed as acceptable or mitigated",
    section="adapt",
    owner_app="models_registry",
    order=20,
)
def bias_check_cleared(project: Project) -> tuple[bool, str]:
    version, _ = _candidate(project)
    if version is None:
        return False, "No version meets the success criteria yet, so none is ready for its check."
    if version_bias_cleared(version=version):
        return True, ""
    return False, f"{version.name} has no bias check completed as acceptable or mitigated."
