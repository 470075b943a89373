"""The statistics of an A/B test: is a variant's metric different from the control's?

Pure functions over summary statistics (no database): a two-proportion z-test for rates and
Welch's t-test for means, each two-sided, with the confidence interval of the difference
(variant − control) at 1 − alpha, and the sample size per variant that the observed effect
would need at power 0.8. docs/operate.md states the formulas and their assumptions.

The distributions come from scipy.stats rather than hand-written approximations: Welch's test
needs the Student t distribution at fractional degrees of freedom (a regularised incomplete
beta function), which is easy to get subtly wrong, and scipy is the well-kept reference that
the tests would compare against anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

DEFAULT_ALPHA = 0.05
DEFAULT_POWER = 0.8


class StatsInputError(ValueError):
    """The summary statistics cannot be analysed (the message says why)."""


@dataclass(frozen=True)
class Comparison:
    """A variant against the control: difference = variant − control."""

    control_value: float
    variant_value: float
    difference: float
    ci_low: float
    ci_high: float
    statistic: float  # z for rates, t for means
    p_value: float
    degrees_of_freedom: float | None  # Welch–Satterthwaite; None for the z-test
    alpha: float
    # Per variant, for the observed effect at power 0.8; None where there is no effect
    # (identical values) to detect.
    required_per_variant: int | None

    @property
    def significant(self) -> bool:
        return self.p_value < self.alpha


def _finite(name: str, value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise StatsInputError(f"{name} must be a number.") from exc
    if not math.isfinite(number):
        raise StatsInputError(f"{name} must be a finite number.")
    return number


def _alpha(alpha: float) -> float:
    alpha = _finite("alpha", alpha)
    if not 0 < alpha < 1:
        raise StatsInputError("alpha must lie strictly between 0 and 1.")
    return alpha


def _count(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StatsInputError(f"{name} must be a whole number.")
    if value < minimum:
        raise StatsInputError(f"{name} must be at least {minimum}.")
    return value


def _rate(name: str, value: float) -> float:
    value = _finite(name, value)
    if not 0 <= value <= 1:
        raise StatsInputError(f"{name} must lie between 0 and 1.")
    return value


def _two_sided_z(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def required_sample_size_rates(
    control_rate: float,
    variant_rate: float,
    alpha: float = DEFAULT_ALPHA,
    power: float = DEFAULT_POWER,
) -> int | None:
    """Per variant, for a two-sided two-proportion z-test to detect control_rate vs
    variant_rate with the given power: n = (z_{1−α/2}·√(2·p̄·q̄) + z_power·√(p₁q₁ + p₂q₂))² / δ²
    with p̄ the mean of the two rates. None when the rates are equal (nothing to detect)."""
    p1 = _rate("control rate", control_rate)
    p2 = _rate("variant rate", variant_rate)
    alpha = _alpha(alpha)
    power = _rate("power", power)
    delta = p2 - p1
    if delta == 0:
        return None
    p_bar = (p1 + p2) / 2
    z_a = _two_sided_z(alpha)
    z_b = float(stats.norm.ppf(power))
    root = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root**2 / delta**2)


def required_sample_size_means(
    delta: float,
    sd_control: float,
    sd_variant: float,
    alpha: float = DEFAULT_ALPHA,
    power: float = DEFAULT_POWER,
) -> int | None:
    """Per variant, normal approximation: n = (z_{1−α/2} + z_power)² · (s₁² + s₂²) / δ².
    None when δ is 0 (nothing to detect); 2 (the least a t-test takes) when both standard
    deviations are 0 and δ is not."""
    delta = _finite("difference", delta)
    s1 = _finite("control standard deviation", sd_control)
    s2 = _finite("variant standard deviation", sd_variant)
    if s1 < 0 or s2 < 0:
        raise StatsInputError("A standard deviation cannot be negative.")
    alpha = _alpha(alpha)
    power = _rate("power", power)
    if delta == 0:
        return None
    z_a = _two_sided_z(alpha)
    z_b = float(stats.norm.ppf(power))
    return max(2, math.ceil((z_a + z_b) ** 2 * (s1**2 + s2**2) / delta**2))


def compare_rates(
    control_trials: int,
    control_successes: int,
    variant_trials: int,
    variant_successes: int,
    alpha: float = DEFAULT_ALPHA,
) -> Comparison:
    """Two-proportion z-test. The test uses the pooled standard error (under the null
    hypothesis both share one rate); the confidence interval of the difference uses the
    unpooled one (no such assumption). Rates of 0 % or 100 % in both arms give a pooled
    standard error of 0: with equal rates that is no evidence of a difference (p = 1)."""
    n1 = _count("control trials", control_trials, 1)
    n2 = _count("variant trials", variant_trials, 1)
    x1 = _count("control successes", control_successes, 0)
    x2 = _count("variant successes", variant_successes, 0)
    if x1 > n1 or x2 > n2:
        raise StatsInputError("Successes cannot exceed trials.")
    alpha = _alpha(alpha)
    p1, p2 = x1 / n1, x2 / n2
    diff = p2 - p1
    pooled = (x1 + x2) / (n1 + n2)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se_pooled == 0:
        # Both arms all-success or all-failure: the rates are equal.
        z, p_value = 0.0, 1.0
    else:
        z = diff / se_pooled
        p_value = float(2 * stats.norm.sf(abs(z)))
    se_unpooled = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    margin = _two_sided_z(alpha) * se_unpooled
    return Comparison(
        control_value=p1,
        variant_value=p2,
        difference=diff,
        ci_low=diff - margin,
        ci_high=diff + margin,
        statistic=z,
        p_value=min(1.0, p_value),
        degrees_of_freedom=None,
        alpha=alpha,
        required_per_variant=required_sample_size_rates(p1, p2, alpha),
    )


def compare_means(
    control_n: int,
    control_mean: float,
    control_sd: float,
    variant_n: int,
    variant_mean: float,
    variant_sd: float,
    alpha: float = DEFAULT_ALPHA,
) -> Comparison:
    """Welch's t-test from summary statistics: se = √(s₁²/n₁ + s₂²/n₂), t = δ / se, degrees of
    freedom by Welch–Satterthwaite, two-sided p and the interval δ ± t_{1−α/2, df} · se.

    Zero variance in both arms leaves se = 0, where the t statistic is undefined: equal means
    are then no evidence of a difference (p = 1), different means are a certain one (p = 0,
    the interval the difference itself)."""
    n1 = _count("control sample size", control_n, 2)
    n2 = _count("variant sample size", variant_n, 2)
    m1 = _finite("control mean", control_mean)
    m2 = _finite("variant mean", variant_mean)
    s1 = _finite("control standard deviation", control_sd)
    s2 = _finite("variant standard deviation", variant_sd)
    if s1 < 0 or s2 < 0:
        raise StatsInputError("A standard deviation cannot be negative.")
    alpha = _alpha(alpha)
    diff = m2 - m1
    v1, v2 = s1**2 / n1, s2**2 / n2
    se = math.sqrt(v1 + v2)
    if se == 0:
        t = 0.0 if diff == 0 else math.copysign(math.inf, diff)
        p_value = 1.0 if diff == 0 else 0.0
        df = float(n1 + n2 - 2)
        low = high = diff
    else:
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        t = diff / se
        p_value = float(2 * stats.t.sf(abs(t), df))
        margin = float(stats.t.ppf(1 - alpha / 2, df)) * se
        low, high = diff - margin, diff + margin
    return Comparison(
        control_value=m1,
        variant_value=m2,
        difference=diff,
        ci_low=low,
        ci_high=high,
        statistic=t,
        p_value=min(1.0, p_value),
        degrees_of_freedom=df,
        alpha=alpha,
        required_per_variant=required_sample_size_means(diff, s1, s2, alpha),
    )
