"""The Select phase's arithmetic against hand-worked examples (no database)."""

from decimal import Decimal
from fractions import Fraction

from models_registry.scoring import (
    CandidateInput,
    CostInput,
    CriterionInput,
    SheetInput,
    WorkloadInput,
    build_matrix,
    matrix_as_dict,
    monthly_cost,
    shares,
)

X, Y, Z = CandidateInput("x", "Xenon"), CandidateInput("y", "Yarrow"), CandidateInput("z", "Zinc")


def sheet(reviewer: str, scores: dict[tuple[str, str], int]) -> SheetInput:
    return SheetInput(reviewer, reviewer.title(), scores)


def test_weights_are_normalised_to_shares_of_one_hundred():
    criteria = [
        CriterionInput("a", "A", 3),
        CriterionInput("b", "B", 1),
        CriterionInput("c", "C", 0),
    ]
    assert shares(criteria) == {"a": Fraction(75), "b": Fraction(25), "c": Fraction(0)}


def test_totals_are_weighted_means_of_the_reviewers_means():
    criteria = [CriterionInput("a", "A", 60), CriterionInput("b", "B", 40)]
    sheets = [
        sheet("ann", {("x", "a"): 5, ("x", "b"): 1, ("y", "a"): 2, ("y", "b"): 5}),
        sheet("bob", {("x", "a"): 3, ("x", "b"): 3, ("y", "a"): 2, ("y", "b"): 5}),
    ]
    matrix = build_matrix(criteria, [X, Y], sheets)
    x, y = matrix.rows
    # X: A mean 4, B mean 2 → 0.6·4 + 0.4·2 = 3.2; Y: 0.6·2 + 0.4·5 = 3.2 → a tie, by label.
    assert x.total == Fraction(16, 5)
    assert y.total == Fraction(16, 5)
    assert [r.candidate.id for r in matrix.ranking] == ["x", "y"]
    assert x.cells["a"].spread == 2
    assert x.cells["a"].disagreement
    assert x.cells["b"].spread == 2
    assert not y.cells["a"].disagreement


def test_a_candidate_failing_a_hard_constraint_is_excluded_whatever_its_score():
    criteria = [
        CriterionInput("a", "Quality", 90),
        CriterionInput("b", "Data residency", 10, is_hard_constraint=True, minimum_score=3),
    ]
    sheets = [sheet("ann", {("x", "a"): 5, ("x", "b"): 2, ("y", "a"): 2, ("y", "b"): 4})]
    matrix = build_matrix(criteria, [X, Y], sheets)
    x, y = matrix.rows
    assert x.total is not None
    assert x.total > (y.total or 0)
    assert x.excluded_by == ["Data residency"]
    assert x.rank is None
    assert matrix.winner is y


def test_a_candidate_not_scored_on_every_criterion_has_no_total_and_no_rank():
    criteria = [CriterionInput("a", "A", 1), CriterionInput("b", "B", 1)]
    matrix = build_matrix(
        criteria, [X, Y], [sheet("ann", {("x", "a"): 5, ("y", "a"): 1, ("y", "b"): 1})]
    )
    assert matrix.rows[0].total is None
    assert matrix.rows[0].rank is None
    assert matrix.winner is matrix.rows[1]


def test_sensitivity_with_two_criteria_worked_by_hand():
    """A 60 %, B 40 %. X scores (5, 1) → 3.4; Y scores (2, 5) → 3.2: X wins.

    Moving A to x %: T_X = 5x/100 + 1(100−x)/100 and T_Y = 2x/100 + 5(100−x)/100 meet where
    4x + 100 = −3x + 500, x = 400/7 ≈ 57.14 %: 2.86 points down. At A = 50 % Y wins (3.5 to
    3.0); at 70 % X still does. B is the mirror image: up 2.86 points flips it.
    """
    criteria = [CriterionInput("a", "A", 60), CriterionInput("b", "B", 40)]
    sheets = [sheet("ann", {("x", "a"): 5, ("x", "b"): 1, ("y", "a"): 2, ("y", "b"): 5})]
    matrix = build_matrix(criteria, [X, Y], sheets)
    assert matrix.winner is not None
    assert matrix.winner.candidate is X
    on_a, on_b = matrix.sensitivity
    assert on_a.flip_at == Fraction(400, 7) - 60
    assert on_a.flips_to == "y"
    assert on_a.winner_minus == "y"
    assert on_a.winner_plus == "x"
    assert on_a.changes_within_ten
    assert on_b.flip_at == Fraction(300, 7) - 40
    assert on_b.flips_to == "y"
    assert on_b.winner_minus == "x"
    assert on_b.winner_plus == "y"
    shown = matrix_as_dict(matrix)["sensitivity"]
    assert [s["flip_at_points"] for s in shown] == [-2.9, 2.9]


def test_sensitivity_keeps_the_other_weights_in_proportion():
    """A 50, B 30, C 20. X (4, 2, 3) → 3.2; Y (3, 4, 2) → 3.1.

    Moving A: the others' weighted means are X 2.4 and Y 3.2, so T_X = 4x/100 + 2.4(100−x)/100
    and T_Y = 3x/100 + 3.2(100−x)/100 meet at 1.8x = 80, x = 44.4 %: 5.56 points down.
    """
    criteria = [
        CriterionInput("a", "A", 50),
        CriterionInput("b", "B", 30),
        CriterionInput("c", "C", 20),
    ]
    scores = {
        ("x", "a"): 4,
        ("x", "b"): 2,
        ("x", "c"): 3,
        ("y", "a"): 3,
        ("y", "b"): 4,
        ("y", "c"): 2,
    }
    matrix = build_matrix(criteria, [X, Y], [sheet("ann", scores)])
    on_a = matrix.sensitivity[0]
    assert on_a.flip_at == Fraction(400, 9) - 50
    assert on_a.winner_minus == "y"  # at 40 %: X 0.4·4 + 0.6·2.4 = 3.04, Y 1.2 + 1.92 = 3.12
    assert on_a.winner_plus == "x"


def test_a_winner_that_no_move_of_a_weight_can_dislodge():
    criteria = [CriterionInput("a", "A", 50), CriterionInput("b", "B", 50)]
    scores = {
        ("x", "a"): 5,
        ("x", "b"): 5,
        ("y", "a"): 1,
        ("y", "b"): 2,
        ("z", "a"): 2,
        ("z", "b"): 1,
    }
    matrix = build_matrix(criteria, [X, Y, Z], [sheet("ann", scores)])
    assert all(f.flip_at is None and not f.changes_within_ten for f in matrix.sensitivity)
    assert all(f.winner_minus == "x" and f.winner_plus == "x" for f in matrix.sensitivity)


def test_monthly_cost_from_tokens_converted_to_the_organisations_currency():
    """100,000 requests × (1,200 in × 2.50 + 300 out × 10.00) / 1M = 600 USD; at 0.92 → 552 EUR."""
    cost = CostInput(
        input_price_per_million=Decimal("2.50"),
        output_price_per_million=Decimal("10.00"),
        token_currency="USD",
    )
    estimate = monthly_cost(
        cost, WorkloadInput(100_000, 1_200, 300), currency="EUR", rates={"USD": Decimal("0.92")}
    )
    assert estimate.monthly == Decimal("552.00")
    assert estimate.parts == {"tokens": Decimal("552.00")}


def test_monthly_cost_of_self_hosting_by_compute_and_fixed_costs():
    cost = CostInput(
        gpu_hours_per_month=Decimal("720"),
        gpu_hour_price=Decimal("1.8500"),
        fixed_monthly_cost=Decimal("400"),
        cost_currency="EUR",
    )
    estimate = monthly_cost(cost, WorkloadInput(10, 10, 10), currency="EUR", rates={})
    assert estimate.parts == {"compute": Decimal("1332.00"), "fixed": Decimal("400.00")}
    assert estimate.monthly == Decimal("1732.00")


def test_no_estimate_without_figures_or_without_an_exchange_rate():
    none = monthly_cost(CostInput(), WorkloadInput(1, 1, 1), currency="EUR", rates={})
    assert none.monthly is None
    assert "No prices" in none.problem
    priced = CostInput(input_price_per_million=Decimal(1), token_currency="GBP")
    missing = monthly_cost(
        priced, WorkloadInput(1, 1, 1), currency="EUR", rates={"USD": Decimal(1)}
    )
    assert missing.monthly is None
    assert missing.problem == "No exchange rate from GBP to EUR."
