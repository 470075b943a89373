"""The shipped risk library (NIST AI 600-1 and OWASP Top 10 for LLM applications)."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LIBRARY_FILE = Path(__file__).resolve().parent / "data" / "risk_library.csv"


@dataclass(frozen=True)
class LibraryRisk:
    ref: str
    source: str
    source_id: str
    name: str
    category: str
    guidance: str
    suggested_mitigation: str
    url: str


@cache
def risk_library() -> tuple[LibraryRisk, ...]:
    """Every library entry, in file order (read once per process)."""
    with LIBRARY_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(LibraryRisk(**row) for row in csv.DictReader(handle))


def library_risk(ref: str) -> LibraryRisk | None:
    return next((entry for entry in risk_library() if entry.ref == ref), None)
