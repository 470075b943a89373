"""A/B tests of the Integrate & operate phase: created with their variants whole or not at
all, started, fed the variants' running totals, and finished with the outcome the statistics
support — each step checked and audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import Actor, Perm, require
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from core.services import snapshot
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.evaluating import finite_decimal
from models_registry.experimenting import analyse
from models_registry.models import ABTest, ABVariant, ModelVersion, PromptVersion
from models_registry.services.records import author
from projects.models import Project

TEST_FIELDS = (
    "name",
    "hypothesis",
    "metric_name",
    "metric_kind",
    "higher_is_better",
    "min_sample_per_variant",
    "alpha",
)
VARIANT_KEYS = ("name", "is_control", "model_version", "prompt_version", "traffic_share")

TOO_FEW_VARIANTS = "An A/B test needs at least two variants."
ONE_CONTROL = "Mark exactly one variant as the control."
SHARES_SUM = "The traffic shares of the variants must add up to exactly 100 (they add up to {}%)."
NAMES_UNIQUE = "Each variant needs its own name."
NEEDS_VERSION = "Name the model version or the prompt version this variant serves."
NOT_THIS_PROJECT = "Pick one of this project's own versions."
NOT_DRAFT = "Only a draft test can be started."
NOT_RUNNING = "Results are recorded, and a test finished, only while it is running."
RATE_FIELDS = "A rate takes trials and successes, not a mean or standard deviation."
MEAN_FIELDS = "A mean takes its sample size, mean and standard deviation, not successes."
TRIALS_MIN = "Give at least one trial."
SUCCESSES_RANGE = "Successes must lie between 0 and the number of trials."
MEAN_N_MIN = "A mean needs at least two observations."
SD_NEGATIVE = "A standard deviation cannot be negative."
NOT_A_NUMBER = "Enter a finite number."
BATCH_DIFFERENT = "This batch id was already posted with other totals."


def _variant(test: ABTest, index: int, raw: Mapping[str, Any]) -> ABVariant:
    reject_unknown_fields(dict(raw), VARIANT_KEYS)
    prefix = f"variants.{index}"
    model_version = raw.get("model_version")
    prompt_version = raw.get("prompt_version")
    if model_version is None and prompt_version is None:
        raise ValidationError({prefix: NEEDS_VERSION})
    if isinstance(model_version, ModelVersion) and model_version.project_id != test.project_id:
        raise ValidationError({f"{prefix}.model_version": NOT_THIS_PROJECT})
    if (
        isinstance(prompt_version, PromptVersion)
        and prompt_version.template.project_id != test.project_id
    ):
        raise ValidationError({f"{prefix}.prompt_version": NOT_THIS_PROJECT})
    variant = ABVariant(
        test=test,
        name=str(raw.get("name") or "").strip(),
        is_control=bool(raw.get("is_control", False)),
        model_version=model_version,
        prompt_version=prompt_version,
        traffic_share=raw.get("traffic_share"),  # type: ignore[misc]  # checked by full_clean
    )
    try:
        variant.full_clean(exclude=["test"], validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(
            {f"{prefix}.{key}": messages for key, messages in exc.message_dict.items()}
        ) from exc
    return variant


@transaction.atomic
def ab_test_create(
    *,
    actor: Actor,
    project: Project,
    variants: Sequence[Mapping[str, Any]],
    **fields: Any,
) -> ABTest:
    """The test and all its variants, or nothing: the shares add up to 100, one control."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, TEST_FIELDS)
    test = ABTest(project=project, created_by=author(actor), **fields)
    test.full_clean()
    if len(variants) < 2:
        raise ValidationError({"variants": TOO_FEW_VARIANTS})
    rows = [_variant(test, i, raw) for i, raw in enumerate(variants)]
    if sum(1 for row in rows if row.is_control) != 1:
        raise ValidationError({"variants": ONE_CONTROL})
    if len({row.name.casefold() for row in rows}) != len(rows):
        raise ValidationError({"variants": NAMES_UNIQUE})
    total = sum(int(row.traffic_share) for row in rows)
    if total != 100:
        raise ValidationError({"variants": SHARES_SUM.format(total)})
    test.save()
    for row in rows:
        row.test = test
        row.save()
    audit_record(
        actor=actor,
        action=Action.AB_TEST_CREATED,
        target=test,
        project=project,
        data={
            **snapshot(test, TEST_FIELDS),
            "variants": [
                {
                    "id": str(row.pk),
                    "name": row.name,
                    "is_control": row.is_control,
                    "model_version": str(row.model_version_id or ""),
                    "prompt_version": str(row.prompt_version_id or ""),
                    "traffic_share": row.traffic_share,
                }
                for row in rows
            ],
        },
    )
    return test


def _lock(test: ABTest) -> ABTest:
    return ABTest.objects.select_for_update().select_related("project").get(pk=test.pk)


@transaction.atomic
def ab_test_start(*, actor: Actor, test: ABTest) -> ABTest:
    require(actor, Perm.PROJECT_CONTRIBUTE, test)
    locked = _lock(test)
    if locked.status != ABTest.Status.DRAFT:
        raise ValidationError({"status": NOT_DRAFT})
    locked.status = ABTest.Status.RUNNING
    locked.started_at = timezone.now()
    locked.save(update_fields=["status", "started_at", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.AB_TEST_STARTED,
        target=locked,
        project=locked.project,
        data={"started_at": locked.started_at.isoformat()},
    )
    return locked


def _whole(value: Any, field: str, minimum: int, message: str) -> int:
    if isinstance(value, bool) or value is None:
        raise ValidationError({field: message})
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError as exc:
        raise ValidationError({field: message}) from exc
    if not number.is_finite() or number != number.to_integral_value() or number < minimum:
        raise ValidationError({field: message})
    return int(number)


def _number(value: Any, field: str) -> Decimal:
    try:
        return finite_decimal(value)
    except ValueError as exc:
        raise ValidationError({field: NOT_A_NUMBER}) from exc


def _totals(test: ABTest, totals: Mapping[str, Any]) -> dict[str, Any]:
    if test.metric_kind == ABTest.MetricKind.RATE:
        if totals.get("mean") is not None or totals.get("std_dev") is not None:
            raise ValidationError({"mean": RATE_FIELDS})
        n = _whole(totals.get("sample_size"), "sample_size", 1, TRIALS_MIN)
        successes = _whole(totals.get("successes"), "successes", 0, SUCCESSES_RANGE)
        if successes > n:
            raise ValidationError({"successes": SUCCESSES_RANGE})
        return {"sample_size": n, "successes": successes, "mean": None, "std_dev": None}
    if totals.get("successes") is not None:
        raise ValidationError({"successes": MEAN_FIELDS})
    n = _whole(totals.get("sample_size"), "sample_size", 2, MEAN_N_MIN)
    mean = _number(totals.get("mean"), "mean")
    std_dev = _number(totals.get("std_dev"), "std_dev")
    if std_dev < 0:
        raise ValidationError({"std_dev": SD_NEGATIVE})
    return {"sample_size": n, "successes": None, "mean": mean, "std_dev": std_dev}


def _same(variant: ABVariant, values: Mapping[str, Any]) -> bool:
    return all(getattr(variant, key) == value for key, value in values.items())


@transaction.atomic
def ab_test_results_post(
    *,
    actor: Actor,
    variant: ABVariant,
    batch_id: str = "",
    **totals: Any,
) -> tuple[ABVariant, bool]:
    """Replace the variant's totals (the serving side posts running totals, not increments).
    Returns (variant, changed); a batch id posted again with the same totals changes nothing,
    with other totals it is refused."""
    require(actor, Perm.PROJECT_CONTRIBUTE, variant)
    reject_unknown_fields(totals, ("sample_size", "successes", "mean", "std_dev"))
    test = _lock(variant.test)
    locked = ABVariant.objects.select_for_update().get(pk=variant.pk)
    if test.status != ABTest.Status.RUNNING:
        raise ValidationError({"status": NOT_RUNNING})
    values = _totals(test, totals)
    batch_id = str(batch_id or "").strip()
    if batch_id and batch_id == locked.results_batch_id:
        if _same(locked, {k: v for k, v in values.items() if v is not None}):
            return locked, False
        raise ValidationError({"batch_id": BATCH_DIFFERENT})
    before = {key: getattr(locked, key) for key in values}
    for key, value in values.items():
        setattr(locked, key, value)
    locked.results_at = timezone.now()
    locked.results_batch_id = batch_id[:200]
    locked.full_clean(exclude=["test"])
    locked.save()

    def plain(value: Any) -> Any:
        return str(value) if isinstance(value, Decimal) else value

    audit_record(
        actor=actor,
        action=Action.AB_TEST_RESULTS_POSTED,
        target=locked,
        project=test.project,
        data={
            "test": str(test.pk),
            "batch_id": batch_id,
            "before": {key: plain(value) for key, value in before.items()},
            "after": {key: plain(value) for key, value in values.items()},
        },
    )
    return locked, True


@transaction.atomic
def ab_test_finish(*, actor: Actor, test: ABTest, conclusion: str = "") -> ABTest:
    """Stop the test and record what its statistics say at this moment: the winner, or no
    significant difference (a test may be stopped early; the record says it was not
    significant then)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, test)
    locked = _lock(test)
    if locked.status != ABTest.Status.RUNNING:
        raise ValidationError({"status": NOT_RUNNING})
    analysis = analyse(locked, list(locked.variants.all()))
    locked.status = ABTest.Status.FINISHED
    locked.finished_at = timezone.now()
    locked.winner = analysis.winner
    locked.outcome = (
        ABTest.Outcome.WINNER if analysis.winner is not None else ABTest.Outcome.NOT_SIGNIFICANT
    )
    locked.conclusion = conclusion
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=Action.AB_TEST_FINISHED,
        target=locked,
        project=locked.project,
        data={
            "outcome": locked.outcome,
            "winner": str(locked.winner_id or ""),
            "verdict": analysis.verdict,
            "comparisons": [
                {
                    "variant": str(row.variant.pk),
                    "difference": row.comparison.difference,
                    "ci_low": row.comparison.ci_low,
                    "ci_high": row.comparison.ci_high,
                    "p_value": row.comparison.p_value,
                }
                for row in analysis.variants
                if row.comparison is not None
            ],
        },
    )
    return locked
