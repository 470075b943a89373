"""A model version's card, gathered from the record: what it is for (the use case), how it
was made (its lineage and the runs and data behind it), how it performs against the scope's
success criteria, what its bias checks found, its known limits, and whom to ask.

The card is data (a dict) so the page, the Markdown file and the PDF render the same facts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import ProjectMembership
from models_registry.models import BiasCheck, Evaluation, FineTuneRun, ModelVersion
from models_registry.selectors.adapt import criteria_standing, metric_passes, version_lineage
from projects.selectors import approved_scope_version


def model_card(*, version: ModelVersion) -> dict[str, Any]:
    project = version.project
    lineage = version_lineage(version=version)
    runs = list(
        FineTuneRun.objects.filter(result_version__in=lineage)
        .select_related("dataset", "base_version", "result_version")
        .order_by("created_at")
    )
    evaluations = list(
        Evaluation.objects.filter(model_version=version)
        .select_related("prompt_version__template")
        .prefetch_related("metrics__criterion")
        .order_by("-evaluated_at")
    )
    criteria = [
        {
            "criterion": entry.criterion,
            "point": next((p for p in entry.points if p["version"].pk == version.pk), None),
        }
        for entry in criteria_standing(project=project)
    ]
    scope = approved_scope_version(project=project)
    managers = (
        ProjectMembership.objects.filter(project=project, role=ProjectMembership.Role.MANAGER)
        .select_related("user")
        .order_by("user__email")
    )
    limitations = [e.findings for e in evaluations if e.findings]
    if scope is not None:
        limitations += [f"Out of scope: {item}" for item in scope.out_of_scope]
    return {
        "project": project,
        "version": version,
        "lineage": lineage,
        "intended_use": {
            "purpose": project.intended_purpose,
            "users": project.end_users,
            "problem": project.problem_statement,
            "risk_tier": project.get_risk_tier_display(),
        },
        "runs": runs,
        "datasets": list(dict.fromkeys(run.dataset for run in runs)),
        "evaluations": [
            {
                "evaluation": evaluation,
                "metrics": [(m, metric_passes(m)) for m in evaluation.metrics.all()],
            }
            for evaluation in evaluations
        ],
        "criteria": criteria,
        "bias_checks": list(
            BiasCheck.objects.filter(model_version=version)
            .filter(~Q(outcome=""))
            .select_related("reviewer")
            .order_by("-reviewed_at")
        ),
        "limitations": limitations,
        "contacts": [project.owner, *(m.user for m in managers if m.user_id != project.owner_id)],
    }
