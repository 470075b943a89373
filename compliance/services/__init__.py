"""Every state change of compliance; one module per record kind, re-exported here."""

from compliance.services.checks import (
    applicable_requirements,
    check_review,
    check_submit,
    check_update,
    checks_sync,
)
from compliance.services.classification import classification_confirm, classification_propose

__all__ = [
    "applicable_requirements",
    "check_review",
    "check_submit",
    "check_update",
    "checks_sync",
    "classification_confirm",
    "classification_propose",
]
