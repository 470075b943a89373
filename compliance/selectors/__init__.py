"""Read queries of compliance, scoped by the permission policy; one module per record kind."""

from compliance.selectors.audit import SYSTEM_ACTOR, audit_event_list_for_user
from compliance.selectors.checks import (
    blocking_for_gate,
    check_get_for_user,
    check_list,
    check_progress,
    classification_get_for_user,
    classification_history,
    current_classification,
    evidence_counting_for,
    project_frameworks,
)

__all__ = [
    "SYSTEM_ACTOR",
    "audit_event_list_for_user",
    "blocking_for_gate",
    "check_get_for_user",
    "check_list",
    "check_progress",
    "classification_get_for_user",
    "classification_history",
    "current_classification",
    "evidence_counting_for",
    "project_frameworks",
]
