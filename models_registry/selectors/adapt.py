"""Reads of the Adapt & align record: versions and their lineage, prompts and their
differences, datasets, fine-tuning runs, evaluations, and how each version stands against the
approved scope's success criteria."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet

from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from models_registry.evaluating import meets
from models_registry.models import (
    BiasCheck,
    Dataset,
    Evaluation,
    EvaluationMetric,
    FineTuneRun,
    HumanFeedback,
    ModelVersion,
    PromptTemplate,
    PromptVersion,
    UserTestSession,
)
from models_registry.prompts import DiffRow, side_by_side
from projects.models import Project, SuccessCriterion
from projects.selectors import approved_success_criteria


def model_version_list(*, project: Project) -> QuerySet[ModelVersion]:
    return (
        ModelVersion.objects.filter(project=project)
        .select_related("parent", "base_model", "created_by")
        .annotate(evaluation_count=Count("evaluations"))
        .order_by("number")
    )


def model_version_get_for_user(*, user: Actor, id: Any) -> ModelVersion:
    return visible_object_get(
        user=user,
        model=ModelVersion,
        id=id,
        queryset=visible(user, ModelVersion).select_related(
            "project__organization", "parent", "base_model", "created_by"
        ),
    )


def model_version_in_project(*, project: Project, id: Any) -> ModelVersion | None:
    """The project's version with this id (already validated as a UUID), or None."""
    return ModelVersion.objects.filter(project=project, pk=id).first()


def version_lineage(*, version: ModelVersion) -> list[ModelVersion]:
    """The versions from the base to `version`, oldest first (one query: a project has a
    handful of versions, walked in memory)."""
    by_id = {v.pk: v for v in ModelVersion.objects.filter(project_id=version.project_id)}
    chain, current = [], by_id.get(version.pk)
    while current is not None:
        chain.append(current)
        current = by_id.get(current.parent_id) if current.parent_id else None
    return list(reversed(chain))


def prompt_template_list(*, project: Project) -> QuerySet[PromptTemplate]:
    return (
        PromptTemplate.objects.filter(project=project)
        .annotate(version_count=Count("versions"), latest_number=Max("versions__number"))
        .order_by("name")
    )


def prompt_template_get_for_user(*, user: Actor, id: Any) -> PromptTemplate:
    return visible_object_get(
        user=user,
        model=PromptTemplate,
        id=id,
        queryset=visible(user, PromptTemplate)
        .select_related("project__organization")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PromptVersion.objects.select_related(
                    "model_version", "created_by"
                ).order_by("-number"),
            )
        ),
    )


def prompt_version_in_template(*, template: PromptTemplate, number: Any) -> PromptVersion | None:
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        return None
    return template.versions.filter(number=wanted).first()


def prompt_diff(*, old: PromptVersion, new: PromptVersion) -> list[DiffRow]:
    return side_by_side(old.text, new.text)


def dataset_list(*, project: Project) -> QuerySet[Dataset]:
    return Dataset.objects.filter(project=project).order_by("name")


def dataset_in_project(*, project: Project, id: Any) -> Dataset | None:
    return Dataset.objects.filter(project=project, pk=id).first()


def dataset_get_for_user(*, user: Actor, id: Any) -> Dataset:
    return visible_object_get(
        user=user,
        model=Dataset,
        id=id,
        queryset=visible(user, Dataset).select_related("project__organization"),
    )


def fine_tune_run_list(*, project: Project) -> QuerySet[FineTuneRun]:
    return FineTuneRun.objects.filter(project=project).select_related(
        "base_version", "dataset", "result_version"
    )


def fine_tune_run_get_for_user(*, user: Actor, id: Any) -> FineTuneRun:
    return visible_object_get(
        user=user,
        model=FineTuneRun,
        id=id,
        queryset=visible(user, FineTuneRun).select_related(
            "project__organization", "base_version", "dataset", "result_version"
        ),
    )


def prompt_version_in_project(*, project: Project, id: Any) -> PromptVersion | None:
    return PromptVersion.objects.filter(template__project=project, pk=id).first()


_METRICS = Prefetch(
    "metrics",
    queryset=EvaluationMetric.objects.select_related("criterion").order_by(
        "name", "slice_key", "slice_value"
    ),
)


def evaluation_list(
    *, project: Project, model_version: ModelVersion | None = None
) -> QuerySet[Evaluation]:
    """The project's evaluations, newest first, with their metrics (a constant number of
    queries however many there are)."""
    rows = Evaluation.objects.filter(project=project)
    if model_version is not None:
        rows = rows.filter(model_version=model_version)
    return rows.select_related(
        "model_version", "prompt_version__template", "dataset"
    ).prefetch_related(_METRICS)


def evaluation_in_project(*, project: Project, id: Any) -> Evaluation | None:
    return Evaluation.objects.filter(project=project, pk=id).first()


def evaluation_get_for_user(*, user: Actor, id: Any) -> Evaluation:
    return visible_object_get(
        user=user,
        model=Evaluation,
        id=id,
        queryset=visible(user, Evaluation)
        .select_related(
            "project__organization", "model_version", "prompt_version__template", "dataset"
        )
        .prefetch_related(_METRICS),
    )


@dataclass
class CriterionStanding:
    """One success criterion across the project's versions: the latest bound figure of each
    version that has one, and whether it meets the target."""

    criterion: SuccessCriterion
    points: list[dict[str, Any]] = field(default_factory=list)  # oldest version first

    @property
    def latest(self) -> dict[str, Any] | None:
        return self.points[-1] if self.points else None


def metric_passes(metric: EvaluationMetric) -> bool | None:
    """Pass or fail against its bound criterion; None when it is bound to none."""
    criterion = metric.criterion
    if criterion is None:
        return None
    return meets(metric.value, criterion.comparison, Decimal(criterion.target))


def criteria_standing(*, project: Project) -> list[CriterionStanding]:
    """Each criterion of the approved scope with, per model version, the latest figure bound
    to it (two queries whatever the number of evaluations)."""
    criteria = list(approved_success_criteria(project=project))
    standing = {c.pk: CriterionStanding(criterion=c) for c in criteria}
    bound = (
        EvaluationMetric.objects.filter(criterion__in=criteria, evaluation__project=project)
        .select_related("evaluation__model_version")
        .order_by("evaluation__model_version__number", "evaluation__evaluated_at", "created_at")
    )
    latest: dict[tuple[Any, Any], EvaluationMetric] = {}
    for metric in bound:  # later rows overwrite: the latest figure per (criterion, version)
        latest[(metric.criterion_id, metric.evaluation.model_version_id)] = metric
    for (criterion_id, _version_id), metric in latest.items():
        criterion = standing[criterion_id].criterion
        metric.criterion = criterion
        standing[criterion_id].points.append(
            {
                "version": metric.evaluation.model_version,
                "value": metric.value,
                "passed": metric_passes(metric),
                "evaluation_id": metric.evaluation_id,
            }
        )
    for entry in standing.values():
        entry.points.sort(key=lambda point: point["version"].number)
    return [standing[c.pk] for c in criteria]


def criteria_missed(standing: list[CriterionStanding], version: ModelVersion) -> list[str]:
    """The criteria `version` has no passing latest figure for, read from a standing already
    fetched (so a caller looking at many versions reads it once)."""
    missed = []
    for entry in standing:
        mine = [p for p in entry.points if p["version"].pk == version.pk]
        if not mine or not mine[-1]["passed"]:
            missed.append(str(entry.criterion))
    return missed


def version_passes_all_criteria(*, version: ModelVersion) -> tuple[bool, list[str]]:
    """Does `version` have a passing bound figure for every criterion of the approved scope?
    Returns the answer and the criteria it still misses (for the gate's message)."""
    standing = criteria_standing(project=version.project)
    missing = criteria_missed(standing, version)
    return bool(standing) and not missing, missing


def bias_check_list(*, project: Project) -> QuerySet[BiasCheck]:
    return BiasCheck.objects.filter(project=project).select_related(
        "model_version", "run_by", "reviewer"
    )


def bias_check_get_for_user(*, user: Actor, id: Any) -> BiasCheck:
    return visible_object_get(
        user=user,
        model=BiasCheck,
        id=id,
        queryset=visible(user, BiasCheck).select_related(
            "project__organization", "model_version", "evaluation", "run_by", "reviewer"
        ),
    )


def version_bias_cleared(*, version: ModelVersion) -> bool:
    """Has a bias check on this version been completed as acceptable or mitigated?"""
    return BiasCheck.objects.filter(
        model_version=version,
        outcome__in=[BiasCheck.Outcome.ACCEPTABLE, BiasCheck.Outcome.MITIGATED],
    ).exists()


def feedback_list(*, project: Project, status: str = "") -> QuerySet[HumanFeedback]:
    rows = HumanFeedback.objects.filter(project=project).select_related(
        "model_version", "addressed_in", "triaged_by"
    )
    return rows.filter(status=status) if status else rows


def feedback_get_for_user(*, user: Actor, id: Any) -> HumanFeedback:
    return visible_object_get(
        user=user,
        model=HumanFeedback,
        id=id,
        queryset=visible(user, HumanFeedback).select_related(
            "project__organization", "model_version", "addressed_in", "triaged_by"
        ),
    )


def user_test_list(*, project: Project) -> QuerySet[UserTestSession]:
    return UserTestSession.objects.filter(project=project).select_related(
        "model_version", "prompt_version__template", "created_by"
    )


def user_test_get_for_user(*, user: Actor, id: Any) -> UserTestSession:
    return visible_object_get(
        user=user,
        model=UserTestSession,
        id=id,
        queryset=visible(user, UserTestSession).select_related(
            "project__organization", "model_version", "prompt_version__template", "created_by"
        ),
    )
