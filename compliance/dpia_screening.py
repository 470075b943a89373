"""Is a DPIA required? GDPR Art. 35(3) names three cases that always require one; the
EDPB-endorsed WP248 guidelines add that processing meeting two or more of their nine
criteria requires one in most cases. Pure: the service, the pages and the tests share it."""

from __future__ import annotations

from collections.abc import Collection

CRITERIA_THRESHOLD = 2


def dpia_required(*, art35_cases: Collection[str], criteria: Collection[str]) -> bool:
    """Any Art. 35(3) case, or at least two WP248 criteria."""
    return bool(art35_cases) or len(set(criteria)) >= CRITERIA_THRESHOLD


def screening_reason(*, art35_cases: Collection[str], criteria: Collection[str]) -> str:
    """One sentence saying why the screening came out as it did."""
    if art35_cases:
        return "Required: the processing falls under Art. 35(3)."
    met = len(set(criteria))
    if met >= CRITERIA_THRESHOLD:
        return f"Required: {met} of the nine WP248 criteria are met (two or more)."
    return (
        f"Not required by the screening: {met} of the nine WP248 criteria met, no Art. 35(3) case."
    )
