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
from compliance.selectors.evidence import (
    evidence_attachable,
    evidence_checks_served,
    evidence_get_for_user,
    evidence_history,
    evidence_list,
    literacy_share,
    literacy_share_org,
    may_judge,
    training_get_for_user,
    training_list_for_user,
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
    "evidence_attachable",
    "evidence_checks_served",
    "evidence_counting_for",
    "evidence_get_for_user",
    "evidence_history",
    "evidence_list",
    "literacy_share",
    "literacy_share_org",
    "may_judge",
    "project_frameworks",
    "training_get_for_user",
    "training_list_for_user",
]
