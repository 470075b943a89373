"""Every state change of models_registry; one module per record kind, re-exported here."""

from models_registry.services.adapt import (
    dataset_create,
    dataset_update,
    evaluation_record,
    fine_tune_run_create,
    fine_tune_run_update,
    model_version_create,
    prompt_template_create,
    prompt_version_create,
)
from models_registry.services.bias import bias_check_review, bias_check_run
from models_registry.services.catalogue import (
    catalogue_import,
    catalogue_import_starter,
    catalogue_model_create,
    catalogue_model_delete,
    catalogue_model_update,
    exchange_rate_set,
    organization_currency_set,
)
from models_registry.services.decisions import decision_record, decision_sign_compliance
from models_registry.services.experiments import (
    ab_test_create,
    ab_test_finish,
    ab_test_results_post,
    ab_test_start,
)
from models_registry.services.feedback import (
    feedback_addressed,
    feedback_from_product,
    feedback_record,
    feedback_triage,
    user_test_record,
)
from models_registry.services.optimisation import optimisation_record
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
from models_registry.services.vendors import vendor_assess, vendor_create, vendor_update

__all__ = [
    "ab_test_create",
    "ab_test_finish",
    "ab_test_results_post",
    "ab_test_start",
    "bias_check_review",
    "bias_check_run",
    "candidate_create",
    "candidate_delete",
    "candidate_update",
    "catalogue_import",
    "catalogue_import_starter",
    "catalogue_model_create",
    "catalogue_model_delete",
    "catalogue_model_update",
    "criterion_create",
    "criterion_delete",
    "criterion_update",
    "dataset_create",
    "dataset_update",
    "decision_record",
    "decision_sign_compliance",
    "evaluation_record",
    "exchange_rate_set",
    "feedback_addressed",
    "feedback_from_product",
    "feedback_record",
    "feedback_triage",
    "fine_tune_run_create",
    "fine_tune_run_update",
    "model_version_create",
    "optimisation_record",
    "organization_currency_set",
    "prompt_template_create",
    "prompt_version_create",
    "score_record",
    "selection_defaults_create",
    "sheet_abstain",
    "sheet_submit",
    "user_test_record",
    "vendor_assess",
    "vendor_create",
    "vendor_update",
    "workload_update",
]
