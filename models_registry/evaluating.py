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


# --- bias checks on slice metrics ---------------------------------------------------------------

FOUR_FIFTHS = Decimal("0.8")  # the US EEOC's rule of thumb for adverse impact (29 CFR 1607.4(D))


def deviation_flags(
    overall: Decimal, slices: Mapping[str, Decimal], *, threshold: Decimal, relative: bool
) -> list[dict[str, Any]]:
    """Each slice with its deviation from the overall figure, flagged when it exceeds the
    threshold — in the metric's own units, or (relative) as a share of the overall."""
    rows = []
    for name, value in sorted(slices.items()):
        deviation = value - overall
        measured = abs(deviation) / abs(overall) if relative and overall else abs(deviation)
        rows.append(
            {
                "slice": name,
                "value": value,
                "deviation": deviation,
                "measured": measured,
                "flagged": measured > threshold,
            }
        )
    return rows


def four_fifths_flags(
    rates: Mapping[str, Decimal], *, threshold: Decimal = FOUR_FIFTHS
) -> list[dict[str, Any]]:
    """Each group's selection rate against the highest group's: its impact ratio, flagged when
    below the threshold (four fifths by default). A highest rate of zero selects nobody, so
    no group is disadvantaged against it."""
    if any(rate < 0 or rate > 1 for rate in rates.values()):
        raise ValueError("Selection rates lie between 0 and 1.")
    highest = max(rates.values(), default=Decimal(0))
    rows = []
    for name, rate in sorted(rates.items()):
        ratio = rate / highest if highest else Decimal(1)
        rows.append({"slice": name, "value": rate, "ratio": ratio, "flagged": ratio < threshold})
    return rows
