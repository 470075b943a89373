"""The gate criteria models_registry owns. Select → Adapt: an approved decision record,
backed by at least two reviewers' complete scores. Adapt → Integrate: a version that meets
every success criterion of the approved scope, with a bias check cleared. Integrate → Operate:
an approved production rollout plan with monitoring thresholds, and a post-market monitoring
plan, and every possible substantial modification assessed. Operate → Retired: every deployment
rolled back or ended."""

from __future__ import annotations

from models_registry.models import (
    DecisionRecord,
    Deployment,
    ModelVersion,
    ModificationFlag,
    PostMarketPlan,
)
from models_registry.selectors.adapt import (
    criteria_missed,
    criteria_standing,
    version_bias_cleared,
)
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
    for version in versions:
        if not criteria_missed(standing, version):
            return version, []
    return None, criteria_missed(standing, versions[0])


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


# --- Integrate → Operate -----------------------------------------------------------------------

LIVE = (Deployment.Status.APPROVED, Deployment.Status.ROLLING_OUT, Deployment.Status.COMPLETED)


def _production(project: Project) -> Deployment | None:
    return (
        Deployment.objects.filter(
            project=project, environment=Deployment.Environment.PRODUCTION, status__in=LIVE
        )
        .order_by("-created_at")
        .first()
    )


@gates.register(
    "integrate",
    "operate",
    key="rollout_plan_approved",
    label="A production rollout plan approved by a manager who did not write it",
    section="operate",
    owner_app="models_registry",
    order=10,
)
def rollout_plan_approved(project: Project) -> tuple[bool, str]:
    if _production(project) is not None:
        return True, ""
    pending = Deployment.objects.filter(
        project=project,
        environment=Deployment.Environment.PRODUCTION,
        status=Deployment.Status.PLANNED,
    ).exists()
    if pending:
        return False, "The production rollout plan awaits another manager's approval."
    return False, "No production rollout plan yet."


@gates.register(
    "integrate",
    "operate",
    key="monitoring_thresholds_set",
    label="Monitoring thresholds set for the production deployment",
    section="operate",
    owner_app="models_registry",
    order=20,
)
def monitoring_thresholds_set(project: Project) -> tuple[bool, str]:
    deployment = _production(project)
    if deployment is None:
        return False, "No approved production deployment to set thresholds for."
    if deployment.thresholds.exists():
        return True, ""
    return False, f"{deployment.name} has no monitoring threshold."


@gates.register(
    "integrate",
    "operate",
    key="post_market_plan",
    label="A post-market monitoring plan (EU AI Act Art. 72)",
    section="operate",
    owner_app="models_registry",
    order=30,
)
def post_market_plan(project: Project) -> tuple[bool, str]:
    if PostMarketPlan.objects.filter(project=project).exists():
        return True, ""
    return False, "No post-market monitoring plan yet."


@gates.register(
    "integrate",
    "operate",
    key="modifications_assessed",
    label="Every possible substantial modification assessed by a compliance officer",
    section="operate",
    owner_app="models_registry",
    order=40,
)
def modifications_assessed(project: Project) -> tuple[bool, str]:
    waiting = ModificationFlag.objects.filter(project=project, status=ModificationFlag.Status.OPEN)
    count = waiting.count()
    if count == 0:
        return True, ""
    return False, f"{count} change(s) to the model await a compliance officer's assessment."


# --- Operate → Retired -------------------------------------------------------------------------

WOUND_DOWN = (Deployment.Status.ROLLED_BACK, Deployment.Status.ENDED)
MAX_LISTED = 5


@gates.register(
    "operate",
    "retired",
    key="deployments_wound_down",
    label="Every deployment rolled back or ended (plans never rolled out included)",
    section="operate",
    owner_app="models_registry",
    order=20,
)
def deployments_wound_down(project: Project) -> tuple[bool, str]:
    # A plan that never rolled out (awaiting approval or approved) still counts: it is ended
    # (withdrawn) so that nothing can start it after the project is retired.
    open_ones = list(
        Deployment.objects.filter(project=project)
        .exclude(status__in=WOUND_DOWN)
        .order_by("created_at")
    )
    if not open_ones:
        return True, ""
    listed = ", ".join(
        f"{d.name} ({d.get_status_display().lower()})" for d in open_ones[:MAX_LISTED]
    )
    more = f" and {len(open_ones) - MAX_LISTED} more" if len(open_ones) > MAX_LISTED else ""
    return False, (
        f"{len(open_ones)} deployment(s) still to roll back or end on the operate tab: "
        f"{listed}{more}."
    )
