"""What a figure returns, and the clock it reads."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Measurement:
    """One line of a figure: Charter's rate on a path against the ceiling's rate on the same
    rows, both as the median of interleaved rounds."""

    name: str
    unit: str
    description: str
    charter_rounds: list[float]
    ceiling_rounds: list[float]
    ceiling: str  # what the ceiling is, in a few words
    goal: float | None = None  # a ratio to reach, when one is set
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def charter_rate(self) -> float:
        return statistics.median(self.charter_rounds)

    @property
    def ceiling_rate(self) -> float:
        return statistics.median(self.ceiling_rounds)

    @property
    def ratio(self) -> float:
        return self.charter_rate / self.ceiling_rate

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "description": self.description,
            "charter_rate": self.charter_rate,
            "ceiling_rate": self.ceiling_rate,
            "ratio": self.ratio,
            "ceiling": self.ceiling,
            "goal": self.goal,
            "rounds": {"charter": self.charter_rounds, "ceiling": self.ceiling_rounds},
            "details": self.details,
        }


def rate(count: int, work: Callable[[], object]) -> float:
    """Items per second of one call of `work` that handles `count` items."""
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    return count / elapsed
