"""Optimisation records: what a quantisation, pruning, distillation or compilation of a model
version bought (latency, memory, cost) and what it cost in quality — checked and audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.permissions import Actor, Perm, require
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from core.services import snapshot
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.models import EvaluationMetric, OptimisationRecord
from models_registry.services.modifications import flag_optimisation
from models_registry.services.records import author
from projects.models import Project

MEASURES = (
    "latency_p50_before",
    "latency_p50_after",
    "latency_p95_before",
    "latency_p95_after",
    "memory_mb_before",
    "memory_mb_after",
    "cost_per_1k_before",
    "cost_per_1k_after",
)
OPTIMISATION_FIELDS = (
    "technique",
    "bits",
    "method",
    "pruned_percent",
    "hardware",
    "before",
    "after",
    "before_evaluation",
    "after_evaluation",
    "quality_metric",
    *MEASURES,
    "notes",
)

NOT_THIS_PROJECT = "Pick one of this project's own versions."
SAME_VERSION = "The version after the optimisation must differ from the one before."
WRONG_EVALUATION = "Pick an evaluation of this version."
NEEDS_BITS = "A quantization records its bit width and method."
NEEDS_PERCENT = "A pruning records the share of weights removed."
NEEDS_HARDWARE = "A compilation records the hardware it targets."
NEGATIVE = "A measure cannot be negative."
NO_SUCH_METRIC = "This evaluation has no overall figure of that metric."
METRIC_NEEDS_EVALUATIONS = "Name the evaluation of each version the quality metric comes from."


def _check(record: OptimisationRecord, project: Project) -> None:
    for field in ("before", "after"):
        version = getattr(record, field)
        if version is not None and version.project_id != project.pk:
            raise ValidationError({field: NOT_THIS_PROJECT})
    if record.before_id is not None and record.before_id == record.after_id:
        raise ValidationError({"after": SAME_VERSION})
    for field, version_field in (("before_evaluation", "before"), ("after_evaluation", "after")):
        evaluation = getattr(record, field)
        if evaluation is not None and evaluation.model_version_id != getattr(
            record, f"{version_field}_id"
        ):
            raise ValidationError({field: WRONG_EVALUATION})
    technique = OptimisationRecord.Technique
    if record.technique == technique.QUANTIZATION and (not record.bits or not record.method):
        raise ValidationError({"bits": NEEDS_BITS})
    if record.technique == technique.PRUNING and record.pruned_percent is None:
        raise ValidationError({"pruned_percent": NEEDS_PERCENT})
    if record.technique == technique.COMPILATION and not record.hardware:
        raise ValidationError({"hardware": NEEDS_HARDWARE})
    for field in MEASURES:
        value = getattr(record, field)
        if value is not None and (not Decimal(value).is_finite() or Decimal(value) < 0):
            raise ValidationError({field: NEGATIVE})
    if record.quality_metric:
        if record.before_evaluation is None or record.after_evaluation is None:
            raise ValidationError({"quality_metric": METRIC_NEEDS_EVALUATIONS})
        for field in ("before_evaluation", "after_evaluation"):
            if not EvaluationMetric.objects.filter(
                evaluation=getattr(record, field), name=record.quality_metric, slice_key=""
            ).exists():
                raise ValidationError({field: NO_SUCH_METRIC})


@transaction.atomic
def optimisation_record(*, actor: Actor, project: Project, **fields: Any) -> OptimisationRecord:
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, OPTIMISATION_FIELDS)
    record = OptimisationRecord(
        project=project,
        created_by=author(actor),
        **fields,
    )
    # The service's own checks say why in words; the constraints stand behind them.
    record.full_clean(validate_constraints=False)
    _check(record, project)
    record.save()
    audit_record(
        actor=actor,
        action=Action.OPTIMISATION_RECORDED,
        target=record,
        project=project,
        data=snapshot(record, OPTIMISATION_FIELDS),
    )
    flag_optimisation(actor=actor, project=project, record=record)
    return record
