"""Which compliance checks a possible substantial modification re-opens, by kind of change:
shipped as data (compliance/data/modification_reviews.csv, each row with the provision that
makes it so), read once and refused whole if a row is wrong. Pure: no database."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from models_registry.models import MODIFICATION_KINDS

DATA_FILE = Path(__file__).resolve().parent / "data" / "modification_reviews.csv"
COLUMNS = ["framework", "ref", "kinds", "why"]
EVERY_KIND = "*"


@dataclass(frozen=True)
class Review:
    framework: str  # a framework key of the catalogue: "eu-ai-act"
    ref: str  # a requirement's ref in it: "Art. 43"
    why: str


class ModificationReviewsError(ValueError):
    """The data file is refused: the message names the line and what is wrong."""


def parse(path: Path = DATA_FILE) -> dict[str, tuple[Review, ...]]:
    """Every kind of change → the requirements it sends back to review."""
    by_kind: dict[str, list[Review]] = {kind: [] for kind in MODIFICATION_KINDS}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise ModificationReviewsError(f"{path.name}:1: the columns must be {COLUMNS}")
        for line, row in enumerate(reader, start=2):
            if not all(row.get(column) for column in COLUMNS):
                raise ModificationReviewsError(f"{path.name}:{line}: every column needs a value")
            kinds = MODIFICATION_KINDS if row["kinds"] == EVERY_KIND else row["kinds"].split(";")
            unknown = set(kinds) - set(MODIFICATION_KINDS)
            if unknown:
                raise ModificationReviewsError(
                    f"{path.name}:{line}: unknown kinds {sorted(unknown)}; "
                    f"use {EVERY_KIND} or some of {list(MODIFICATION_KINDS)}"
                )
            review = Review(framework=row["framework"], ref=row["ref"], why=row["why"])
            for kind in kinds:
                by_kind[kind].append(review)
    return {kind: tuple(reviews) for kind, reviews in by_kind.items()}


@cache
def reviews_for(kind: str) -> tuple[Review, ...]:
    return parse().get(kind, ())
