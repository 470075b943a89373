"""Judging evaluation figures: a metric against a success criterion's target, and the checks
a batch of metrics must pass before it is recorded. Pure: services, selectors and importers
share it, and its tests need no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

# SuccessCriterion.Comparison values (projects.models.scope), spelled out to stay pure.
AT_LEAST, AT_MOST, EQUAL = "gte", "lte", "eq"
MAX_METRICS = 500  # in one evaluation: more is an import gone wrong, not a result

NOT_A_NUMBER = "Must be a finite number (not NaN, not infinite, not text)."
NO_METRICS = "An evaluation needs at least one metric."
TOO_MANY = f"At most {MAX_METRICS} metrics in one evaluation."
DUPLICATE = "The same metric (and slice) is given twice."
SLICE_WITHOUT_OVERALL = "A slice metric needs the overall figure of the same metric."
SLICE_HALF = "A slice needs both its key (e.g. language) and its value (e.g. de)."


def meets(value: Decimal, comparison: str, target: Decimal) -> bool:
    """Does `value` meet a criterion "`comparison` `target`"?"""
    if comparison == AT_LEAST:
        return value >= target
    if comparison == AT_MOST:
        return value <= target
    if comparison == EQUAL:
        return value == target
    raise ValueError(f"unknown comparison {comparison!r}")


def finite_decimal(raw: Any) -> Decimal:
    """A metric value as a Decimal; ValueError for NaN, ±inf, booleans and non-numbers."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError(NOT_A_NUMBER)
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(NOT_A_NUMBER) from exc
    if not value.is_finite():
        raise ValueError(NOT_A_NUMBER)
    return value


def metric_key(metric: Mapping[str, Any]) -> tuple[str, str, str]:
    return (
        str(metric.get("name", "")),
        str(metric.get("slice_key", "") or ""),
        str(metric.get("slice_value", "") or ""),
    )


def batch_problems(metrics: Iterable[Mapping[str, Any]]) -> dict[int, str] | str:
    """What is wrong with a batch of metrics: a message for the batch, or the message of
    each bad item by its position; empty when the batch may be recorded whole."""
    items = list(metrics)
    if not items:
        return NO_METRICS
    if len(items) > MAX_METRICS:
        return TOO_MANY
    problems: dict[int, str] = {}
    seen: set[tuple[str, str, str]] = set()
    overall = {metric_key(m)[0] for m in items if not metric_key(m)[1] and not metric_key(m)[2]}
    for position, metric in enumerate(items):
        name, slice_key, slice_value = metric_key(metric)
        try:
            finite_decimal(metric.get("value"))
        except ValueError as exc:
            problems[position] = str(exc)
            continue
        if bool(slice_key) != bool(slice_value):
            problems[position] = SLICE_HALF
        elif (name, slice_key, slice_value) in seen:
            problems[position] = DUPLICATE
        elif slice_key and name not in overall:
            problems[position] = SLICE_WITHOUT_OVERALL
        seen.add((name, slice_key, slice_value))
    return problems
