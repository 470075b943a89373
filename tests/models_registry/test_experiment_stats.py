"""The A/B statistics: hand-computed examples, scipy's own tests as the reference, the edges
and the input they refuse."""

import math

import pytest
from scipy import stats

from models_registry.experiment_stats import (
    StatsInputError,
    compare_means,
    compare_rates,
    required_sample_size_means,
    required_sample_size_rates,
)


def test_rates_hand_computed():
    # Control 120/1000 = 0.12, variant 150/1000 = 0.15, difference +0.03.
    # Pooled p = 270/2000 = 0.135; se = √(0.135 · 0.865 · (1/1000 + 1/1000))
    #   = √0.00023355 ≈ 0.0152824; z = 0.03 / 0.0152824 ≈ 1.9630; p = 2·(1 − Φ(1.963)) ≈ 0.0496.
    # Unpooled se = √(0.12·0.88/1000 + 0.15·0.85/1000) = √0.0002331 ≈ 0.0152676;
    #   95 % CI = 0.03 ± 1.95996 · 0.0152676 = 0.03 ± 0.029924 → [0.000076, 0.059924].
    result = compare_rates(1000, 120, 1000, 150)
    assert result.difference == pytest.approx(0.03)
    assert result.statistic == pytest.approx(1.9630, abs=1e-3)
    assert result.p_value == pytest.approx(0.0496, abs=5e-4)
    assert result.ci_low == pytest.approx(0.000076, abs=2e-6)
    assert result.ci_high == pytest.approx(0.059924, abs=2e-6)
    assert result.significant
    # Swapping the arms flips the sign, not the p-value.
    swapped = compare_rates(1000, 150, 1000, 120)
    assert swapped.statistic == pytest.approx(-result.statistic)
    assert swapped.p_value == pytest.approx(result.p_value)


def test_rates_match_chi_square_without_continuity_correction():
    # The pooled two-proportion z-test is the 2×2 chi-square test: chi2 = z², same p-value.
    for n1, x1, n2, x2 in [(1000, 120, 1000, 150), (250, 40, 310, 41), (80, 79, 90, 60)]:
        result = compare_rates(n1, x1, n2, x2)
        chi2, p, _dof, _expected = stats.chi2_contingency(
            [[x1, n1 - x1], [x2, n2 - x2]], correction=False
        )
        assert result.statistic**2 == pytest.approx(chi2, rel=1e-9)
        assert result.p_value == pytest.approx(p, rel=1e-9)


def test_means_hand_computed():
    # Control n=50, mean 4.0, sd 1.0; variant n=60, mean 4.5, sd 1.5.
    # v1 = 1/50 = 0.02, v2 = 2.25/60 = 0.0375; se = √0.0575 ≈ 0.239792; t = 0.5/0.239792 ≈ 2.0851.
    # df = 0.0575² / (0.02²/49 + 0.0375²/59) = 0.00330625 / (0.0000081633 + 0.0000238347)
    #    = 0.00330625 / 0.000031998 ≈ 103.33; two-sided p ≈ 0.0395.
    result = compare_means(50, 4.0, 1.0, 60, 4.5, 1.5)
    assert result.difference == pytest.approx(0.5)
    assert result.statistic == pytest.approx(2.0851, abs=1e-3)
    assert result.degrees_of_freedom == pytest.approx(103.33, abs=0.01)
    assert result.p_value == pytest.approx(0.0395, abs=1e-3)
    assert result.ci_low < 0.5 < result.ci_high
    assert result.significant


@pytest.mark.parametrize(
    ("n1", "m1", "s1", "n2", "m2", "s2"),
    [(50, 4.0, 1.0, 60, 4.5, 1.5), (12, 230.0, 40.0, 9, 210.0, 12.0), (3, 1.0, 0.5, 400, 1.2, 2.0)],
)
def test_means_match_scipy_welch(n1, m1, s1, n2, m2, s2):
    result = compare_means(n1, m1, s1, n2, m2, s2, alpha=0.1)
    reference = stats.ttest_ind_from_stats(m2, s2, n2, m1, s1, n1, equal_var=False)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-9)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    # The interval: δ ± t_{0.95, df} · se, with scipy's t quantile.
    se = math.sqrt(s1**2 / n1 + s2**2 / n2)
    margin = stats.t.ppf(0.95, result.degrees_of_freedom) * se
    assert result.ci_low == pytest.approx(m2 - m1 - margin)
    assert result.ci_high == pytest.approx(m2 - m1 + margin)


def test_identical_rates_and_means_give_p_one():
    same = compare_rates(500, 100, 800, 160)
    assert same.difference == 0
    assert same.p_value == pytest.approx(1.0)
    assert not same.significant
    assert same.required_per_variant is None
    means = compare_means(30, 2.0, 1.0, 40, 2.0, 0.7)
    assert means.p_value == pytest.approx(1.0)
    assert means.required_per_variant is None


def test_all_successes_and_all_failures():
    # Pooled rate 1 (or 0): pooled se 0, equal rates, no evidence of a difference.
    assert compare_rates(100, 100, 200, 200).p_value == 1.0
    assert compare_rates(100, 0, 200, 0).p_value == 1.0
    # All successes against some failures is a real comparison.
    result = compare_rates(100, 100, 100, 90)
    assert result.difference == pytest.approx(-0.1)
    assert result.p_value < 0.01


def test_zero_variance():
    equal = compare_means(10, 5.0, 0.0, 10, 5.0, 0.0)
    assert equal.p_value == 1.0
    assert (equal.ci_low, equal.ci_high) == (0.0, 0.0)
    different = compare_means(10, 5.0, 0.0, 10, 6.0, 0.0)
    assert different.p_value == 0.0
    assert different.significant
    assert (different.ci_low, different.ci_high) == (1.0, 1.0)
    # One arm without variance is an ordinary Welch test.
    one = compare_means(10, 5.0, 0.0, 10, 6.0, 1.0)
    reference = stats.ttest_ind_from_stats(6.0, 1.0, 10, 5.0, 0.0, 10, equal_var=False)
    assert one.p_value == pytest.approx(reference.pvalue)


def test_required_sample_size():
    # 0.12 vs 0.15, α 0.05, power 0.8: p̄ = 0.135;
    # (1.95996·√(2·0.135·0.865) + 0.84162·√(0.12·0.88 + 0.15·0.85))² / 0.03²
    # = (1.95996·0.483270 + 0.84162·0.482804)² / 0.0009 = (0.947189 + 0.406339)² / 0.0009
    # = 1.832038 / 0.0009 ≈ 2035.6 → 2036 per variant.
    assert required_sample_size_rates(0.12, 0.15) == 2036
    assert compare_rates(1000, 120, 1000, 150).required_per_variant == 2036
    # Means: (1.95996 + 0.84162)² · (1 + 1) / 0.5² = 7.84886 · 2 / 0.25 ≈ 62.79 → 63.
    assert required_sample_size_means(0.5, 1.0, 1.0) == 63
    assert required_sample_size_means(0.0, 1.0, 1.0) is None
    assert required_sample_size_means(1.0, 0.0, 0.0) == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda: compare_rates(0, 0, 100, 10),  # no trials
        lambda: compare_rates(-5, 0, 100, 10),
        lambda: compare_rates(100, 101, 100, 10),  # successes > trials
        lambda: compare_rates(100, -1, 100, 10),
        lambda: compare_rates(100, 10, 100, 10, alpha=0),
        lambda: compare_rates(100, 10, 100, 10, alpha=float("nan")),
        lambda: compare_rates(100.5, 10, 100, 10),  # type: ignore[arg-type]  # not whole
        lambda: compare_means(1, 1.0, 1.0, 10, 1.0, 1.0),  # a t-test needs n ≥ 2
        lambda: compare_means(10, 1.0, -1.0, 10, 1.0, 1.0),  # negative sd
        lambda: compare_means(10, float("nan"), 1.0, 10, 1.0, 1.0),
        lambda: compare_means(10, 1.0, float("inf"), 10, 1.0, 1.0),
        lambda: required_sample_size_rates(-0.1, 0.2),  # rates outside [0, 1]
        lambda: required_sample_size_rates(0.1, 1.2),
        lambda: required_sample_size_means(float("inf"), 1.0, 1.0),
    ],
)
def test_bad_input_is_refused(call):
    with pytest.raises(StatsInputError):
        call()
