"""Readers of evaluation results where they already live: lm-evaluation-harness results files,
Inspect AI logs and an MLflow tracking server. Pure (the standard library, plus Zstandard for
Inspect's zip members): each turns a source into `ParsedEvaluation`s, or raises `ImportProblem`
with a sentence for the person who sent it; the services record them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ImportProblem(ValueError):  # noqa: N818 (a problem of the source, said to its sender)
    """The source cannot be imported as it is; the message says why, for its sender."""


@dataclass(frozen=True)
class ParsedEvaluation:
    benchmark: str
    run_id: str
    metrics: list[dict[str, Any]]
    evaluated_at: datetime | None = None
    findings: str = ""
    skipped: list[str] = field(default_factory=list)


def number(raw: Any) -> float | int | None:
    """A finite figure, or None for text ("N/A"), booleans, NaN and infinities."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    if isinstance(raw, float) and not math.isfinite(raw):
        return None
    return raw


def positive_count(raw: Any) -> int | None:
    """A sample count the metric model accepts (a whole number ≥ 1), else None."""
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 1 else None


def clipped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
