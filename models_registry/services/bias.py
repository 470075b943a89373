"""Bias checks: run on one metric's slices of an evaluation (computed and frozen when run),
then reviewed — by someone other than who ran it — with an outcome and the actions taken."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, Rule, require
from audit.writer import audit_record
from core.services import json_normalise
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.evaluating import FOUR_FIFTHS, deviation_flags, four_fifths_flags
from models_registry.models import BiasCheck, Evaluation

Method = BiasCheck.Method
NO_SLICES = "The evaluation has no {metric} figures by {key}: pick a metric and slice it holds."
NO_OVERALL = "The evaluation has no overall {metric} figure to compare the slices with."
ONE_SLICE = "A bias check compares at least two slices."
NOT_RATES = "The four-fifths rule compares selection rates: every value must lie between 0 and 1."
BAD_THRESHOLD = "The threshold must be greater than zero."
ALREADY_REVIEWED = "This bias check is already reviewed."
EXPLAIN = "Say what was found and what was done (required unless the outcome is acceptable)."


def _results(
    evaluation: Evaluation,
    metric_name: str,
    slice_key: str,
    method: str,
    threshold: Decimal,
    relative: bool,
) -> list[dict[str, Any]]:
    metrics = list(evaluation.metrics.filter(name=metric_name))
    slices = {m.slice_value: m.value for m in metrics if m.slice_key == slice_key}
    if not slices:
        raise ValidationError({"slice_key": NO_SLICES.format(metric=metric_name, key=slice_key)})
    if len(slices) < 2:
        raise ValidationError({"slice_key": ONE_SLICE})
    if method == Method.FOUR_FIFTHS:
        try:
            return four_fifths_flags(slices, threshold=threshold)
        except ValueError:
            raise ValidationError({"metric_name": NOT_RATES}) from None
    overall = next((m.value for m in metrics if not m.slice_key), None)
    if overall is None:
        raise ValidationError({"metric_name": NO_OVERALL.format(metric=metric_name)})
    return deviation_flags(overall, slices, threshold=threshold, relative=relative)


@transaction.atomic
def bias_check_run(
    *,
    actor: User,
    evaluation: Evaluation,
    metric_name: str,
    slice_key: str,
    method: str = Method.DEVIATION,
    threshold: Decimal | None = None,
    relative: bool = False,
) -> BiasCheck:
    """Compute the check on the evaluation's figures and record it, awaiting review."""
    require(actor, Perm.PROJECT_CONTRIBUTE, evaluation)
    if threshold is None:
        threshold = FOUR_FIFTHS if method == Method.FOUR_FIFTHS else Decimal("0.05")
    if threshold <= 0:
        raise ValidationError({"threshold": BAD_THRESHOLD})
    check = BiasCheck(
        project_id=evaluation.project_id,
        evaluation=evaluation,
        model_version_id=evaluation.model_version_id,
        metric_name=metric_name,
        slice_key=slice_key,
        method=method,
        threshold=threshold,
        relative=relative and method == Method.DEVIATION,
        run_by=actor,
    )
    check.full_clean(exclude=["results"])
    rows = _results(evaluation, metric_name, slice_key, method, threshold, check.relative)
    check.results = json_normalise(rows)
    check.flagged_count = sum(row["flagged"] for row in rows)
    check.save()
    audit_record(
        actor=actor,
        action=Action.BIAS_CHECK_RUN,
        target=check,
        project=check.project,
        data={
            "evaluation": str(evaluation.pk),
            "metric": metric_name,
            "slice_key": slice_key,
            "method": method,
            "threshold": str(threshold),
            "flagged": check.flagged_count,
        },
    )
    return check


@transaction.atomic
def bias_check_review(*, actor: User, check: BiasCheck, outcome: str, notes: str = "") -> BiasCheck:
    """Record the outcome: acceptable, mitigated (with what was done) or unacceptable."""
    locked = BiasCheck.objects.select_for_update().get(pk=check.pk)
    require(actor, Rule.BIAS_CHECK_REVIEW, locked)
    if locked.is_completed:
        raise ValidationError(ALREADY_REVIEWED)
    if outcome != BiasCheck.Outcome.ACCEPTABLE and not notes.strip():
        raise ValidationError({"notes": EXPLAIN})
    locked.outcome, locked.notes = outcome, notes
    locked.reviewer, locked.reviewed_at = actor, timezone.now()
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=Action.BIAS_CHECK_REVIEWED,
        target=locked,
        project=locked.project,
        data={"outcome": outcome, "flagged": locked.flagged_count},
    )
    return locked
