"""How big a run is: `tiny` proves in CI that every figure runs, `full` gives the numbers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    batch: int  # rows (points, …) per measured operation
    rounds: int  # interleaved rounds; figures report the median


SCALES = {
    "tiny": Scale(name="tiny", batch=1_000, rounds=2),
    "full": Scale(name="full", batch=10_000, rounds=5),
}
