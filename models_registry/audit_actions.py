"""The audit actions models_registry records (registered with audit in its AppConfig.ready)."""

from django.db import models


class ModelsRegistryAction(models.TextChoices):
    # the catalogue, its vendors and exchange rates
    CATALOGUE_MODEL_CREATED = "catalogue_model.created"
    CATALOGUE_MODEL_UPDATED = "catalogue_model.updated"
    CATALOGUE_MODEL_DELETED = "catalogue_model.deleted"
    CATALOGUE_IMPORTED = "catalogue.imported"
    VENDOR_CREATED = "vendor.created"
    VENDOR_UPDATED = "vendor.updated"
    VENDOR_ASSESSED = "vendor.assessed"
    EXCHANGE_RATE_SET = "exchange_rate.set"
    # a project's selection
    CRITERION_CREATED = "selection_criterion.created"
    CRITERION_UPDATED = "selection_criterion.updated"
    CRITERION_DELETED = "selection_criterion.deleted"
    CANDIDATE_CREATED = "selection_candidate.created"
    CANDIDATE_UPDATED = "selection_candidate.updated"
    CANDIDATE_DELETED = "selection_candidate.deleted"
    WORKLOAD_UPDATED = "selection_workload.updated"
    SCORE_RECORDED = "selection_score.recorded"
    SCORE_SHEET_SUBMITTED = "score_sheet.submitted"
    SCORE_SHEET_ABSTAINED = "score_sheet.abstained"
    DECISION_RECORDED = "decision_record.recorded"
    DECISION_SIGNED = "decision_record.signed"
    DECISION_APPROVED = "decision_record.approved"
    DECISION_REJECTED = "decision_record.rejected"
    DECISION_SUPERSEDED = "decision_record.superseded"
    # Adapt & align
    MODEL_VERSION_CREATED = "model_version.created"
    PROMPT_TEMPLATE_CREATED = "prompt_template.created"
    PROMPT_VERSION_CREATED = "prompt_version.created"
    DATASET_CREATED = "dataset.created"
    DATASET_UPDATED = "dataset.updated"
    FINE_TUNE_RUN_CREATED = "fine_tune_run.created"
    FINE_TUNE_RUN_UPDATED = "fine_tune_run.updated"
    EVALUATION_RECORDED = "evaluation.recorded"
    BIAS_CHECK_RUN = "bias_check.run"
    BIAS_CHECK_REVIEWED = "bias_check.reviewed"
