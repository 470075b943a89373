"""Which requirements apply to a project: a requirement's `applies_when` against the
project's confirmed classification. Pure: the generation of checks and the tests share it.

`applies_when` (in the catalogue data) may hold:
- "tiers": the tiers it applies to ("minimal", "limited", "high", "prohibited");
- "roles": "provider" and/or "deployer" (a classification of role "both" is each);
- "obligations": "transparency" and/or "gpai" — any one of them suffices.
Every key given must hold; an empty `applies_when` applies to every project of an organisation
that follows the framework. A framework that depends on the classification (the EU AI Act)
applies nothing to an unclassified project.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KEYS = ("tiers", "roles", "obligations")


def roles_of(role: str) -> set[str]:
    return {"provider", "deployer"} if role == "both" else {role}


def applies(
    applies_when: Mapping[str, Any], *, tier: str | None, role: str | None, obligations: list[str]
) -> bool:
    """Does a requirement with this `applies_when` apply to a project classified so?"""
    if not applies_when:
        return True
    if tier is None or role is None:
        return False  # conditions on a classification the project does not have yet
    if "tiers" in applies_when and tier not in applies_when["tiers"]:
        return False
    if "roles" in applies_when and not roles_of(role) & set(applies_when["roles"]):
        return False
    return not (
        "obligations" in applies_when and not set(obligations) & set(applies_when["obligations"])
    )


def check_applies_when(value: Any) -> list[str]:
    """What is wrong with an `applies_when` value from a data file (empty when fine)."""
    if not isinstance(value, dict):
        return ["applies_when must be an object"]
    problems = [f"unknown key {k!r}" for k in value if k not in KEYS]
    allowed = {
        "tiers": {"minimal", "limited", "high", "prohibited"},
        "roles": {"provider", "deployer"},
        "obligations": {"transparency", "gpai"},
    }
    for key, options in allowed.items():
        if key in value:
            items = value[key]
            if not isinstance(items, list) or not items or not set(items) <= options:
                problems.append(f"{key} must be a non-empty list of {sorted(options)}")
    return problems
