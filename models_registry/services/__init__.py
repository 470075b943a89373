"""Every state change of models_registry; one module per record kind, re-exported here."""

from models_registry.services.decisions import decision_record, decision_sign_compliance
from models_registry.services.scores import score_record, sheet_abstain, sheet_submit
from models_registry.services.selection import (
    candidate_create,
    candidate_delete,
    candidate_update,
    criterion_create,
    criterion_delete,
    criterion_update,
    selection_defaults_create,
    workload_update,
)

__all__ = [
    "candidate_create",
    "candidate_delete",
    "candidate_update",
    "criterion_create",
    "criterion_delete",
    "criterion_update",
    "decision_record",
    "decision_sign_compliance",
    "score_record",
    "selection_defaults_create",
    "sheet_abstain",
    "sheet_submit",
    "workload_update",
]
