"""The Adapt & align record: model versions and their lineage, prompt templates and their
versions, datasets with their governance record, fine-tuning runs, and evaluations with their
metrics — each write checked, whole or not at all, and audited.

Versions, prompt versions and evaluations are frozen once written (a change is a new one), so
what an evaluation judged is what it still points at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Actor, Perm, require
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from core.services import model_update, snapshot
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.evaluating import batch_problems, finite_decimal
from models_registry.models import (
    Dataset,
    DecisionRecord,
    Evaluation,
    EvaluationMetric,
    FineTuneRun,
    ModelVersion,
    PromptTemplate,
    PromptVersion,
)
from models_registry.prompts import placeholders
from models_registry.services.modifications import flag_fine_tune, flag_model_version
from models_registry.services.records import author, check_in_project
from projects.models import Project
from projects.selectors import approved_success_criteria

VERSION_FIELDS = ("name", "adaptation", "parent", "base_model", "description", "artifact_uri")
DATASET_FIELDS = (
    "name",
    "source",
    "reference",
    "licence",
    "personal_data",
    "lawful_basis",
    "retention",
    "description",
    "purpose",
    "personal_data_categories",
    "special_categories",
    "special_category_condition",
    "data_subjects",
    "transfers_outside_eea",
    "transfer_countries",
    "transfer_safeguard",
    "processors",
)
# The inventory fields that describe personal data: refused on data that holds none.
PERSONAL_ONLY = (
    "personal_data_categories",
    "special_categories",
    "special_category_condition",
    "data_subjects",
    "transfers_outside_eea",
)
RUN_FIELDS = (
    "name",
    "method",
    "base_version",
    "dataset",
    "hyperparameters",
    "gpu_hours",
    "cost",
    "cost_currency",
    "result_version",
    "status",
    "external_id",
)
RUN_UPDATABLE = ("status", "result_version", "gpu_hours", "cost", "cost_currency")
METRIC_KEYS = (
    "name",
    "value",
    "unit",
    "higher_is_better",
    "slice_key",
    "slice_value",
    "sample_size",
    "criterion",
)

BASE_HAS_NO_PARENT = "The base version starts the lineage: it has no parent."
NEEDS_PARENT = "Say which version this one was adapted from."
ONE_BASE = "The project already has its base version: adapt from it instead."
NO_DECISION = (
    "The base version is the model chosen in the Select phase, and no decision is approved yet."
)
SAME_TEXT = "This text is the same as the latest version: nothing to record."
NOT_AN_OBJECT = "Hyperparameters must be a JSON object (names and their values)."
PERSONAL_DATA_BASIS = "Personal data needs its lawful basis."
PERSONAL_DATA_RETENTION = "Personal data needs a retention rule."
NO_BASIS_WITHOUT_PERSONAL_DATA = "A lawful basis is only recorded for personal data."
ONLY_FOR_PERSONAL_DATA = "Only personal data has this: say first that the data holds some."
SPECIAL_NEEDS_CONDITION = (
    "Special categories (Art. 9(1)) may be processed only under an Art. 9(2) condition: choose it."
)
CONDITION_WITHOUT_SPECIAL = "An Art. 9(2) condition is recorded only for special categories."
TRANSFER_NEEDS_SAFEGUARD = (
    "A transfer outside the EEA needs a safeguard (Art. 45–49): an adequacy decision, SCCs, BCRs…"
)
SAFEGUARD_WITHOUT_TRANSFER = "A safeguard is recorded only for a transfer outside the EEA."
RESULT_NEEDS_SUCCESS = "Only a succeeded run has a resulting version."
RESULT_TAKEN = "Another run already produced this version."
COST_CURRENCY = "Give the currency of the cost."
CRITERION_NOT_APPROVED = (
    "Bind metrics only to the success criteria of this project's approved scope version."
)
CRITERION_ON_SLICE = "A success criterion judges the overall figure, not one slice."
RUN_ID_TAKEN_DIFFERENTLY = (
    "An evaluation with this run id is already recorded for another version or benchmark."
)


def _lock(project: Project) -> Project:
    """Serialise numbering within one project."""
    return Project.objects.select_for_update().get(pk=project.pk)


def _chosen_model_id(project: Project) -> Any:
    decision = (
        DecisionRecord.objects.filter(project=project, status=DecisionRecord.Status.APPROVED)
        .select_related("chosen")
        .order_by("-number")
        .first()
    )
    return None if decision is None else decision.chosen.catalogue_model_id


# --- model versions -----------------------------------------------------------------------------


@transaction.atomic
def model_version_create(*, actor: Actor, project: Project, **fields: Any) -> ModelVersion:
    """A new version: the base (the Select phase's chosen model, once) or an adaptation of
    one of the project's versions."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, VERSION_FIELDS)
    project = _lock(project)
    parent = fields.get("parent")
    check_in_project(parent, project.pk, "parent")
    adaptation = fields.get("adaptation", ModelVersion.Adaptation.BASE if parent is None else "")
    fields["adaptation"] = adaptation
    versions = ModelVersion.objects.filter(project=project)
    if adaptation == ModelVersion.Adaptation.BASE:
        if parent is not None:
            raise ValidationError({"parent": BASE_HAS_NO_PARENT})
        if versions.filter(adaptation=ModelVersion.Adaptation.BASE).exists():
            raise ValidationError({"adaptation": ONE_BASE})
        if fields.get("base_model") is None:
            chosen = _chosen_model_id(project)
            if chosen is None:
                raise ValidationError({"base_model": NO_DECISION})
            fields["base_model_id"] = chosen
            fields.pop("base_model", None)
    elif parent is None:
        raise ValidationError({"parent": NEEDS_PARENT})
    elif fields.get("base_model") is None:
        # An adaptation keeps its parent's base model unless it names another: a change of
        # base model (distilling into a smaller one, moving to a newer release).
        fields.pop("base_model", None)
        fields["base_model_id"] = parent.base_model_id
    number = (versions.aggregate(last=Max("number"))["last"] or 0) + 1
    fields.setdefault("name", f"v{number}")
    version = ModelVersion(project=project, number=number, created_by=author(actor), **fields)
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action=Action.MODEL_VERSION_CREATED,
        target=version,
        project=project,
        data=snapshot(version, ("number", *VERSION_FIELDS)),
    )
    flag_model_version(actor=actor, project=project, version=version)
    return version


# --- prompts ------------------------------------------------------------------------------------


@transaction.atomic
def prompt_template_create(
    *, actor: User, project: Project, name: str, purpose: str = "", text: str = "", **extra: Any
) -> PromptTemplate:
    """A new prompt template, with its first version when a text is given."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(extra, ("model_version", "change_note"))
    template = PromptTemplate(project=project, name=name, purpose=purpose, created_by=actor)
    template.full_clean()
    template.save()
    audit_record(
        actor=actor,
        action=Action.PROMPT_TEMPLATE_CREATED,
        target=template,
        project=project,
        data={"name": name},
    )
    if text:
        prompt_version_create(actor=actor, template=template, text=text, **extra)
    return template


@transaction.atomic
def prompt_version_create(
    *,
    actor: Actor,
    template: PromptTemplate,
    text: str,
    change_note: str = "",
    model_version: ModelVersion | None = None,
) -> PromptVersion:
    """The next version of a template's text (refused when the text has not changed)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, template)
    template = PromptTemplate.objects.select_for_update().get(pk=template.pk)
    check_in_project(model_version, template.project.pk, "model_version")
    latest = template.versions.order_by("-number").first()
    if latest is not None and latest.text == text:
        raise ValidationError({"text": SAME_TEXT})
    version = PromptVersion(
        template=template,
        number=(latest.number + 1) if latest else 1,
        text=text,
        variables=placeholders(text),
        model_version=model_version,
        change_note=change_note,
        created_by=author(actor),
    )
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action=Action.PROMPT_VERSION_CREATED,
        target=version,
        project=template.project,
        data={
            "template": str(template.pk),
            "number": version.number,
            "variables": version.variables,
            "model_version": None if model_version is None else str(model_version.pk),
        },
    )
    return version


# --- datasets -----------------------------------------------------------------------------------


def _check_governance(dataset: Dataset) -> None:
    """The record's GDPR rules, as field errors (the table's constraints hold the same)."""
    errors: dict[str, str] = {}
    if dataset.personal_data:
        if not dataset.lawful_basis:
            errors["lawful_basis"] = PERSONAL_DATA_BASIS
        if not dataset.retention.strip():
            errors["retention"] = PERSONAL_DATA_RETENTION
    else:
        if dataset.lawful_basis:
            errors["lawful_basis"] = NO_BASIS_WITHOUT_PERSONAL_DATA
        errors |= {
            field: ONLY_FOR_PERSONAL_DATA for field in PERSONAL_ONLY if getattr(dataset, field)
        }
    if dataset.special_categories and not dataset.special_category_condition:
        errors.setdefault("special_category_condition", SPECIAL_NEEDS_CONDITION)
    if dataset.special_category_condition and not dataset.special_categories:
        errors.setdefault("special_category_condition", CONDITION_WITHOUT_SPECIAL)
    if dataset.transfers_outside_eea and not dataset.transfer_safeguard:
        errors.setdefault("transfer_safeguard", TRANSFER_NEEDS_SAFEGUARD)
    if dataset.transfer_safeguard and not dataset.transfers_outside_eea:
        errors.setdefault("transfer_safeguard", SAFEGUARD_WITHOUT_TRANSFER)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def dataset_create(*, actor: User, project: Project, **fields: Any) -> Dataset:
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, DATASET_FIELDS)
    dataset = Dataset(project=project, created_by=actor, **fields)
    _check_governance(dataset)
    dataset.full_clean()
    dataset.save()
    audit_record(
        actor=actor,
        action=Action.DATASET_CREATED,
        target=dataset,
        project=project,
        data=snapshot(dataset, DATASET_FIELDS),
    )
    return dataset


@transaction.atomic
def dataset_update(*, actor: Actor, dataset: Dataset, **changes: Any) -> Dataset:
    require(actor, Perm.PROJECT_CONTRIBUTE, dataset)
    locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
    locked, changed = model_update(
        instance=locked, fields=DATASET_FIELDS, data=changes, check=_check_governance
    )
    if changed:
        audit_record(
            actor=actor,
            action=Action.DATASET_UPDATED,
            target=locked,
            project=locked.project,
            data=changed,
        )
    return locked


# --- fine-tuning runs ---------------------------------------------------------------------------


def _check_run(run: FineTuneRun) -> None:
    if not isinstance(run.hyperparameters, dict):
        raise ValidationError({"hyperparameters": NOT_AN_OBJECT})
    if run.cost is not None and not run.cost_currency:
        raise ValidationError({"cost_currency": COST_CURRENCY})
    if run.result_version_id is not None:
        if run.status != FineTuneRun.Status.SUCCEEDED:
            raise ValidationError({"result_version": RESULT_NEEDS_SUCCESS})
        taken = FineTuneRun.objects.filter(result_version_id=run.result_version_id)
        if taken.exclude(pk=run.pk).exists():
            raise ValidationError({"result_version": RESULT_TAKEN})


@transaction.atomic
def fine_tune_run_create(*, actor: Actor, project: Project, **fields: Any) -> FineTuneRun:
    """Record a fine-tuning run (planned, running or done)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, RUN_FIELDS)
    for field in ("base_version", "dataset", "result_version"):
        check_in_project(fields.get(field), project.pk, field)
    run = FineTuneRun(project=project, created_by=author(actor), **fields)
    _check_run(run)
    run.full_clean()
    run.save()
    audit_record(
        actor=actor,
        action=Action.FINE_TUNE_RUN_CREATED,
        target=run,
        project=project,
        data=snapshot(run, RUN_FIELDS),
    )
    if run.result_version is not None:
        flag_fine_tune(actor=actor, project=project, version=run.result_version)
    return run


@transaction.atomic
def fine_tune_run_update(*, actor: Actor, run: FineTuneRun, **changes: Any) -> FineTuneRun:
    """Its progress and outcome: status, resulting version, compute and cost."""
    require(actor, Perm.PROJECT_CONTRIBUTE, run)
    locked = FineTuneRun.objects.select_for_update().get(pk=run.pk)
    check_in_project(changes.get("result_version"), locked.project.pk, "result_version")
    locked, changed = model_update(
        instance=locked, fields=RUN_UPDATABLE, data=changes, check=_check_run
    )
    if changed:
        audit_record(
            actor=actor,
            action=Action.FINE_TUNE_RUN_UPDATED,
            target=locked,
            project=locked.project,
            data=changed,
        )
        if "result_version" in changed and locked.result_version is not None:
            flag_fine_tune(actor=actor, project=locked.project, version=locked.result_version)
    return locked


# --- evaluations --------------------------------------------------------------------------------


def _metric_rows(
    evaluation: Evaluation, metrics: Sequence[Mapping[str, Any]], criteria: dict[str, Any]
) -> list[EvaluationMetric]:
    """The batch as rows, or one ValidationError on "metrics" naming each bad item by its
    place in the batch ("Metric 2: …", counted from 1)."""
    problems = batch_problems(metrics)
    if isinstance(problems, str):
        raise ValidationError({"metrics": problems})
    errors: dict[int, list[str]] = {i: [text] for i, text in problems.items()}
    rows = []
    for position, metric in enumerate(metrics):
        unknown = sorted(set(metric) - set(METRIC_KEYS))
        if unknown:
            errors.setdefault(position, []).append(f"Unknown keys: {', '.join(unknown)}.")
        if position in errors:
            continue
        criterion = metric.get("criterion")
        criterion_id = getattr(criterion, "pk", criterion)
        if criterion_id is not None and str(criterion_id) not in criteria:
            errors[position] = [CRITERION_NOT_APPROVED]
            continue
        if criterion_id is not None and metric.get("slice_key"):
            errors[position] = [CRITERION_ON_SLICE]
            continue
        row = EvaluationMetric(
            evaluation=evaluation,
            name=metric.get("name", ""),
            value=finite_decimal(metric["value"]),
            unit=metric.get("unit", "") or "",
            higher_is_better=metric.get("higher_is_better", True),
            slice_key=metric.get("slice_key", "") or "",
            slice_value=metric.get("slice_value", "") or "",
            sample_size=metric.get("sample_size"),
            criterion=criteria.get(str(criterion_id)) if criterion_id is not None else None,
        )
        try:
            row.full_clean(exclude=["evaluation"], validate_constraints=False)
        except ValidationError as exc:
            errors[position] = [
                f"{field.replace('_', ' ')}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            continue
        rows.append(row)
    if errors:
        raise ValidationError(
            {
                "metrics": [
                    f"Metric {position + 1}: {text}"
                    for position in sorted(errors)
                    for text in errors[position]
                ]
            }
        )
    return rows


@transaction.atomic
def evaluation_record(
    *,
    actor: Actor,
    project: Project,
    model_version: ModelVersion,
    benchmark: str,
    metrics: Sequence[Mapping[str, Any]],
    prompt_version: PromptVersion | None = None,
    dataset: Dataset | None = None,
    run_id: str = "",
    evaluated_at: datetime | None = None,
    findings: str = "",
    source: str = Evaluation.Source.MANUAL,
) -> tuple[Evaluation, bool]:
    """Record an evaluation with all its metrics, whole or not at all; returns it and whether
    it is new. A `run_id` already recorded for the same version and benchmark returns the
    recorded evaluation unchanged (a retried post creates nothing), for another one it is
    refused."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    check_in_project(model_version, project.pk, "model_version")
    check_in_project(dataset, project.pk, "dataset")
    check_in_project(prompt_version, project.pk, "prompt_version")
    if run_id:
        project = _lock(project)  # two retries of one post must not both pass this check
        existing = Evaluation.objects.filter(project=project, run_id=run_id).first()
        if existing is not None:
            same = existing.model_version_id == model_version.pk and existing.benchmark == benchmark
            if not same:
                raise ValidationError({"run_id": RUN_ID_TAKEN_DIFFERENTLY})
            return existing, False
    evaluation = Evaluation(
        project=project,
        model_version=model_version,
        prompt_version=prompt_version,
        benchmark=benchmark,
        dataset=dataset,
        source=source,
        run_id=run_id,
        evaluated_at=evaluated_at or timezone.now(),
        findings=findings,
        created_by=author(actor),
    )
    evaluation.full_clean()
    criteria = {str(c.pk): c for c in approved_success_criteria(project=project)}
    rows = _metric_rows(evaluation, metrics, criteria)
    try:
        with transaction.atomic():
            evaluation.save()
            EvaluationMetric.objects.bulk_create(rows)
    except IntegrityError as exc:  # a concurrent post of the same run id got there first
        raise ValidationError({"run_id": RUN_ID_TAKEN_DIFFERENTLY}) from exc
    audit_record(
        actor=actor,
        action=Action.EVALUATION_RECORDED,
        target=evaluation,
        project=project,
        data={
            "model_version": str(model_version.pk),
            "prompt_version": None if prompt_version is None else str(prompt_version.pk),
            "benchmark": benchmark,
            "source": source,
            "run_id": run_id,
            "metrics": len(rows),
            "bound": sorted(str(r.criterion_id) for r in rows if r.criterion_id),
        },
    )
    return evaluation, True


__all__ = [
    "dataset_create",
    "dataset_update",
    "evaluation_record",
    "fine_tune_run_create",
    "fine_tune_run_update",
    "model_version_create",
    "prompt_template_create",
    "prompt_version_create",
]
