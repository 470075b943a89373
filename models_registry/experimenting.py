"""An A/B test's analysis: each variant against the control, and what that says (a winner,
not significant, or "not significant yet: about N more per variant"). Pure over the rows
given: the selectors show it, the finishing service records its outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from models_registry.experiment_stats import Comparison, compare_means, compare_rates
from models_registry.models import ABTest, ABVariant


@dataclass(frozen=True)
class VariantAnalysis:
    variant: ABVariant
    comparison: Comparison | None  # None until both it and the control have results
    # Significantly better than the control in the test's direction (higher or lower is better).
    better: bool = False
    worse: bool = False
    # For a comparison not significant yet: the observations still needed per variant.
    more_needed: int | None = None
    below_minimum: bool = False


@dataclass(frozen=True)
class Analysis:
    control: ABVariant | None
    variants: list[VariantAnalysis] = field(default_factory=list)
    winner: ABVariant | None = None

    @property
    def verdict(self) -> str:
        if self.winner is not None:
            return f"{self.winner.name} wins"
        if not self.variants or any(v.comparison is None for v in self.variants):
            return "Waiting for results"
        needed = [v.more_needed for v in self.variants if v.more_needed]
        if needed:
            return f"Not significant yet: about {max(needed)} more per variant"
        return "Not significant"


def _compare(test: ABTest, control: ABVariant, variant: ABVariant) -> Comparison | None:
    if control.sample_size is None or variant.sample_size is None:
        return None
    alpha = float(test.alpha)
    if test.metric_kind == ABTest.MetricKind.RATE:
        return compare_rates(
            control.sample_size,
            control.successes or 0,
            variant.sample_size,
            variant.successes or 0,
            alpha=alpha,
        )
    return compare_means(
        control.sample_size,
        float(control.mean or 0),
        float(control.std_dev or 0),
        variant.sample_size,
        float(variant.mean or 0),
        float(variant.std_dev or 0),
        alpha=alpha,
    )


def analyse(test: ABTest, variants: Sequence[ABVariant]) -> Analysis:
    """A variant wins when it is significantly better than the control and every variant has
    reached the test's minimum sample; the control wins when every other variant is
    significantly worse. Among several better variants the largest improvement wins."""
    control = next((v for v in variants if v.is_control), None)
    if control is None:
        return Analysis(control=None)
    rows: list[VariantAnalysis] = []
    for variant in variants:
        if variant.pk == control.pk:
            continue
        comparison = _compare(test, control, variant)
        if comparison is None:
            rows.append(VariantAnalysis(variant=variant, comparison=None))
            continue
        improves = comparison.difference > 0 if test.higher_is_better else comparison.difference < 0
        below = min(control.sample_size or 0, variant.sample_size or 0) < (
            test.min_sample_per_variant
        )
        more = None
        if not comparison.significant and comparison.required_per_variant is not None:
            observed = min(control.sample_size or 0, variant.sample_size or 0)
            more = max(0, comparison.required_per_variant - observed) or None
        rows.append(
            VariantAnalysis(
                variant=variant,
                comparison=comparison,
                better=comparison.significant and improves,
                worse=comparison.significant and not improves,
                more_needed=more,
                below_minimum=below,
            )
        )
    winner: ABVariant | None = None
    complete = bool(rows) and all(r.comparison is not None and not r.below_minimum for r in rows)
    if complete:
        better = [r for r in rows if r.better]
        if better:
            best = max(better, key=lambda r: abs(r.comparison.difference if r.comparison else 0))
            winner = best.variant
        elif all(r.worse for r in rows):
            winner = control
    return Analysis(control=control, variants=rows, winner=winner)
