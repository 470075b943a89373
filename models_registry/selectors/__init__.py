"""Read queries of models_registry, scoped by the permission policy; one module per record
kind, re-exported here."""

from models_registry.selectors.selection import (
    candidate_get_for_user,
    candidate_list,
    catalogue_model_for_project,
    cost_estimates,
    criterion_get_for_user,
    criterion_list,
    decision_get_for_user,
    decision_list,
    latest_rates,
    matrix_access,
    matrix_for_user,
    my_scores,
    my_sheet,
    scoring_started,
    selection_matrix,
    selection_shares,
    sheet_list,
    workload_get,
)

__all__ = [
    "candidate_get_for_user",
    "candidate_list",
    "catalogue_model_for_project",
    "cost_estimates",
    "criterion_get_for_user",
    "criterion_list",
    "decision_get_for_user",
    "decision_list",
    "latest_rates",
    "matrix_access",
    "matrix_for_user",
    "my_scores",
    "my_sheet",
    "scoring_started",
    "selection_matrix",
    "selection_shares",
    "sheet_list",
    "workload_get",
]
