"""The building blocks every chart shares: a linear scale from figures (or instants) to SVG
coordinates, and the padding rule that keeps a flat series visible."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Scale:
    """Maps [low, high] onto [start, end] (start > end for a y axis, where up is smaller);
    `clamp` keeps figures beyond the domain at its edge."""

    low: float
    high: float
    start: float
    end: float
    clamp: bool = False

    def __call__(self, value: float) -> float:
        if self.clamp:
            value = max(self.low, min(self.high, value))
        span = self.high - self.low or 1.0
        return round(self.start + (self.end - self.start) * (value - self.low) / span, 1)

    @classmethod
    def padded(
        cls, values: Iterable[float], start: float, end: float, *, fraction: float = 0.1
    ) -> Scale:
        """The smallest domain holding every figure, widened by `fraction` of its span on
        each side (or of the figure itself when all are equal, or by 1 around zero), so that
        no point sits on the frame and a flat line still shows (no figure at all: around 0)."""
        figures = list(values) or [0.0]
        low, high = min(figures), max(figures)
        margin = (high - low) * fraction or abs(high) * fraction or 1.0
        return cls(low - margin, high + margin, start, end)


@dataclass(frozen=True)
class TimeScale:
    """A Scale over instants: [since, until] onto [start, end]."""

    since: datetime
    until: datetime
    start: float
    end: float

    def __call__(self, at: datetime) -> float:
        return Scale(self.since.timestamp(), self.until.timestamp(), self.start, self.end)(
            at.timestamp()
        )

    def holds(self, at: datetime) -> bool:
        return self.since <= at <= self.until


@dataclass(frozen=True)
class Frame:
    """The plot area inside an SVG of `width` × `height`, leaving `left` for the y labels and
    `bottom` for the x labels."""

    width: int
    height: int
    left: int = 48
    right: int = 12
    top: int = 12
    bottom: int = 24

    @property
    def x0(self) -> int:
        return self.left

    @property
    def x1(self) -> int:
        return self.width - self.right

    @property
    def y0(self) -> int:
        return self.height - self.bottom  # the bottom edge of the plot (SVG y grows down)

    @property
    def y1(self) -> int:
        return self.top

    def as_dict(self) -> dict[str, int]:
        return {
            "width": self.width,
            "height": self.height,
            "x0": self.x0,
            "x1": self.x1,
            "y0": self.y0,
            "y1": self.y1,
        }


def points_attribute(points: Iterable[tuple[float, float]]) -> str:
    """The `points` attribute of a polyline or polygon."""
    return " ".join(f"{x},{y}" for x, y in points)
