"""The gate registry: which criteria decide each lifecycle transition.

Criteria are computed from data, never ticked by hand. Each app registers the criteria it
owns (in its `gates.py`, imported from its AppConfig.ready), so this module never imports the
apps above it, and a criterion appears as soon as its app is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from projects.models.project import PHASE_ORDER, Project


@dataclass(frozen=True)
class CriterionResult:
    key: str
    label: str
    met: bool
    detail: str = ""
    section: str = ""  # the part of the project page where what is missing can be done
    owner_app: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Check = Callable[[Project], tuple[bool, str]]


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    check: Check
    section: str = ""
    owner_app: str = ""
    order: int = 100

    def evaluate(self, project: Project) -> CriterionResult:
        met, detail = self.check(project)
        return CriterionResult(self.key, self.label, met, detail, self.section, self.owner_app)


@dataclass
class GateRegistry:
    _criteria: dict[tuple[str, str], dict[str, Criterion]] = field(default_factory=dict)

    def register(
        self,
        from_phase: str,
        to_phase: str,
        *,
        key: str,
        label: str,
        section: str = "",
        owner_app: str = "",
        order: int = 100,
    ) -> Callable[[Check], Check]:
        """Decorator: `@gates.register("scope", "select", key=…, label=…)` on a check function
        that takes the project and returns (met, detail)."""
        if from_phase not in PHASE_ORDER or to_phase not in PHASE_ORDER:
            raise ValueError(f"unknown transition {from_phase} → {to_phase}")

        def decorator(check: Check) -> Check:
            criterion = Criterion(key, label, check, section, owner_app, order)
            self._criteria.setdefault((from_phase, to_phase), {})[key] = criterion
            return check

        return decorator

    def criteria(self, from_phase: str, to_phase: str) -> list[Criterion]:
        found = self._criteria.get((from_phase, to_phase), {}).values()
        return sorted(found, key=lambda c: (c.order, c.key))

    def evaluate(self, project: Project, to_phase: str | None = None) -> list[CriterionResult]:
        """Every criterion of the project's next gate (or of `to_phase`), evaluated now."""
        target = to_phase or project.next_phase
        if target is None:
            return []
        return [c.evaluate(project) for c in self.criteria(project.phase, target)]


gates = GateRegistry()


def unmet(results: list[CriterionResult]) -> list[CriterionResult]:
    return [result for result in results if not result.met]
