"""The compliance criterion of every gate: no open blocking compliance check due by the phase
being left (nor by an earlier one)."""

from __future__ import annotations

from itertools import pairwise

from compliance.selectors.checks import blocking_for_gate
from projects.lifecycle import gates
from projects.models import Project
from projects.models.project import PHASE_ORDER

MAX_LISTED = 5


def no_blocking_checks(project: Project) -> tuple[bool, str]:
    blocking = blocking_for_gate(project)
    if not blocking:
        return True, ""
    listed = ", ".join(
        f"{c.requirement.framework.name} {c.requirement.ref}" for c in blocking[:MAX_LISTED]
    )
    more = f" and {len(blocking) - MAX_LISTED} more" if len(blocking) > MAX_LISTED else ""
    return False, f"{len(blocking)} blocking compliance check(s) open: {listed}{more}."


# Every forward gate from Scope to Operate (no compliance check is due by retiring a project).
for _from, _to in pairwise(PHASE_ORDER[:5]):
    gates.register(
        _from,
        _to,
        key="no_blocking_compliance_checks",
        label="No blocking compliance check open",
        section="compliance",
        owner_app="compliance",
        order=90,
    )(no_blocking_checks)
