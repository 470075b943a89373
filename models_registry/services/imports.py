"""Evaluations imported from where they already live: an lm-evaluation-harness results file,
an Inspect AI log (.eval or .json), the finished runs of an MLflow experiment.

Each import reads and checks its whole source before it writes anything, and writes all of it
or nothing (one transaction). A file is refused above `CHARTER_IMPORT_MAX_BYTES` before it is
read. The run id of each evaluation comes from the source (the file's hash, Inspect's eval id,
MLflow's run id), so importing the same thing again creates nothing new.

MLflow: a run's parameters go into its evaluation's findings (the context of the figures),
not into a fine-tuning run: MLflow does not say that a run trained anything, and a
fine-tuning run Charter records needs its method and dataset, which MLflow does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.permissions import Actor, Perm, require
from models_registry.importers import ImportProblem, ParsedEvaluation, clipped, inspect_log, lm_eval
from models_registry.importers import mlflow as mlflow_reader
from models_registry.models import Evaluation, ModelVersion
from models_registry.services.adapt import evaluation_record, model_version_create
from models_registry.services.records import NOT_THIS_PROJECT
from projects.models import Project

EMPTY = "The file is empty."
OUT_OF_RANGE = "The figure of {name} is too large to record."
EIGHT_PLACES = Decimal("0.00000001")
LARGEST = Decimal(10) ** 16  # EvaluationMetric.value: 24 digits, 8 of them decimals
TOO_LARGE = "The file is larger than the import limit of {limit} MB: nothing was read."
ZIP_MAGIC = b"PK\x03\x04"


def _limit() -> int:
    return int(settings.CHARTER_IMPORT_MAX_BYTES)


def _content(upload: IO[bytes]) -> bytes:
    """The upload's bytes: its declared size is checked before reading, and no more than the
    limit (plus one byte, to tell) is ever read whatever it declared."""
    limit = _limit()
    too_large = ValidationError({"file": TOO_LARGE.format(limit=round(limit / 1024 / 1024, 1))})
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise too_large
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_large
    if not content:
        raise ValidationError({"file": EMPTY})
    return content


def _parsed(read: Any, *args: Any, **kwargs: Any) -> ParsedEvaluation:
    try:
        return read(*args, **kwargs)  # type: ignore[no-any-return]
    except ImportProblem as exc:
        raise ValidationError({"file": str(exc)}) from exc


def _fitted(metrics: list[dict[str, Any]], field_name: str) -> list[dict[str, Any]]:
    """Figures as the metric table keeps them: harnesses report more digits than anyone reads,
    so eight decimals are kept, rounded half-even (as the evaluations API does)."""
    fitted = []
    for metric in metrics:
        value = Decimal(str(metric["value"])).quantize(EIGHT_PLACES, rounding=ROUND_HALF_EVEN)
        if abs(value) >= LARGEST:
            raise ValidationError({field_name: OUT_OF_RANGE.format(name=metric["name"])})
        fitted.append(metric | {"name": clipped(str(metric["name"]), 120), "value": value})
    return fitted


def _record(
    *,
    actor: Actor,
    project: Project,
    model_version: ModelVersion,
    parsed: ParsedEvaluation,
    source: str,
) -> tuple[Evaluation, bool]:
    return evaluation_record(
        actor=actor,
        project=project,
        model_version=model_version,
        benchmark=parsed.benchmark,
        metrics=_fitted(parsed.metrics, "file"),
        run_id=parsed.run_id,
        evaluated_at=parsed.evaluated_at,
        findings=parsed.findings,
        source=source,
    )


def evaluation_import_lm_eval(
    *,
    actor: Actor,
    project: Project,
    model_version: ModelVersion,
    upload: IO[bytes],
    benchmark: str = "",
) -> tuple[Evaluation, bool]:
    """One evaluation from an lm-evaluation-harness results file; returns it and whether it
    is new (the same file again returns the first import)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    parsed = _parsed(lm_eval.parse, _content(upload), benchmark=benchmark)
    return _record(
        actor=actor,
        project=project,
        model_version=model_version,
        parsed=parsed,
        source=Evaluation.Source.LM_EVAL,
    )


def evaluation_import_inspect(
    *, actor: Actor, project: Project, model_version: ModelVersion, upload: IO[bytes]
) -> tuple[Evaluation, bool]:
    """One evaluation from an Inspect AI log, .eval (a zip) or .json, told apart by content."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    content = _content(upload)
    if content.startswith(ZIP_MAGIC):
        parsed = _parsed(inspect_log.parse_eval, content, limit=_limit())
    else:
        parsed = _parsed(inspect_log.parse_json, content)
    return _record(
        actor=actor,
        project=project,
        model_version=model_version,
        parsed=parsed,
        source=Evaluation.Source.INSPECT,
    )


# --- MLflow -------------------------------------------------------------------------------------


@dataclass
class MlflowImport:
    """What one import recorded, and how much was already there."""

    experiment: str
    versions_created: list[ModelVersion] = field(default_factory=list)
    evaluations_created: list[Evaluation] = field(default_factory=list)
    versions_unchanged: int = 0
    evaluations_unchanged: int = 0
    runs_without_metrics: list[str] = field(default_factory=list)

    @property
    def created(self) -> bool:
        return bool(self.versions_created or self.evaluations_created)


def _run_findings(
    url: str, experiment: mlflow_reader.MlflowExperiment, run: mlflow_reader.MlflowRun
) -> str:
    lines = [
        f"Imported from MLflow: run {run.name} ({run.run_id}) of experiment "
        f"{experiment.name} ({experiment.experiment_id}) at {url}."
    ]
    if run.params:
        lines.append("Parameters:")
        lines.extend(f"- {key} = {value}" for key, value in sorted(run.params.items()))
    if run.skipped:
        lines.append("Not a number, skipped: " + ", ".join(sorted(run.skipped)) + ".")
    return clipped("\n".join(lines), 20000)


def _ended(run: mlflow_reader.MlflowRun) -> datetime | None:
    if run.end_time is None:
        return None
    try:
        return datetime.fromtimestamp(run.end_time / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _mlflow_versions(
    *,
    actor: Actor,
    project: Project,
    parent: ModelVersion,
    experiment: mlflow_reader.MlflowExperiment,
    outcome: MlflowImport,
) -> dict[str, ModelVersion]:
    """The project's version for each registered MLflow version (made once), by run id."""
    by_run: dict[str, ModelVersion] = {}
    for registered in experiment.versions:
        name = clipped(f"{registered.name} v{registered.version}", 120)
        version = ModelVersion.objects.filter(project=project, name=name).first()
        if version is None:
            description = (
                f"MLflow registered model {registered.name}, version {registered.version}, "
                f"from run {registered.run_id}. {registered.description}"
            ).strip()
            version = model_version_create(
                actor=actor,
                project=project,
                name=name,
                adaptation=ModelVersion.Adaptation.OTHER,
                parent=parent,
                description=clipped(description, 5000),
                artifact_uri=clipped(registered.source, 500),
            )
            outcome.versions_created.append(version)
        else:
            outcome.versions_unchanged += 1
        by_run.setdefault(registered.run_id, version)
    return by_run


@transaction.atomic
def evaluation_import_mlflow(
    *,
    actor: Actor,
    project: Project,
    tracking_url: str,
    experiment: str,
    parent: ModelVersion,
) -> MlflowImport:
    """The finished runs of an MLflow experiment as evaluations (of the version registered
    from the run, else of `parent`), and its registered model versions as versions adapted
    from `parent`. Read whole before anything is written; an unreachable or slow server
    imports nothing. Recorded runs and versions are left as they are (frozen records)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    if parent.project_id != project.pk:
        raise ValidationError({"model_version": NOT_THIS_PROJECT})
    try:
        # Talking to the network first, before any row is locked or written.
        found = mlflow_reader.fetch(
            tracking_url,
            experiment,
            timeout=float(settings.CHARTER_MLFLOW_TIMEOUT),
            allowed_hosts=settings.CHARTER_MLFLOW_ALLOWED_HOSTS,
        )
    except mlflow_reader.UnknownExperiment as exc:
        raise ValidationError({"experiment": str(exc)}) from exc
    except ImportProblem as exc:
        raise ValidationError({"tracking_url": str(exc)}) from exc
    url = mlflow_reader.checked_url(tracking_url)
    outcome = MlflowImport(experiment=found.name)
    by_run = _mlflow_versions(
        actor=actor, project=project, parent=parent, experiment=found, outcome=outcome
    )
    recorded = set(
        Evaluation.objects.filter(
            project=project, run_id__in=[f"mlflow:{r.run_id}" for r in found.runs]
        ).values_list("run_id", flat=True)
    )
    for run in found.runs:
        run_id = f"mlflow:{run.run_id}"
        if run_id in recorded:
            outcome.evaluations_unchanged += 1
            continue
        if not run.metrics:
            outcome.runs_without_metrics.append(run.name)
            continue
        evaluation, _ = evaluation_record(
            actor=actor,
            project=project,
            model_version=by_run.get(run.run_id, parent),
            benchmark=clipped(found.name, 200),
            metrics=_fitted(
                [{"name": key, "value": value} for key, value in sorted(run.metrics.items())],
                "experiment",
            ),
            run_id=clipped(run_id, 200),
            evaluated_at=_ended(run),
            findings=_run_findings(url, found, run),
            source=Evaluation.Source.MLFLOW,
        )
        outcome.evaluations_created.append(evaluation)
    return outcome


__all__ = [
    "MlflowImport",
    "evaluation_import_inspect",
    "evaluation_import_lm_eval",
    "evaluation_import_mlflow",
]
