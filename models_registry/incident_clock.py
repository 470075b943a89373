"""The serious-incident reporting clock of EU AI Act Art. 73, read from data
(models_registry/data/serious_incident_deadlines.json, each deadline with its legal source) so
that an amendment changes a file, not the code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

DEADLINES_FILE = Path(__file__).parent / "data" / "serious_incident_deadlines.json"


@dataclass(frozen=True)
class SeriousKind:
    key: str
    label: str
    days: int
    source: str


@cache
def serious_kinds() -> dict[str, SeriousKind]:
    data = json.loads(DEADLINES_FILE.read_text(encoding="utf-8"))
    kinds = {
        row["key"]: SeriousKind(row["key"], row["label"], int(row["days"]), row["source"])
        for row in data["kinds"]
    }
    if not kinds or any(kind.days <= 0 for kind in kinds.values()):
        raise ValueError(f"{DEADLINES_FILE}: every kind needs a positive number of days")
    return kinds


def report_due(kind: str, aware_at: datetime) -> datetime:
    """When the report of a serious incident of `kind` is due (KeyError for an unknown kind)."""
    return aware_at + timedelta(days=serious_kinds()[kind].days)


def remaining(due_at: datetime, now: datetime) -> timedelta:
    """Time left until the report is due (negative once it is late)."""
    return due_at - now
