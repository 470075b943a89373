"""The Select phase's arithmetic, on plain values: weights normalised to shares, the scoring
matrix with its spread and ranking, hard constraints, the sensitivity of the winner to each
weight, and the monthly cost of a candidate.

Pure functions over dataclasses, so the same code computes the live matrix, the frozen one of
a decision record and the hand-worked examples of the tests. Arithmetic is exact (Fraction)
and rounded only when shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

# Reviewers this far apart on one cell disagree enough to talk about it.
DISAGREEMENT_SPREAD = 2
# The steering committee's question: does the winner hold if a weight moves this much?
SENSITIVITY_POINTS = 10
HUNDRED = Fraction(100)


@dataclass(frozen=True)
class CriterionInput:
    id: str
    name: str
    weight: int
    is_hard_constraint: bool = False
    minimum_score: int = 3


@dataclass(frozen=True)
class CandidateInput:
    id: str
    label: str


@dataclass(frozen=True)
class SheetInput:
    """A submitted sheet: {(candidate id, criterion id): score}."""

    reviewer_id: str
    reviewer_label: str
    scores: Mapping[tuple[str, str], int]


def shares(criteria: Sequence[CriterionInput]) -> dict[str, Fraction]:
    """Each criterion's weight as a percentage of all weights (they sum to 100). All zero is
    refused where weights are written, so it only reaches here with no criteria."""
    total = sum(c.weight for c in criteria)
    if total <= 0:
        return {c.id: Fraction(0) for c in criteria}
    return {c.id: Fraction(c.weight * 100, total) for c in criteria}


@dataclass
class Cell:
    values: dict[str, int]  # reviewer id → score
    mean: Fraction | None
    spread: int | None

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread >= DISAGREEMENT_SPREAD


@dataclass
class Row:
    candidate: CandidateInput
    cells: dict[str, Cell]  # criterion id → cell
    total: Fraction | None  # weighted mean score on the 1–5 scale; None until complete
    excluded_by: list[str] = field(default_factory=list)  # names of failed hard constraints
    rank: int | None = None

    @property
    def eligible(self) -> bool:
        return self.total is not None and not self.excluded_by


@dataclass
class Flip:
    """What happens to the winner when one criterion's share moves."""

    criterion_id: str
    criterion_name: str
    share: Fraction
    winner_minus: str | None  # candidate id winning at share − 10 points
    winner_plus: str | None  # … and at share + 10 points
    # The smallest move (in points, signed) at which another candidate draws level, beyond
    # which it wins; None if no move within 0–100 % changes the winner.
    flip_at: Fraction | None
    flips_to: str | None

    @property
    def changes_within_ten(self) -> bool:
        return self.flip_at is not None and abs(self.flip_at) <= SENSITIVITY_POINTS


@dataclass
class Matrix:
    criteria: list[CriterionInput]
    shares: dict[str, Fraction]
    reviewers: list[tuple[str, str]]  # (id, label) of the submitted sheets
    rows: list[Row]
    sensitivity: list[Flip]

    @property
    def ranking(self) -> list[Row]:
        return sorted((r for r in self.rows if r.rank is not None), key=lambda r: r.rank or 0)

    @property
    def winner(self) -> Row | None:
        ranked = self.ranking
        return ranked[0] if ranked else None


def _cell(sheets: Sequence[SheetInput], candidate_id: str, criterion_id: str) -> Cell:
    values = {
        s.reviewer_id: s.scores[(candidate_id, criterion_id)]
        for s in sheets
        if (candidate_id, criterion_id) in s.scores
    }
    if not values:
        return Cell(values, None, None)
    mean = Fraction(sum(values.values()), len(values))
    return Cell(values, mean, max(values.values()) - min(values.values()))


def _total(cells: Mapping[str, Cell], share_of: Mapping[str, Fraction]) -> Fraction | None:
    if any(cell.mean is None for cell in cells.values()):
        return None
    return sum(
        (share_of[cid] * (cell.mean or 0) / HUNDRED for cid, cell in cells.items()), Fraction(0)
    )


def _rank(rows: Sequence[Row], totals: Mapping[str, Fraction]) -> list[str]:
    """Eligible candidate ids, best first; ties broken by label so the order is stable."""
    eligible = [r for r in rows if r.eligible]
    eligible.sort(key=lambda r: (-totals[r.candidate.id], r.candidate.label, r.candidate.id))
    return [r.candidate.id for r in eligible]


def build_matrix(
    criteria: Sequence[CriterionInput],
    candidates: Sequence[CandidateInput],
    sheets: Sequence[SheetInput],
) -> Matrix:
    share_of = shares(criteria)
    rows = []
    for candidate in candidates:
        cells = {c.id: _cell(sheets, candidate.id, c.id) for c in criteria}
        excluded = [
            c.name
            for c in criteria
            if c.is_hard_constraint
            and cells[c.id].mean is not None
            and (cells[c.id].mean or 0) < c.minimum_score
        ]
        rows.append(Row(candidate, cells, _total(cells, share_of), excluded))
    totals = {r.candidate.id: r.total for r in rows if r.total is not None}
    for position, candidate_id in enumerate(_rank(rows, totals), start=1):
        next(r for r in rows if r.candidate.id == candidate_id).rank = position
    matrix = Matrix(
        list(criteria),
        share_of,
        [(s.reviewer_id, s.reviewer_label) for s in sheets],
        rows,
        [],
    )
    matrix.sensitivity = _sensitivity(matrix)
    return matrix


def _others_mean(row: Row, criterion_id: str, share_of: Mapping[str, Fraction]) -> Fraction:
    """The candidate's score over the other criteria, weighted by their shares among
    themselves (equal shares if the moved criterion held all the weight)."""
    others = {cid: cell for cid, cell in row.cells.items() if cid != criterion_id}
    rest = sum((share_of[cid] for cid in others), Fraction(0))
    if rest == 0:
        return sum((cell.mean or 0 for cell in others.values()), Fraction(0)) / Fraction(
            len(others)
        )
    weighted = (share_of[cid] * (cell.mean or 0) for cid, cell in others.items())
    return sum(weighted, Fraction(0)) / rest


def _winner_at(rows: Sequence[Row], criterion_id: str, x: Fraction, share_of: Any) -> str | None:
    """The winner when the criterion's share is `x` % and the others keep their proportions."""
    totals = {
        r.candidate.id: x / HUNDRED * (r.cells[criterion_id].mean or 0)
        + (HUNDRED - x) / HUNDRED * _others_mean(r, criterion_id, share_of)
        for r in rows
        if r.eligible
    }
    ranked = _rank(rows, totals)
    return ranked[0] if ranked else None


def _sensitivity(matrix: Matrix) -> list[Flip]:
    winner = matrix.winner
    if winner is None or len(matrix.criteria) < 2:
        return []
    eligible = [r for r in matrix.rows if r.eligible]
    flips = []
    for criterion in matrix.criteria:
        cid = criterion.id
        p = matrix.shares[cid]
        best: tuple[Fraction, str] | None = None
        # T_c(x) = x/100·s_c + (100 − x)/100·r_c is linear in the share x, so the point where
        # a rival draws level with the winner is where the two lines cross.
        s_w = winner.cells[cid].mean or 0
        r_w = _others_mean(winner, cid, matrix.shares)
        for rival in eligible:
            if rival is winner:
                continue
            a = (rival.cells[cid].mean or 0) - s_w
            b = _others_mean(rival, cid, matrix.shares) - r_w
            if a == b:
                continue  # parallel: the gap never closes by moving this weight
            x = -HUNDRED * b / (a - b)
            if not 0 <= x <= HUNDRED:
                continue
            move = x - p
            if best is None or abs(move) < abs(best[0]):
                best = (move, rival.candidate.id)
        flips.append(
            Flip(
                criterion_id=cid,
                criterion_name=criterion.name,
                share=p,
                winner_minus=_winner_at(
                    matrix.rows, cid, max(Fraction(0), p - SENSITIVITY_POINTS), matrix.shares
                ),
                winner_plus=_winner_at(
                    matrix.rows, cid, min(HUNDRED, p + SENSITIVITY_POINTS), matrix.shares
                ),
                flip_at=best[0] if best else None,
                flips_to=best[1] if best else None,
            )
        )
    return flips


def rounded(value: Fraction | None, places: int = 2) -> float | None:
    """A Fraction shown with `places` decimals (half up), as JSON carries it."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(quantum, rounding=ROUND_HALF_UP))


def matrix_as_dict(matrix: Matrix) -> dict[str, Any]:
    """The matrix as JSON values: what the API returns and a decision record freezes."""
    labels = {r.candidate.id: r.candidate.label for r in matrix.rows}
    return {
        "criteria": [
            {
                "id": c.id,
                "name": c.name,
                "weight": c.weight,
                "share_percent": rounded(matrix.shares[c.id], 1),
                "is_hard_constraint": c.is_hard_constraint,
                "minimum_score": c.minimum_score if c.is_hard_constraint else None,
            }
            for c in matrix.criteria
        ],
        "reviewers": [{"id": rid, "label": label} for rid, label in matrix.reviewers],
        "rows": [
            {
                "candidate": r.candidate.id,
                "label": r.candidate.label,
                "total": rounded(r.total, 3),
                "rank": r.rank,
                "excluded_by": r.excluded_by,
                "cells": [
                    {
                        "criterion": cid,
                        "scores": [
                            {"reviewer": rid, "value": value} for rid, value in cell.values.items()
                        ],
                        "mean": rounded(cell.mean),
                        "spread": cell.spread,
                        "disagreement": cell.disagreement,
                    }
                    for cid, cell in r.cells.items()
                ],
            }
            for r in matrix.rows
        ],
        "ranking": [
            {"candidate": r.candidate.id, "label": r.candidate.label, "total": rounded(r.total, 3)}
            for r in matrix.ranking
        ],
        "winner": matrix.winner.candidate.id if matrix.winner else None,
        "sensitivity": [
            {
                "criterion": f.criterion_id,
                "name": f.criterion_name,
                "share_percent": rounded(f.share, 1),
                "winner_minus_10": f.winner_minus,
                "winner_plus_10": f.winner_plus,
                "changes_within_10": f.changes_within_ten,
                "flip_at_points": rounded(f.flip_at, 1),
                "flips_to": f.flips_to,
                "flips_to_label": labels.get(f.flips_to or ""),
            }
            for f in matrix.sensitivity
        ],
    }


# --- cost -----------------------------------------------------------------------------------

MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class WorkloadInput:
    requests_per_month: int
    input_tokens_per_request: int
    output_tokens_per_request: int


@dataclass(frozen=True)
class CostInput:
    """What a candidate costs per unit: token prices (a vendor API) and/or compute."""

    input_price_per_million: Decimal | None = None
    output_price_per_million: Decimal | None = None
    token_currency: str = ""
    gpu_hours_per_month: Decimal | None = None
    gpu_hour_price: Decimal | None = None
    fixed_monthly_cost: Decimal | None = None
    cost_currency: str = ""


@dataclass(frozen=True)
class CostEstimate:
    monthly: Decimal | None  # in the organisation's currency, to the cent
    currency: str
    parts: dict[str, Decimal]  # "tokens", "compute", "fixed" → amount in `currency`
    problem: str = ""  # why there is no estimate

    def as_dict(self) -> dict[str, Any]:
        return {
            "monthly": str(self.monthly) if self.monthly is not None else None,
            "currency": self.currency,
            "parts": {name: str(amount) for name, amount in self.parts.items()},
            "problem": self.problem,
        }


def monthly_cost(
    cost: CostInput,
    workload: WorkloadInput,
    *,
    currency: str,
    rates: Mapping[str, Decimal],
) -> CostEstimate:
    """The candidate's monthly cost in `currency`, converting with `rates` ({code: units of
    `currency` per unit of code}); a part in a currency without a rate gives no estimate."""
    raw: list[tuple[str, Decimal, str]] = []
    if cost.input_price_per_million is not None or cost.output_price_per_million is not None:
        per_request = (
            workload.input_tokens_per_request * (cost.input_price_per_million or 0)
            + workload.output_tokens_per_request * (cost.output_price_per_million or 0)
        ) / MILLION
        raw.append(("tokens", workload.requests_per_month * per_request, cost.token_currency))
    if cost.gpu_hours_per_month is not None and cost.gpu_hour_price is not None:
        raw.append(("compute", cost.gpu_hours_per_month * cost.gpu_hour_price, cost.cost_currency))
    if cost.fixed_monthly_cost is not None:
        raw.append(("fixed", cost.fixed_monthly_cost, cost.cost_currency))
    if not raw:
        return CostEstimate(None, currency, {}, "No prices or compute figures to cost it with.")
    parts: dict[str, Decimal] = {}
    for name, amount, code in raw:
        rate = Decimal(1) if code == currency else rates.get(code)
        if rate is None:
            return CostEstimate(None, currency, {}, f"No exchange rate from {code} to {currency}.")
        parts[name] = (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return CostEstimate(sum(parts.values(), Decimal(0)), currency, parts)
